import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";

/** A redirect target a developer gives (success or failure URL): an absolute http(s) URL, or refused. */
export function checkedRedirectUrl(name: string, value: string | undefined): string | undefined {
  if (value === undefined || value === "") return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UserError(ErrorCodes.API_REQUEST_INVALID, `invalid ${name}: not a URL`, { hint: "Give an absolute http or https URL." });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UserError(ErrorCodes.API_REQUEST_INVALID, `invalid ${name}: ${url.protocol} URLs are not allowed`, {
      hint: "Give an absolute http or https URL.",
    });
  }
  return url.toString();
}

/** `base` with these query parameters added (keeping its own). */
export function withQuery(base: string, params: Record<string, string | null | undefined>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null) url.searchParams.set(key, value);
  return url.toString();
}

/**
 * The parameters Terra appends to the final URL of a connection flow, success or failure: `user_id`,
 * `resource` and `reference_id` — the last written `null` when the developer gave none, as Terra writes
 * it, so an app that reads the parameter finds it either way. A failure before any provider was chosen
 * (the widget closed) has no user and no resource: those are left out.
 */
export function authResultParams(userId: string | null, resource: string | null, referenceId: string | null): Record<string, string | null> {
  return { user_id: userId, resource, reference_id: referenceId ?? "null" };
}
