import { ErrorCodes, TransientError, TributaryError, UserError } from "@tributary/core/contracts";

// gRPC status codes (google.rpc.Code).
const PERMISSION_DENIED = 7;
const UNAUTHENTICATED = 16;
const NOT_FOUND = 5;
const FAILED_PRECONDITION = 9;
const INVALID_ARGUMENT = 3;
const OUT_OF_RANGE = 11;
const RETRYABLE = new Set([1, 2, 4, 8, 10, 13, 14]); // cancelled, unknown, deadline, exhausted, aborted, internal, unavailable
const NAMES: Record<number, string> = {
  1: "CANCELLED",
  2: "UNKNOWN",
  3: "INVALID_ARGUMENT",
  4: "DEADLINE_EXCEEDED",
  5: "NOT_FOUND",
  7: "PERMISSION_DENIED",
  8: "RESOURCE_EXHAUSTED",
  9: "FAILED_PRECONDITION",
  10: "ABORTED",
  11: "OUT_OF_RANGE",
  13: "INTERNAL",
  14: "UNAVAILABLE",
  16: "UNAUTHENTICATED",
};

const NETWORK = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|socket hang up/i;
/** Credential problems the auth library reports before (or instead of) a gRPC status. */
const CREDENTIALS =
  /Could not load the default credentials|client_email|private_key|DECODER routines|\bPEM\b|invalid_grant|invalid_client|unauthorized_client|account not found|Getting metadata from plugin failed/;
/** The client refusing to encode a record (nested arrays, unsupported values): retrying cannot help. */
const UNENCODABLE = /is not a valid Firestore (document|value)|Nested arrays are not supported|Value for argument/i;

/**
 * What a Firestore failure means for the operator. gRPC details name the project or document, never key
 * material; the client error stays as `cause`.
 */
export function firestoreError(error: unknown, projectId: string): Error {
  if (error instanceof TributaryError) return error;
  const e = (error ?? {}) as { code?: unknown; details?: unknown; message?: unknown };
  const code = typeof e.code === "number" ? e.code : undefined;
  const message = String(e.details || e.message || error);
  const status = code === undefined ? "client" : (NAMES[code] ?? String(code));
  const details = { projectId, grpcStatus: status };
  const says = `(${status}): ${message}`;

  if (code === PERMISSION_DENIED || code === UNAUTHENTICATED || (CREDENTIALS.test(message) && !NETWORK.test(message))) {
    return new UserError(ErrorCodes.DESTINATION_AUTH, `Firestore refused the credentials for project "${projectId}" ${says}`, {
      hint: "Check projectId and the service account (credentials or keyFilename): it needs the Cloud Datastore User role on this project, and the Firestore API must be enabled.",
      cause: error,
      details,
    });
  }
  if (code === NOT_FOUND || code === FAILED_PRECONDITION) {
    return new UserError(ErrorCodes.DESTINATION_CONFIG, `Firestore database cannot be used in project "${projectId}" ${says}`, {
      hint: "Check projectId and databaseId, and that the database is in Native mode.",
      cause: error,
      details,
    });
  }
  if (code === INVALID_ARGUMENT || code === OUT_OF_RANGE || (code === undefined && UNENCODABLE.test(message))) {
    return new UserError(ErrorCodes.DESTINATION_REJECTED, `Firestore rejected a document ${says}`, {
      hint: "A document is over 1 MiB or holds a value Firestore cannot store; see the message.",
      cause: error,
      details,
    });
  }
  if ((code !== undefined && RETRYABLE.has(code)) || NETWORK.test(message)) {
    return new TransientError(ErrorCodes.DESTINATION_UNAVAILABLE, `Firestore is unavailable for project "${projectId}" ${says}`, {
      hint: "Retried automatically; if it persists, check the network path to Firestore (or the emulator host).",
      cause: error,
      details,
    });
  }
  return error instanceof Error ? error : new Error(String(error));
}
