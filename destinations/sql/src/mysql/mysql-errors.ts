import type { TributaryError } from "@tributary/core/contracts";
import { destinationError, type ErrorContext, type FailureKind } from "../destination-errors.ts";

const codeOf = (error: unknown): string => String((error as { code?: unknown } | null)?.code ?? "");

const AUTH = new Set([
  "ER_ACCESS_DENIED_ERROR",
  "ER_ACCESS_DENIED_NO_PASSWORD_ERROR",
  "ER_DBACCESS_DENIED_ERROR",
  "ER_HOST_NOT_PRIVILEGED",
  "ER_NOT_SUPPORTED_AUTH_MODE",
  "ER_MUST_CHANGE_PASSWORD_LOGIN",
  "ER_ACCOUNT_HAS_BEEN_LOCKED",
]);
const PERMISSION = new Set(["ER_TABLEACCESS_DENIED_ERROR", "ER_COLUMNACCESS_DENIED_ERROR", "ER_SPECIFIC_ACCESS_DENIED_ERROR", "ER_PROCACCESS_DENIED_ERROR"]);
// Only deadlocks are retried on the spot: InnoDB has already rolled back and the retry is immediate. A lock
// wait timeout took innodb_lock_wait_timeout (50 s) to happen, so it goes back to the queue's backoff.
const CONFLICT = new Set(["ER_LOCK_DEADLOCK"]);
const UNAVAILABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "ER_LOCK_WAIT_TIMEOUT",
  "ER_CON_COUNT_ERROR",
  "ER_TOO_MANY_USER_CONNECTIONS",
  "ER_SERVER_SHUTDOWN",
  "ER_QUERY_INTERRUPTED",
  "ER_OUT_OF_RESOURCES",
  "ER_LOCK_TABLE_FULL",
  "ER_STATEMENT_TIMEOUT",
  "ER_QUERY_TIMEOUT",
  "ER_CLIENT_INTERACTION_TIMEOUT",
]);
const TLS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|HANDSHAKE_NO_SSL_SUPPORT/;

/** Deadlock: the server rolled the transaction back, and it may simply run again. */
export function isMysqlConflict(error: unknown): boolean {
  return CONFLICT.has(codeOf(error));
}

function classify(error: unknown): [FailureKind, string?] {
  const code = codeOf(error);
  const sqlState = String((error as { sqlState?: unknown } | null)?.sqlState ?? "");
  if (AUTH.has(code) || sqlState === "28000") return ["auth"];
  if (PERMISSION.has(code)) return ["permission"];
  if (code === "ER_BAD_DB_ERROR") return ["config", "Create the database or fix `database` (or the url's path) in the destination's options."];
  if (TLS.test(code)) {
    return ["config", "Fix the TLS settings: set ssl to false for a server without TLS, or give it a certificate this host trusts."];
  }
  if (isMysqlConflict(error)) return ["conflict"];
  if (UNAVAILABLE.has(code) || (error as { fatal?: unknown } | null)?.fatal === true) return ["unavailable"];
  if (code === "ER_NET_PACKET_TOO_LARGE") {
    return ["rejected", "A payload is larger than the server's max_allowed_packet; raise it (e.g. to 64M) on the server."];
  }
  // SQLSTATE class 22 data exception, 23 integrity constraint (MariaDB's JSON_VALID check): the data is at fault.
  if (sqlState.startsWith("22") || sqlState.startsWith("23") || code === "ER_INVALID_JSON_TEXT") return ["rejected"];
  return ["unexpected"];
}

export function mysqlError(error: unknown, context: ErrorContext): TributaryError {
  const [kind, hint] = classify(error);
  return destinationError(kind, context, error, hint);
}
