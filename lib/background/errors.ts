import type { ErrorInfo } from '../messages';
import { MispError } from '../misp';
import { InstanceInputError } from './instances';

/**
 * Turns anything thrown into the error shape extension pages show: the one mapping, used by the
 * router for every handler. A MISP error keeps its field errors (`details`, "Event.info: …"), so the
 * form can show each next to its field.
 */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof MispError) return error.toInfo();
  if (error instanceof InstanceInputError) return { kind: 'input', message: error.message };
  return { kind: 'internal', message: error instanceof Error ? error.message : String(error) };
}
