import { createHash, randomBytes } from "node:crypto";
import { safeEqual } from "../contracts/safe-equal.ts";
import * as oauth from "oauth4webapi";
import type { AuthSession } from "../state/index.ts";
import type { AuthContext } from "./auth-context.ts";
import { authFlowError } from "./auth-errors.ts";
import { failed, failureFromError } from "./auth-failure.ts";
import type { AuthOutcome, AuthSessionInfo } from "./auth-outcome.ts";
import { createNewConnection } from "./new-connection.ts";
import { scopeList, storedTokensFrom } from "./stored-tokens.ts";

export interface BeginAuthorizationInput {
  provider: string;
  /** The developer's id for their end user, echoed in every event of the connection. */
  referenceId?: string | null;
  /** Use this user_id for the connection (a UUID); a new one otherwise. */
  userId?: string;
  successRedirectUrl?: string | null;
  failureRedirectUrl?: string | null;
  /** The developer account (dev-id) the connection will belong to. */
  developerId?: string | null;
  /** The hosted widget session the user started from, echoed on the `auth` event. */
  widgetSessionId?: string | null;
  /** The widget's language, for the pages shown after the provider's redirect. */
  language?: string | null;
  /**
   * The callback must come with this flow's `binding` (the widget keeps it in a cookie of the browser
   * that started the flow). Off for flows started by an API call, where no browser of ours is involved.
   */
  requireBinding?: boolean;
  /** @default 900 */
  ttlSeconds?: number;
  /** An absolute deadline instead of `ttlSeconds` (the widget session's, for a flow started from it). */
  expiresAt?: string;
}

export interface AuthorizationStart {
  /** The provider's consent page, to send the user's browser to. */
  url: string;
  /** The flow id; also the OAuth `state` unless the spec turns state off. */
  state: string;
  /** The user_id the connection will have. */
  userId: string;
  expiresAt: string;
  /**
   * A secret for the browser that starts the flow (an HttpOnly cookie): handed back to
   * `completeAuthorization`, it proves the callback arrives in the same browser, so nobody can make a
   * victim's browser finish a flow they started.
   */
  binding: string;
}

export interface CompleteAuthorizationInput {
  /** The provider whose callback URL was called (one callback per provider). */
  provider: string;
  /** The callback's query string, as received. */
  query: URLSearchParams | string | Record<string, string | readonly string[] | undefined>;
  /** The flow id kept by the caller, for providers that do not echo `state` (spec `state: false`). */
  state?: string;
  /** The browser's binding cookie, when the caller set one. */
  binding?: string;
}

/** What the auth session keeps, encrypted, between the redirect and the callback. */
interface FlowSecret {
  v: 1;
  code_verifier?: string;
  redirect_uri: string;
  binding: string;
  /** The callback is refused without the binding. */
  bound?: boolean;
}

export async function beginAuthorization(ctx: AuthContext, input: BeginAuthorizationInput): Promise<AuthorizationStart> {
  const provider = ctx.providerAuth(input.provider);
  provider.assertOffered();
  const auth = provider.method(["oauth2"]);
  if (auth?.type !== "oauth2") {
    throw authFlowError(`${input.provider} connects with ${provider.auth.type}, not an authorization redirect`, flowHint(provider.auth.type), {
      provider: input.provider,
    });
  }
  for (const [name, value] of [
    ["successRedirectUrl", input.successRedirectUrl],
    ["failureRedirectUrl", input.failureRedirectUrl],
  ] as const) {
    if (value != null && !isWebUrl(value))
      throw authFlowError(`${name} must be an absolute http(s) URL`, "Pass the full URL of the page the user returns to.", { [name]: value });
  }
  const endpoint = provider.tokenEndpoint(auth);
  const redirectUri = ctx.redirectUri(input.provider);
  const state = oauth.generateRandomState();
  const codeVerifier = auth.pkce === false ? undefined : oauth.generateRandomCodeVerifier();
  const binding = randomBytes(32).toString("base64url");
  const ttlSeconds = input.ttlSeconds ?? ctx.sessionTtlSeconds;
  const secret: FlowSecret = {
    v: 1,
    ...(codeVerifier === undefined ? {} : { code_verifier: codeVerifier }),
    redirect_uri: redirectUri,
    binding: digest(binding),
    ...(input.requireBinding ? { bound: true } : {}),
  };
  const session = await ctx.store.createAuthSession({
    provider: input.provider,
    state,
    ...(input.userId === undefined ? {} : { userId: input.userId }),
    referenceId: input.referenceId ?? null,
    developerId: input.developerId ?? null,
    widgetSessionId: input.widgetSessionId ?? null,
    language: input.language ?? null,
    secret: JSON.stringify(secret),
    successRedirectUrl: input.successRedirectUrl ?? null,
    failureRedirectUrl: input.failureRedirectUrl ?? null,
    ...(input.expiresAt !== undefined ? { expiresAt: input.expiresAt } : ttlSeconds === undefined ? {} : { ttlSeconds }),
  });
  const url = endpoint.authorizationUrl({
    redirectUri,
    ...(auth.state === false ? {} : { state }),
    ...(codeVerifier === undefined ? {} : { codeChallenge: await oauth.calculatePKCECodeChallenge(codeVerifier) }),
  });
  ctx.log.info({ provider: input.provider, userId: session.user_id, referenceId: session.reference_id }, "authorization started");
  return { url, state, userId: session.user_id, expiresAt: session.expires_at, binding };
}

/**
 * The provider redirected the user back. The session is spent whatever happens next (a state works
 * once), then checked: not expired, same provider, same browser; then the provider's answer: an error
 * (denied, failed) or a code, which is exchanged with the session's PKCE verifier.
 */
export async function completeAuthorization(ctx: AuthContext, input: CompleteAuthorizationInput): Promise<AuthOutcome> {
  const params = toSearchParams(input.query);
  const echoed = params.get("state") ?? undefined;
  const state = echoed ?? input.state;
  const nowhere = { provider: input.provider, session: null };
  if (state === undefined || state === "") return failed("invalid_state", "the callback carries no state", nowhere);
  const claimed = await ctx.store.claimAuthSession(state);
  if (claimed === undefined) return failed("invalid_state", "the callback's state is unknown or was already used", nowhere);
  const session = sessionInfo(claimed.session);
  const where = { provider: input.provider, session };
  if (claimed.expired) return failed("session_expired", `the connect session expired at ${claimed.session.expires_at}`, where);
  if (claimed.session.provider !== input.provider) {
    return failed("session_mismatch", `the session was started for ${claimed.session.provider}, the callback is ${input.provider}'s`, where);
  }
  if (input.state !== undefined && echoed !== undefined && input.state !== echoed)
    return failed("session_mismatch", "the callback's state is not this browser's flow", where);
  const secret = parseSecret(claimed.session.secret);
  if (secret === undefined) return failed("invalid_state", "the session holds no authorization flow", where);
  if (secret.bound === true && input.binding === undefined) {
    return failed("session_mismatch", "the callback arrived without the cookie of the browser that started the flow", where);
  }
  if (input.binding !== undefined && !sameDigest(digest(input.binding), secret.binding)) {
    return failed("session_mismatch", "the callback arrived in another browser than the one that started the flow", where);
  }

  try {
    const provider = ctx.providerAuth(input.provider);
    const auth = provider.method(["oauth2"]);
    if (auth?.type !== "oauth2") return failed("configuration_error", `${input.provider} no longer connects with oauth2`, where);
    const endpoint = provider.tokenEndpoint(auth);
    let callback: URLSearchParams;
    try {
      callback = endpoint.validateCallback(params, auth.state === false ? undefined : state);
    } catch (error) {
      if (error instanceof oauth.AuthorizationResponseError) {
        const description = error.error_description === undefined ? "" : `: ${error.error_description.slice(0, 200)}`;
        const reason = error.error === "access_denied" ? "access_denied" : "provider_error";
        ctx.log.info({ provider: input.provider, userId: session.userId, providerError: error.error }, "authorization not granted");
        return failed(reason, `${input.provider} answered ${error.error}${description}`, where, { providerError: error.error });
      }
      return failed("session_mismatch", `the callback does not match the flow: ${error instanceof Error ? error.message : String(error)}`, where);
    }
    if (!callback.get("code")) return failed("provider_error", `${input.provider} redirected back with neither a code nor an error`, where);

    const response = await endpoint.exchangeCode(callback, secret.redirect_uri, secret.code_verifier);
    const tokens = storedTokensFrom("oauth2", response, ctx.now());
    const result = await createNewConnection(ctx, {
      provider: input.provider,
      auth,
      tokens,
      tokenResponse: response,
      userId: session.userId,
      referenceId: session.referenceId,
      developerId: session.developerId,
      // Strava grants scopes on the callback and leaves them out of the token answer.
      scopes: scopeList(response.scope) ?? scopeList(params.get("scope") ?? undefined) ?? auth.scopes,
    });
    ctx.log.info({ provider: input.provider, userId: result.connection.user_id, replaced: result.replaced?.user_id }, "connected");
    return { ok: true, provider: input.provider, connection: result.connection, replaced: result.replaced, session };
  } catch (error) {
    return failureFromError(error, where, "token_exchange_failed", ctx.log);
  }
}

export function sessionInfo(session: AuthSession): AuthSessionInfo {
  return {
    state: session.state,
    provider: session.provider,
    userId: session.user_id,
    referenceId: session.reference_id,
    developerId: session.developer_id,
    widgetSessionId: session.widget_session_id,
    language: session.language,
    successRedirectUrl: session.success_redirect_url,
    failureRedirectUrl: session.failure_redirect_url,
  };
}

function parseSecret(secret: string | null): FlowSecret | undefined {
  if (secret === null) return undefined;
  try {
    const parsed = JSON.parse(secret) as Partial<FlowSecret>;
    return parsed.v === 1 && typeof parsed.redirect_uri === "string" && typeof parsed.binding === "string" ? (parsed as FlowSecret) : undefined;
  } catch {
    return undefined;
  }
}

function toSearchParams(query: CompleteAuthorizationInput["query"]): URLSearchParams {
  if (query instanceof URLSearchParams) return new URLSearchParams(query);
  if (typeof query === "string") return new URLSearchParams(query.startsWith("?") ? query.slice(1) : query);
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    // A repeated parameter (?state=a&state=b) is ambiguous: oauth4webapi refuses it, so keep them all.
    for (const one of typeof value === "string" ? [value] : value) params.append(name, one);
  }
  return params;
}

function digest(value: string): string {
  return createHash("sha256").update(value).digest("base64url");
}

const sameDigest = safeEqual;

function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

export function flowHint(type: string): string {
  switch (type) {
    case "oauth2":
      return "Start an authorization redirect (beginAuthorization).";
    case "oauth2_password":
      return "Ask the user for their username and password (connectWithPassword).";
    case "bearer_token":
    case "api_key":
      return "Ask the user for their token or key (connectWithToken).";
    default:
      return "This provider has no user-facing connect flow.";
  }
}
