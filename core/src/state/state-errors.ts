import { TributaryError } from "../errors/index.ts";
import { StateErrorCodes } from "./error-codes.ts";

/** A caller passed something the store cannot accept: a bug in the caller, so not worth retrying. */
export function invalidArgument(message: string): TributaryError {
  return new TributaryError(StateErrorCodes.INVALID_ARGUMENT, message, "unexpected");
}

export function databaseClosedError(): TributaryError {
  return new TributaryError(StateErrorCodes.DATABASE_CLOSED, "database used after close()", "unexpected");
}

/** INSERT … RETURNING gave nothing back: only a broken database or driver gets here. */
export function returnedRow<T>(rows: readonly T[]): T {
  const row = rows[0];
  if (row === undefined) {
    throw new TributaryError(StateErrorCodes.UNEXPECTED_RESULT, "statement returned no row", "unexpected");
  }
  return row;
}
