/**
 * One error shape for the whole product: `{ error: { code, message, details? } }`.
 * Codes live in one registry with their HTTP status and CLI exit code, so every edge maps them the same way.
 */
export const errorRegistry = {
  bad_request: { status: 400, exit: 1 },
  invalid_json: { status: 400, exit: 1 },
  validation_failed: { status: 400, exit: 1 },
  batch_too_many_messages: { status: 400, exit: 1 },
  // A single message over the limit is a body over it (413), whichever measure finds it.
  message_too_large: { status: 413, exit: 1 },
  body_too_large: { status: 413, exit: 1 },
  unsupported_media_type: { status: 415, exit: 1 },
  unauthorized: { status: 401, exit: 1 },
  forbidden: { status: 403, exit: 1 },
  not_found: { status: 404, exit: 1 },
  overloaded: { status: 503, exit: 2 },
  // The event log cannot be written (a full disk, a read-only or failing one): retrying later is the fix, so 503.
  storage_unavailable: { status: 503, exit: 2 },
  shutting_down: { status: 503, exit: 2 },
  too_many_requests: { status: 429, exit: 1 },
  invalid_config: { status: 500, exit: 1 },
  invalid_argument: { status: 400, exit: 1 },
  data_dir_busy: { status: 409, exit: 1 },
  import_failed: { status: 400, exit: 1 },
  internal: { status: 500, exit: 2 },
} as const satisfies Record<string, { status: number; exit: 1 | 2 }>;

export type ErrorCode = keyof typeof errorRegistry;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/** The one error type thrown by our code; anything else reaching an edge is an internal error. */
export class TesseraError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TesseraError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return errorRegistry[this.code].status;
  }

  get exitCode(): 1 | 2 {
    return errorRegistry[this.code].exit;
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

/** Builds the error body for anything thrown, never leaking a stack trace. */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof TesseraError) return err.toBody();
  return { error: { code: 'internal', message: 'internal error' } };
}

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(errorRegistry, value);
}
