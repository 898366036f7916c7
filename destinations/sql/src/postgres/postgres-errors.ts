import type { TributaryError } from "@tributary/core/contracts";
import { destinationError, type ErrorContext, type FailureKind } from "../destination-errors.ts";

const codeOf = (error: unknown): string => String((error as { code?: unknown } | null)?.code ?? "");

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/;

/** Deadlock or serialization failure: the server rolled back, the transaction may simply run again. */
export function isPostgresConflict(error: unknown): boolean {
  const code = codeOf(error);
  return code === "40P01" || code === "40001";
}

function classify(error: unknown): [FailureKind, string?] {
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : "";
  if (code === "28P01" || code === "28000") return ["auth"];
  if (code === "42501") return ["permission"];
  if (code === "3D000") return ["config", "Create the database or fix `database` (or the url's path) in the destination's options."];
  if (code === "3F000") return ["config", "Create the schema or fix `schema` in the destination's options."];
  if (isPostgresConflict(error)) return ["conflict"];
  if (TLS_CODES.test(code) || /does not support SSL/i.test(message)) {
    return ["config", "Fix the TLS settings: set ssl to false for a server without TLS, or give it a certificate this host trusts."];
  }
  // Class 08 connection, 53 insufficient resources (too many connections), 57P0x shutdown, 57014 timeout.
  if (NETWORK_CODES.has(code) || code.startsWith("08") || code.startsWith("53") || code.startsWith("57") || code === "55P03") {
    return ["unavailable"];
  }
  if (/Connection terminated|timeout exceeded when trying to connect|Connection ended/i.test(message)) return ["unavailable"];
  // Class 22 data exception (bad value), 23 integrity constraint, 54 limit exceeded (a key too long for
  // its index): the data is at fault, not the server.
  if (code.startsWith("22") || code.startsWith("23") || code.startsWith("54")) return ["rejected"];
  return ["unexpected"];
}

export function postgresError(error: unknown, context: ErrorContext): TributaryError {
  const [kind, hint] = classify(error);
  return destinationError(kind, context, error, hint);
}
