import { TransientError } from "../errors/index.ts";
import { StateErrorCodes } from "./error-codes.ts";

function codeOf(error: unknown): unknown {
  return typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
}

export function isUniqueViolation(error: unknown): boolean {
  return codeOf(error) === "23505";
}

export function isForeignKeyViolation(error: unknown): boolean {
  return codeOf(error) === "23503";
}

// Socket errors, SQLSTATE class 08 (connection), 57P0x (server shutting down) and 53300 (too many
// connections) heal by themselves, so queue jobs must retry them rather than dead-letter.
const TRANSIENT_ERRNO = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN"]);

function isTransient(error: unknown): boolean {
  const code = codeOf(error);
  if (typeof code === "string") {
    if (TRANSIENT_ERRNO.has(code) || code.startsWith("08") || code.startsWith("57P0") || code === "53300") {
      return true;
    }
  }
  const message = error instanceof Error ? error.message : "";
  return /Connection terminated|timeout exceeded when trying to connect/i.test(message);
}

/** Re-throws connection trouble as a retryable TransientError; SQL errors pass through unchanged. */
export function classifyDriverError(error: unknown): unknown {
  if (!isTransient(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new TransientError(StateErrorCodes.DATABASE_UNAVAILABLE, `database unavailable: ${reason}`, {
    cause: error,
    hint: "check that PostgreSQL is running and DATABASE_URL points at it",
  });
}
