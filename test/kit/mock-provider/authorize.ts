import { randomBytes } from "node:crypto";
import type { MockProvider } from "@tributary/core/mock-provider";
import { submitConsent, type ConsentLogin } from "./consent.ts";
import { pkcePair } from "./pkce-pair.ts";
import { mockTokenRequest } from "./token-request.ts";

export interface MockAuthorization {
  /** The token endpoint's answer as sent (inside Withings' envelope when the spec has one). */
  answer: Record<string, unknown>;
  accessToken: string;
  refreshToken?: string;
}

/**
 * Connects a user to a spec-built mock the way the spec says a client must: consent (with PKCE and
 * state unless the spec turns them off), then the code exchange with the declared client
 * authentication, encoding and extra parameters. For tests that need real tokens without the auth engine.
 */
export async function authorizeWithMock(
  mock: MockProvider,
  options: { login?: ConsentLogin; client?: { id: string; secret: string }; redirectUri?: string } = {},
): Promise<MockAuthorization> {
  const auth = mock.spec.auth;
  if (auth.type !== "oauth2") throw new Error(`${mock.spec.name} does not use the authorization-code flow`);
  const urls = mock.urls();
  const client = options.client ?? { id: "mock-client-id", secret: "mock-client-secret" };
  const redirectUri = options.redirectUri ?? "http://127.0.0.1:9/callback";
  const pkce = auth.pkce === false ? undefined : pkcePair();
  const state = auth.state === false ? undefined : randomBytes(12).toString("hex");
  const authorize = new URL(urls.authorizeUrl as string);
  const params: Record<string, string | undefined> = {
    response_type: "code",
    client_id: client.id,
    redirect_uri: redirectUri,
    scope: auth.scopes.join(auth.scopeSeparator ?? " "),
    state,
    code_challenge: pkce?.challenge,
    code_challenge_method: pkce ? "S256" : undefined,
  };
  for (const [name, value] of Object.entries(params)) if (value !== undefined) authorize.searchParams.set(name, value);
  const consent = await submitConsent(authorize.toString(), "approve", options.login ?? {});
  if (!consent.location) throw new Error(`consent failed (${consent.status}): ${consent.page ?? ""}`);
  const callback = new URL(consent.location);
  if (callback.searchParams.get("state") !== (state ?? null)) throw new Error("the provider returned another state");
  const code = callback.searchParams.get("code");
  if (!code) throw new Error(`no code: ${callback.search}`);

  const grant: Record<string, string> = { grant_type: "authorization_code", code, redirect_uri: redirectUri };
  if (pkce) grant.code_verifier = pkce.verifier;
  const { status, answer, tokens } = await mockTokenRequest(mock, grant, { client });
  if (status !== 200 || typeof tokens?.access_token !== "string") throw new Error(`token request failed (${status}): ${JSON.stringify(answer)}`);
  return { answer, accessToken: tokens.access_token, ...(typeof tokens.refresh_token === "string" ? { refreshToken: tokens.refresh_token } : {}) };
}
