import { PROBLEM_CONTENT_TYPE } from "../problem.ts";
import { ref } from "./terra-components.ts";

type JsonSchema = Record<string, unknown>;

/** A 2xx answer: JSON of `schema`, with the headers it carries. */
export function jsonResponse(description: string, schema: JsonSchema, headers?: Record<string, JsonSchema>): JsonSchema {
  return { description, ...(headers ? { headers } : {}), content: { "application/json": { schema } } };
}

/** An error answer: a problem document (see problem.ts). */
export function problemResponse(description: string, headers?: Record<string, JsonSchema>): JsonSchema {
  return { description, ...(headers ? { headers } : {}), content: { [PROBLEM_CONTENT_TYPE]: { schema: ref("Problem") } } };
}

const RETRY_AFTER = { "Retry-After": { type: "integer", description: "Seconds to wait before trying again." } };

export const badRequest = problemResponse("A parameter or the body is malformed; `detail` says which and why.");
export const unauthorized = problemResponse("dev-id or x-api-key is missing, or they do not match a developer account.");
export const userNotFound = problemResponse("No such user for this developer (unknown, another developer's, or deauthenticated).");

/** What any call may answer besides its own outcomes. */
export const commonErrors = {
  500: problemResponse("An unexpected error; the server's log has the details."),
  503: problemResponse("A dependency (Redis, the database) is unavailable; retry later.", RETRY_AFTER),
} as const;

/** What every authenticated call may answer. */
export const authenticatedErrors = { 401: unauthorized, ...commonErrors } as const;
