import type { AuthSpec, ConnectorSpec, OAuth2AuthSpec } from "@tributary/schemas";
import { CONNECTOR_SPEC_SCHEMA_ID, getSchemaRegistry } from "@tributary/schemas";

/**
 * Connector specs shaped like the real providers' (auth only), pointed at the test server. Each is
 * checked against the connector meta-schema, so the tests exercise only what a partner could write.
 */
export function specFor(name: string, baseUrl: string, auth: AuthSpec): ConnectorSpec {
  const spec: ConnectorSpec = { name, displayName: name, dataTypes: ["activity"], auth, http: { baseUrl } };
  const result = getSchemaRegistry().validate(CONNECTOR_SPEC_SCHEMA_ID, spec);
  if (!result.ok) throw new Error(`test spec ${name} is not a valid connector spec: ${JSON.stringify(result.issues)}`);
  return spec;
}

/** Fitbit/Wahoo-like: PKCE, HTTP basic client auth, rotating refresh, account id from an API request, register/deregister, revoke. */
export const genericAuth = (): OAuth2AuthSpec => ({
  type: "oauth2",
  authorizeUrl: "/oauth/authorize",
  tokenUrl: "/oauth/token",
  scopes: ["activity", "profile"],
  clientAuth: "basic",
  expiryBufferSeconds: 300,
  providerUserId: { from: "request", request: { path: "/api/me" }, path: "/id" },
  lifecycle: {
    connect: [{ method: "POST", path: "/api/users" }],
    disconnect: [{ method: "DELETE", path: "/api/users/{provider_user_id}" }],
  },
  revoke: { method: "POST", path: "/oauth/deauthorize" },
});

/** Strava: no PKCE, client in the body, the athlete in the code exchange's answer, granted scopes on the callback. */
export const stravaAuth = (): OAuth2AuthSpec => ({
  type: "oauth2",
  authorizeUrl: "/oauth/authorize",
  tokenUrl: "/oauth/token",
  scopes: ["read", "activity:read_all"],
  scopeSeparator: ",",
  pkce: false,
  authorizeParams: { approval_prompt: "auto" },
  providerUserId: { from: "token", path: "/athlete/id" },
  revoke: { method: "POST", path: "/oauth/deauthorize", query: { access_token: "{access_token}" }, auth: "none" },
});

/** Withings: action=requesttoken on every token request, always-200 status envelope. */
export const withingsAuth = (): OAuth2AuthSpec => ({
  type: "oauth2",
  authorizeUrl: "/oauth/authorize",
  tokenUrl: "/oauth/token",
  scopes: ["user.info", "user.metrics"],
  scopeSeparator: ",",
  pkce: false,
  tokenParams: { action: "requesttoken" },
  tokenResponse: { root: "/body", statusPath: "/status", successValues: [0], refusedValues: [100, 101, 102, 200, 401], errorPath: "/error" },
  providerUserId: { from: "token", path: "/userid" },
});

/** Polar: HTTP basic, no refresh token, `x_user_id`, user registration with our id as member-id. */
export const polarAuth = (): OAuth2AuthSpec => ({
  type: "oauth2",
  authorizeUrl: "/oauth/authorize",
  tokenUrl: "/oauth/token",
  scopes: ["accesslink.read_all"],
  pkce: false,
  clientAuth: "basic",
  refresh: "none",
  providerUserId: { from: "token", path: "/x_user_id" },
  lifecycle: { connect: [{ method: "POST", path: "/api/users", body: { "member-id": "{user_id}" } }] },
});

/** Xert: password grant with the published public client over HTTP basic. */
export const xertAuth = (): AuthSpec => ({
  type: "oauth2_password",
  tokenUrl: "/oauth/token",
  clientAuth: "basic",
  publicClient: { id: "xert_public", secret: "xert_public" },
  providerUserId: { from: "username" },
});

export const bearerAuth = (): AuthSpec => ({
  type: "bearer_token",
  instructions: "Paste the token from your account page.",
  providerUserId: { from: "request", request: { path: "/api/me" }, path: "/id" },
});

export const apiKeyAuth = (): AuthSpec => ({ type: "api_key", in: "query", name: "access_token" });
