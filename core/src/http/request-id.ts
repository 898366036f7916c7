import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

// Ids from outside end up in every log line of the request: accept only short, plain tokens.
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's trace id: the caller's `x-request-id` when it is a plain token, else a new UUID. */
export function requestIdOf(request: IncomingMessage): string {
  const header = request.headers["x-request-id"];
  const given = Array.isArray(header) ? header[0] : header;
  return given !== undefined && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
}
