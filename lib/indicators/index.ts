/**
 * Indicator extraction engine (content-script safe: no warninglist data here — import
 * `./benign` from the background for "likely benign" marking).
 */
export {
  MISP_TYPES,
  type MispCategory,
  type MispType,
  type MispTypeDefaults,
  mispTypeDefaults,
} from './misp-types';
export {
  type ChunkPosition,
  INDICATOR_KINDS,
  type IndicatorKind,
  type IndicatorKindSpec,
  type Occurrence,
  type TextChunk,
} from './model';
export { refang, refangValue } from './refang';
export {
  INDICATOR_REGISTRY,
  kindSpec,
  type MispTypeChoice,
  type MispTypeOption,
  mispTypeChoice,
} from './registry';
export { scanText } from './scanner';
export { type IndicatorSummary, summariseOccurrences } from './summary';
