import type { ErrorInfo } from '../messages';
import { MispError } from '../misp';
import { InstanceInputError } from './instances';

/** Turns anything thrown into the error shape extension pages show. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof MispError) return { kind: error.kind, message: error.message };
  if (error instanceof InstanceInputError) return { kind: 'input', message: error.message };
  return { kind: 'internal', message: error instanceof Error ? error.message : String(error) };
}
