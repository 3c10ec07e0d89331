/**
 * The one error type the MISP client throws. `kind` says what went wrong in terms a caller can act on
 * (ask for a new key, fix the URL, try later, show field errors…); `message` is written for the analyst.
 */
export const MISP_ERROR_KINDS = [
  'key-rejected',
  'permission',
  'not-found',
  'validation',
  'unreachable',
  'timeout',
  'login-redirect',
  'bad-response',
  'server-error',
  'rate-limited',
  'method',
  'config',
] as const;
export type MispErrorKind = (typeof MISP_ERROR_KINDS)[number];

export interface MispErrorDetails {
  /** HTTP status, when MISP (or something in front of it) answered. */
  status?: number;
  /** MISP's own `message`, decoded from its HTML escaping. */
  mispMessage?: string;
  /** The request URL (no key in it: the key only travels in a header). */
  url?: string;
  /** Field errors of a validation failure, each as "field: message". */
  fieldErrors?: string[];
  /** For `bad-response`: where in the answer the unexpected shape was. */
  path?: string;
  /** For `rate-limited`: seconds until the window resets, when MISP said so. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class MispError extends Error {
  override readonly name = 'MispError';
  readonly kind: MispErrorKind;
  readonly status: number | undefined;
  readonly mispMessage: string | undefined;
  readonly url: string | undefined;
  readonly fieldErrors: string[];
  readonly path: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(kind: MispErrorKind, message: string, details: MispErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    this.status = details.status;
    this.mispMessage = details.mispMessage;
    this.url = details.url;
    this.fieldErrors = details.fieldErrors ?? [];
    this.path = details.path;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }

  /** A plain, structured-clone-safe form for messages to extension pages. */
  toInfo(): { kind: MispErrorKind; message: string; details?: string[] } {
    return this.fieldErrors.length > 0
      ? { kind: this.kind, message: this.message, details: [...this.fieldErrors] }
      : { kind: this.kind, message: this.message };
  }
}

export function isMispError(error: unknown): error is MispError {
  return error instanceof MispError;
}
