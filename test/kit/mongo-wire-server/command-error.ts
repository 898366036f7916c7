/** A command failure, answered the way mongod answers it: `{ ok: 0, errmsg, code, codeName }`. */
export class CommandError extends Error {
  readonly code: number;
  readonly codeName: string;
  /** Extra reply fields mongod adds for some errors (e.g. `keyPattern`/`keyValue` on E11000). */
  readonly extra: Record<string, unknown>;

  constructor(code: number, codeName: string, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.codeName = codeName;
    this.extra = extra;
  }

  toReply(): Record<string, unknown> {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }

  /** The shape of one entry of `writeErrors` (mongod leaves out `codeName` there). */
  toWriteError(index: number): Record<string, unknown> {
    return { index, code: this.code, errmsg: this.message, ...this.extra };
  }
}

export const badValue = (message: string) => new CommandError(2, "BadValue", message);

/**
 * For query/update features a real server has but this one does not: a loud, distinctive failure
 * instead of a silently wrong answer, so a test never passes against a half-implemented feature.
 */
export const notImplemented = (what: string) =>
  new CommandError(115, "CommandNotSupported", `mongo-wire-server: ${what} is not implemented by the in-process test server`);
