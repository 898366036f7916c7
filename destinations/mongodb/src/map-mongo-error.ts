import { ErrorCodes, TransientError, TributaryError, UserError } from "@tributary/core/contracts";
import { MongoAPIError, MongoError, MongoNetworkError, MongoParseError, MongoServerError, MongoServerSelectionError, MongoTopologyClosedError } from "mongodb";

const AUTHENTICATION_FAILED = 18;
const ATLAS_AUTH_FAILED = 8000;
const UNAUTHORIZED = 13;

// Server answers that mean "try again later": elections, shutdowns, timeouts, overload.
const TRANSIENT_SERVER_CODES = new Set([6, 7, 50, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436, 462]);
// Server answers that mean "this write can never succeed as configured or as sent".
const REJECTED_SERVER_CODES = new Set([2, 14, 17, 52, 55, 67, 73, 85, 86, 10334, 17280, 16755]);

export interface ErrorScope {
  /** "MongoDB db.internal:27017/terra": where, without credentials. */
  target: string;
  /** What we were doing: "connect", "write", "delete", "check". */
  action: string;
  /** Removes the connection string's password from driver messages. */
  scrub: (text: string) => string;
}

/** The first MongoDB server error in a cause chain (a server-selection error may wrap an auth failure). */
function serverErrorIn(error: unknown): MongoServerError | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof MongoServerError) return e;
  }
  return undefined;
}

/** The driver refused the connection string itself (MongoClient's constructor threw): nothing to retry. */
export function urlError(error: unknown, scope: ErrorScope): UserError {
  const detail = scope.scrub(error instanceof Error ? error.message : String(error));
  return new UserError(ErrorCodes.DESTINATION_CONFIG, `${scope.target} (${scope.action}): the url option is not usable: ${detail}`, {
    hint: "Fix the url option: mongodb://user:password@host:port/?options or mongodb+srv://…",
    details: { action: scope.action },
  });
}

/** Turn whatever the driver threw into a TributaryError that says whether retrying can help. */
export function mapMongoError(error: unknown, scope: ErrorScope): TributaryError {
  if (error instanceof TributaryError) return error;
  const detail = scope.scrub(error instanceof Error ? error.message : String(error));
  const where = `${scope.target} (${scope.action})`;
  const server = serverErrorIn(error);
  const code = typeof server?.code === "number" ? server.code : undefined;
  const details = { action: scope.action, ...(code !== undefined ? { mongoCode: code } : {}) };
  // The driver's own error stays attached for debugging: its messages quote hosts, never the url's password.
  const cause = error;

  if (code === AUTHENTICATION_FAILED || code === ATLAS_AUTH_FAILED) {
    return new UserError(ErrorCodes.DESTINATION_AUTH, `${where}: authentication failed`, {
      hint: "Check the user name, password and authSource in the url option.",
      details,
      cause,
    });
  }
  if (code === UNAUTHORIZED) {
    return new UserError(ErrorCodes.DESTINATION_AUTH, `${where}: the user is not allowed to do this: ${detail}`, {
      hint: "Grant the user readWrite (which includes createIndex) on the configured database.",
      details,
      cause,
    });
  }
  if (error instanceof MongoParseError || error instanceof MongoAPIError) return urlError(error, scope);
  const retryLabel = error instanceof MongoError && (error.hasErrorLabel("RetryableWriteError") || error.hasErrorLabel("ResetPool"));
  if (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoTopologyClosedError ||
    retryLabel ||
    (code !== undefined && TRANSIENT_SERVER_CODES.has(code))
  ) {
    return new TransientError(ErrorCodes.DESTINATION_UNAVAILABLE, `${where}: server unavailable: ${detail}`, {
      hint: "Check that MongoDB is running and reachable from the worker; the delivery is retried.",
      details,
      cause,
    });
  }
  if (code !== undefined && REJECTED_SERVER_CODES.has(code)) {
    return new UserError(ErrorCodes.DESTINATION_REJECTED, `${where}: the server rejected the request: ${detail}`, {
      hint: "Check the database name, collection prefix and existing indexes; this will not succeed on retry.",
      details,
      cause,
    });
  }
  // Unknown: retried (it may be a race) but reported loudly.
  return new TributaryError(ErrorCodes.DESTINATION_REJECTED, `${where}: unexpected MongoDB error: ${detail}`, "unexpected", { details, cause });
}
