import type { MockClient } from "./parties.ts";

/** What the authorize endpoint insists on. */
export interface AuthorizePolicy {
  clients: readonly MockClient[];
  /** required: a code_challenge must be sent; optional: checked only when sent. Only S256 is accepted. */
  pkce: "required" | "optional";
  state: "required" | "optional";
  /** WHOOP refuses a state shorter than 8 characters. */
  minStateLength: number;
  /** Scopes the provider knows; absent = any. */
  scopes?: readonly string[];
  scopeSeparator: string;
}

export interface AuthorizationRequest {
  client: MockClient;
  redirectUri: string;
  /** Whether the client named the redirect URI (then the token request must repeat it). */
  redirectUriSent: boolean;
  scope: string[];
  state?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
}

/**
 * RFC 6749 §4.1.2.1: a bad client or redirect URI is shown to the user (never redirected to an
 * unverified URI); every other mistake goes back to the client as `error=` on the redirect.
 */
export type AuthorizeCheck =
  | { ok: true; request: AuthorizationRequest }
  | { ok: false; show: string }
  | { ok: false; redirectUri: string; state?: string; error: string; description: string };

export function checkAuthorizationRequest(policy: AuthorizePolicy, params: Record<string, string>): AuthorizeCheck {
  const client = policy.clients.find((c) => c.id === params.client_id);
  if (!params.client_id) return { ok: false, show: "client_id is missing" };
  if (!client) return { ok: false, show: `unknown client_id "${params.client_id}"` };

  const sent = params.redirect_uri;
  const registered = client.redirectUris ?? [];
  let redirectUri: string;
  if (sent !== undefined) {
    if (registered.length > 0 && !registered.includes(sent)) return { ok: false, show: `redirect_uri "${sent}" is not registered for this client` };
    if (!isAbsoluteUrl(sent)) return { ok: false, show: `redirect_uri "${sent}" is not an absolute URL` };
    redirectUri = sent;
  } else if (registered.length === 1) {
    redirectUri = registered[0] as string;
  } else {
    return { ok: false, show: "redirect_uri is missing" };
  }

  const state = params.state;
  const refuse = (error: string, description: string): AuthorizeCheck => ({
    ok: false,
    redirectUri,
    ...(state !== undefined ? { state } : {}),
    error,
    description,
  });
  if (params.response_type !== "code") return refuse("unsupported_response_type", `response_type must be "code"`);
  if (policy.state === "required" && !state) return refuse("invalid_request", "state is required");
  if (state !== undefined && state.length < policy.minStateLength)
    return refuse("invalid_request", `state must be at least ${policy.minStateLength} characters`);
  const challenge = params.code_challenge;
  if (challenge === undefined && policy.pkce === "required") return refuse("invalid_request", "code_challenge is required (PKCE)");
  if (challenge !== undefined) {
    if (params.code_challenge_method !== "S256") return refuse("invalid_request", "code_challenge_method must be S256");
    if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) return refuse("invalid_request", "code_challenge is not a base64url SHA-256 digest");
  } else if (params.code_challenge_method !== undefined) {
    return refuse("invalid_request", "code_challenge_method without code_challenge");
  }
  const scope = (params.scope ?? "")
    .split(policy.scopeSeparator)
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const unknown = policy.scopes ? scope.filter((s) => !policy.scopes?.includes(s)) : [];
  if (unknown.length > 0) return refuse("invalid_scope", `unknown scope ${unknown.map((s) => `"${s}"`).join(", ")}`);

  return {
    ok: true,
    request: {
      client,
      redirectUri,
      redirectUriSent: sent !== undefined,
      scope,
      ...(state !== undefined ? { state } : {}),
      ...(challenge !== undefined ? { codeChallenge: challenge, codeChallengeMethod: "S256" } : {}),
    },
  };
}

function isAbsoluteUrl(text: string): boolean {
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}

/** The redirect back to the client, keeping any query the redirect URI already has. */
export function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}
