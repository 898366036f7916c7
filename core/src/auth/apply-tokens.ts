import type { AuthSpec } from "@tributary/schemas";
import type { StoredTokens } from "./credentials.ts";

/** Puts stored credentials on a request the way the spec says: bearer header, custom header, or query. */
export function applyTokens(auth: AuthSpec, tokens: StoredTokens | undefined, request: { headers: Record<string, string>; url: URL }): void {
  switch (auth.type) {
    case "oauth2":
    case "oauth2_password":
      if (tokens?.access_token !== undefined) request.headers.authorization = `Bearer ${tokens.access_token}`;
      return;
    case "bearer_token":
      if (tokens?.access_token !== undefined)
        request.headers[(auth.header ?? "Authorization").toLowerCase()] = `${auth.prefix ?? "Bearer "}${tokens.access_token}`;
      return;
    case "api_key": {
      if (tokens?.api_key === undefined) return;
      const value = `${auth.prefix ?? ""}${tokens.api_key}`;
      if (auth.in === "query") request.url.searchParams.set(auth.name, value);
      else request.headers[auth.name.toLowerCase()] = value;
      return;
    }
    case "partner_push":
    case "none":
      return;
  }
}

/** Template variables for requests that carry the credential in the URL or body (Strava's deauthorize). */
export function tokenVariables(tokens: StoredTokens | undefined): Record<string, string> {
  const variables: Record<string, string> = {};
  if (tokens?.access_token !== undefined) variables.access_token = tokens.access_token;
  if (tokens?.api_key !== undefined) variables.api_key = tokens.api_key;
  return variables;
}
