import { ErrorCodes, TransientError, TributaryError, UserError, isTributaryError } from "@tributary/core/contracts";
import { redactSecrets } from "./redact.ts";

/** Who failed, for messages: never holds a secret except in `secrets`, which are scrubbed from them. */
export interface ErrorContext {
  /** Destination instance name from the operator's config. */
  name: string;
  /** Where it connects, without the password, e.g. `postgres://app@db:5432/warehouse`. */
  target: string;
  /** Strings that must never appear in a message (the password). */
  secrets: readonly string[];
}

/** What a driver error means for the operator; each dialect sorts its own error codes into these. */
export type FailureKind = "auth" | "permission" | "config" | "unavailable" | "conflict" | "rejected" | "unexpected";

const WHAT: Record<FailureKind, string> = {
  auth: "the server refused the login",
  permission: "permission denied",
  config: "the configured database or schema cannot be used",
  unavailable: "cannot reach the server",
  conflict: "the write kept colliding with concurrent writers (deadlock)",
  rejected: "the server rejected the data",
  unexpected: "the server rejected a statement",
};

const DEFAULT_HINT: Record<FailureKind, string> = {
  auth: "Check user and password in the destination's options, and that this user may connect to the database.",
  permission: "Grant the user CREATE on the schema or database (for the first start and upgrades) and SELECT, INSERT, UPDATE, DELETE on the tables.",
  config: "Fix the database name in the destination's options, or create that database.",
  unavailable: "Check that the database server is running and reachable from this host; the delivery will be retried.",
  conflict: "Nothing to do if it is rare; the delivery will be retried.",
  rejected: "Look at the record named in the details; the delivery will not be retried.",
  unexpected: "This is probably a bug or tables changed by hand; report it with this message.",
};

function driverMessage(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  // AggregateError (one failure per resolved address) carries its reasons inside.
  const inner = (error as { errors?: unknown[] } | null)?.errors;
  if (Array.isArray(inner) && inner[0] instanceof Error) return inner[0].message;
  return String((error as { code?: unknown } | null)?.code ?? error);
}

/** Build the TributaryError for a driver failure: classified, with a hint and with secrets removed. */
export function destinationError(kind: FailureKind, context: ErrorContext, cause: unknown, hint?: string): TributaryError {
  if (isTributaryError(cause)) return cause;
  const reason = redactSecrets(driverMessage(cause), context.secrets);
  const message = `sql destination "${context.name}" (${context.target}): ${WHAT[kind]}: ${reason}`;
  const code = (cause as { code?: unknown } | null)?.code;
  const options = {
    hint: hint ?? DEFAULT_HINT[kind],
    // The driver error stays out of `cause`: some carry the SQL text with the data in it.
    details: { dialectCode: typeof code === "string" || typeof code === "number" ? code : undefined },
  };
  switch (kind) {
    case "auth":
    case "permission":
      return new UserError(ErrorCodes.DESTINATION_AUTH, message, options);
    case "config":
      return new UserError(ErrorCodes.DESTINATION_CONFIG, message, options);
    case "rejected":
      return new UserError(ErrorCodes.DESTINATION_REJECTED, message, options);
    case "unavailable":
    case "conflict":
      return new TransientError(ErrorCodes.DESTINATION_UNAVAILABLE, message, options);
    case "unexpected":
      return new TributaryError(ErrorCodes.DESTINATION_REJECTED, message, "unexpected", options);
  }
}

/** A problem in the options themselves, found before connecting. */
export function configError(name: string, what: string, hint: string): UserError {
  return new UserError(ErrorCodes.DESTINATION_CONFIG, `sql destination "${name}": ${what}`, { hint });
}
