/**
 * What the runtime should do when this error ends a job:
 * - `user`: bad config, credentials or input — retrying cannot help, an operator/user must act.
 * - `transient`: timeouts, 5xx, 429, connection refused — retry with backoff.
 * - `unexpected`: a bug — retry (it may be a race) but report loudly.
 */
export type ErrorClass = "user" | "transient" | "unexpected";

export interface TributaryErrorOptions {
  /** What the operator should do about it, in one sentence. */
  hint?: string;
  cause?: unknown;
  /** Plugin that raised it, added by the runtime when it wraps plugin errors. */
  plugin?: string;
  /** Structured, secret-free details for logs and API answers. */
  details?: Record<string, unknown>;
}

export class TributaryError extends Error {
  readonly code: string;
  readonly errorClass: ErrorClass;
  readonly hint?: string;
  readonly plugin?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: string, message: string, errorClass: ErrorClass, options: TributaryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.errorClass = errorClass;
    if (options.hint !== undefined) this.hint = options.hint;
    if (options.plugin !== undefined) this.plugin = options.plugin;
    if (options.details !== undefined) this.details = options.details;
  }

  /** One line for an operator: `[code] message — hint`. */
  toOperatorString(): string {
    const who = this.plugin ? `[${this.plugin}] ` : "";
    return `${who}${this.code}: ${this.message}${this.hint ? ` — ${this.hint}` : ""}`;
  }
}

/** Bad configuration, credentials or input: never retried. */
export class UserError extends TributaryError {
  constructor(code: string, message: string, options?: TributaryErrorOptions) {
    super(code, message, "user", options);
  }
}

/** Worth retrying with backoff. */
export class TransientError extends TributaryError {
  constructor(code: string, message: string, options?: TributaryErrorOptions) {
    super(code, message, "transient", options);
  }
}

/** A provider or destination asked us to slow down; `retryAfterMs` is how long. */
export class RateLimitedError extends TransientError {
  readonly retryAfterMs: number;
  constructor(code: string, message: string, retryAfterMs: number, options?: TributaryErrorOptions) {
    super(code, message, options);
    this.retryAfterMs = retryAfterMs;
  }
}

export function isTributaryError(error: unknown): error is TributaryError {
  return error instanceof TributaryError;
}

/** One line for logs and dead letters, whatever was thrown. */
export function operatorMessage(error: unknown): string {
  return isTributaryError(error) ? error.toOperatorString() : error instanceof Error ? error.message : String(error);
}

/** Classify anything thrown: unknown errors count as unexpected. */
export function errorClassOf(error: unknown): ErrorClass {
  return isTributaryError(error) ? error.errorClass : "unexpected";
}
