import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { sendAnswer } from "./answer.ts";
import { checkAuthorizationRequest, redirectWith, type AuthorizePolicy } from "./authorization-request.ts";
import { authenticateClient, type ClientAuthMode } from "./client-auth.ts";
import { systemClock, type MockClock } from "./clock.ts";
import { consentPage } from "./consent-page.ts";
import type { ProviderErrorKind } from "./error-shapes.ts";
import { findUser, userKey, type MockClient, type MockUser } from "./parties.ts";
import { isValidVerifier, s256Challenge } from "./pkce.ts";
import { setPointer } from "./set-pointer.ts";
import {
  envelopeError,
  rfc6749TokenErrors,
  TOKEN_ERROR_SHAPES,
  tokenSuccess,
  type OAuthErrorCode,
  type StatusEnvelope,
  type TokenErrorShape,
  type TokenErrorShapeName,
} from "./token-answers.ts";
import { createTokenStore, type Grant, type IssuedTokens, type RefreshMode, type TokenStore } from "./token-store.ts";
import { isRecord } from "../contracts/is-record.ts";

export type GrantType = "authorization_code" | "password" | "refresh_token";

export interface OAuthServerOptions {
  providerName?: string;
  clients: MockClient[];
  users: MockUser[];
  /** `false` leaves an endpoint out (a password-grant provider has no consent page). */
  paths?: { authorize?: string | false; token?: string; refresh?: string; revoke?: string | false };
  /** Grants the token endpoint accepts. @default all three (refresh_token only when refresh ≠ "none") */
  grants?: GrantType[];
  pkce?: "required" | "optional";
  state?: "required" | "optional";
  minStateLength?: number;
  clientAuth?: ClientAuthMode;
  /** Encoding the token endpoint accepts. @default "either" */
  tokenBody?: "form" | "json" | "either";
  /** Parameters every token request must carry with these values (Withings: action=requesttoken). */
  tokenParams?: Record<string, string>;
  scopes?: string[];
  scopeSeparator?: string;
  /** @default 3600 */
  accessTokenSeconds?: number;
  refreshTokenSeconds?: number;
  refresh?: RefreshMode;
  revokeFamilyOnReuse?: boolean;
  codeSeconds?: number;
  statusEnvelope?: StatusEnvelope;
  tokenErrors?: TokenErrorShape | TokenErrorShapeName;
  /** Where the token answer carries the provider user id, e.g. "/user_id", "/athlete/id", "/x_user_id". */
  userIdPath?: string;
  /** More fields for the token answer (Strava's athlete, Withings' userid…). */
  tokenFields?: (user: MockUser, grant: Grant) => Record<string, unknown>;
  /** Add `expires_at` (epoch seconds), as Strava does. */
  expiresAt?: boolean;
  /** Add the granted `scope` to the redirect, as Strava does. */
  scopeInRedirect?: boolean;
  /** Decide at once instead of showing the consent page (headless demos). */
  consent?: { decision: "approve" | "deny"; user?: string | number };
  clock?: MockClock;
}

export type AuthOutcome = { ok: true; user: MockUser; clientId: string; grant: Grant; token: string } | { ok: false; kind: ProviderErrorKind; token?: string };

export interface OAuthServer {
  readonly tokens: TokenStore;
  readonly paths: { authorize?: string; token: string; refresh: string; revoke?: string };
  /** Checks the request's `Authorization: Bearer` token. */
  authenticate(request: FastifyRequest): AuthOutcome;
  /** Checks a token however it arrived (a query parameter, a custom header). */
  authenticateToken(token: string | undefined): AuthOutcome;
  /** Issues tokens directly, as if the user had consented (for tests that start connected). */
  issueTokens(userId: string | number, clientId?: string, scope?: string[]): IssuedTokens;
}

/**
 * A provider's OAuth 2 server on a mock app: consent page, authorization code with PKCE S256, password
 * grant, refresh tokens that rotate or are reused, revocation, and access tokens that expire on the
 * mock's clock. Token endpoint refusals follow RFC 6749 §5.2 unless the provider writes them its own way.
 */
export function registerOAuthServer(app: FastifyInstance, options: OAuthServerOptions): OAuthServer {
  const clock = options.clock ?? systemClock;
  const refreshMode = options.refresh ?? "rotating";
  const tokens = createTokenStore({
    clock,
    accessTokenSeconds: options.accessTokenSeconds ?? 3600,
    ...(options.refreshTokenSeconds !== undefined ? { refreshTokenSeconds: options.refreshTokenSeconds } : {}),
    refresh: refreshMode,
    revokeFamilyOnReuse: options.revokeFamilyOnReuse ?? false,
    codeSeconds: options.codeSeconds ?? 60,
  });
  const paths = {
    ...(options.paths?.authorize !== false ? { authorize: options.paths?.authorize ?? "/oauth/authorize" } : {}),
    token: options.paths?.token ?? "/oauth/token",
    refresh: options.paths?.refresh ?? options.paths?.token ?? "/oauth/token",
    ...(options.paths?.revoke !== false ? { revoke: options.paths?.revoke ?? "/oauth/revoke" } : {}),
  };
  const grants = new Set<GrantType>(options.grants ?? ["authorization_code", "password", ...(refreshMode !== "none" ? (["refresh_token"] as const) : [])]);
  const separator = options.scopeSeparator ?? " ";
  const policy: AuthorizePolicy = {
    clients: options.clients,
    pkce: options.pkce ?? "optional",
    state: options.state ?? "optional",
    minStateLength: options.minStateLength ?? 0,
    ...(options.scopes ? { scopes: options.scopes } : {}),
    scopeSeparator: separator,
  };
  const tokenErrors =
    typeof options.tokenErrors === "function" ? options.tokenErrors : (TOKEN_ERROR_SHAPES[options.tokenErrors ?? "rfc6749"] ?? rfc6749TokenErrors);
  const providerName = options.providerName ?? "Mock provider";

  const tokenAnswer = (issued: IssuedTokens): Record<string, unknown> => {
    const user = findUser(options.users, issued.grant.userId);
    let fields: Record<string, unknown> = {
      access_token: issued.accessToken,
      token_type: "Bearer",
      expires_in: issued.expiresIn,
      ...(issued.refreshToken ? { refresh_token: issued.refreshToken } : {}),
      scope: issued.grant.scope.join(separator),
      ...(options.expiresAt ? { expires_at: Math.floor(clock.now() / 1000) + issued.expiresIn } : {}),
    };
    if (options.userIdPath !== undefined && user) fields = setPointer(fields, options.userIdPath, user.id) as Record<string, unknown>;
    if (options.tokenFields && user) fields = { ...fields, ...options.tokenFields(user, issued.grant) };
    return fields;
  };

  // --- authorize: consent page (GET), decision (POST) -------------------------------------------
  const authorize = async (reply: FastifyReply, params: Record<string, string>, decision?: Record<string, string>) => {
    const check = checkAuthorizationRequest(policy, params);
    if (!check.ok && "show" in check) return reply.code(400).type("text/html; charset=utf-8").send(errorPage(providerName, check.show));
    if (!check.ok)
      return reply.redirect(redirectWith(check.redirectUri, { error: check.error, error_description: check.description, state: check.state }), 302);
    const authRequest = check.request;
    const auto = options.consent;
    const chosen = decision ?? (auto ? { decision: auto.decision, user: String(auto.user ?? options.users[0]?.id ?? "") } : undefined);
    const page = (error?: string) =>
      consentPage({
        providerName,
        clientId: authRequest.client.id,
        scopes: authRequest.scope,
        params,
        action: paths.authorize ?? "",
        users: options.users,
        ...(error !== undefined ? { error } : {}),
      });
    if (!chosen) return reply.type("text/html; charset=utf-8").send(page());
    if (chosen.decision !== "approve") {
      return reply.redirect(
        redirectWith(authRequest.redirectUri, { error: "access_denied", error_description: "The user denied access", state: authRequest.state }),
        302,
      );
    }
    const user =
      chosen.username !== undefined
        ? options.users.find((u) => u.username === chosen.username && u.password === chosen.password)
        : findUser(options.users, chosen.user ?? "");
    if (!user) {
      return reply.code(401).type("text/html; charset=utf-8").send(page("Wrong username or password"));
    }
    const code = tokens.createCode({
      clientId: authRequest.client.id,
      userId: userKey(user),
      scope: authRequest.scope,
      ...(authRequest.redirectUriSent ? { redirectUri: authRequest.redirectUri } : {}),
      ...(authRequest.codeChallenge ? { codeChallenge: authRequest.codeChallenge, codeChallengeMethod: "S256" } : {}),
    });
    return reply.redirect(
      redirectWith(authRequest.redirectUri, {
        code,
        state: authRequest.state,
        ...(options.scopeInRedirect ? { scope: authRequest.scope.join(",") } : {}),
      }),
      302,
    );
  };

  if (paths.authorize !== undefined) {
    app.get(paths.authorize, async (request, reply) => authorize(reply, stringParams(request.query)));
    app.post(paths.authorize, async (request, reply) => {
      const { decision, username, password, user, ...params } = stringParams(request.body);
      const choice: Record<string, string> = { decision: decision ?? "" };
      if (username !== undefined) Object.assign(choice, { username, password: password ?? "" });
      if (user !== undefined) choice.user = user;
      return authorize(reply, params, decision === undefined ? undefined : choice);
    });
  }

  // --- token endpoint --------------------------------------------------------------------------
  const tokenEndpoint = async (request: FastifyRequest, reply: FastifyReply) => {
    const params = isRecord(request.body) ? request.body : {};
    const grantType = typeof params.grant_type === "string" ? params.grant_type : undefined;
    let basicTried = false;
    const refuse = (error: OAuthErrorCode, description: string) =>
      sendAnswer(
        reply,
        options.statusEnvelope
          ? envelopeError(options.statusEnvelope, error, description)
          : tokenErrors(error, description, { basicTried, ...(grantType ? { grantType } : {}) }),
      );

    const encoding = bodyEncoding(request);
    const wanted = options.tokenBody ?? "either";
    if (encoding === undefined || (wanted !== "either" && encoding !== wanted))
      return refuse(
        "invalid_request",
        `the token request must be ${wanted === "json" ? "a JSON" : wanted === "form" ? "an application/x-www-form-urlencoded" : "a form or JSON"} body`,
      );
    const repeated = Object.entries(params).find(([, value]) => Array.isArray(value));
    if (repeated) return refuse("invalid_request", `parameter ${repeated[0]} is repeated`);
    for (const [name, value] of Object.entries(options.tokenParams ?? {})) {
      if (params[name] !== value) return refuse("invalid_request", `${name} must be "${value}"`);
    }
    const auth = authenticateClient(options.clients, options.clientAuth ?? "either", request.headers.authorization, params);
    basicTried = !auth.ok && auth.basicTried;
    if (!auth.ok) return refuse(auth.error, auth.description);
    const clientId = auth.client.id;
    if (grantType === undefined) return refuse("invalid_request", "grant_type is missing");
    if (!grants.has(grantType as GrantType)) return refuse("unsupported_grant_type", `grant_type "${grantType}" is not supported`);
    const text = (name: string): string | undefined => (typeof params[name] === "string" ? (params[name] as string) : undefined);

    if (grantType === "authorization_code") {
      const code = text("code");
      if (!code) return refuse("invalid_request", "code is missing");
      const redeemed = tokens.redeemCode(code, clientId);
      if (!redeemed.ok) return refuse("invalid_grant", redeemed.reason);
      const issuedFor = redeemed.value;
      if (issuedFor.redirectUri !== undefined && text("redirect_uri") !== issuedFor.redirectUri)
        return refuse("invalid_grant", "redirect_uri differs from the authorization request's");
      const verifier = text("code_verifier");
      if (issuedFor.codeChallenge !== undefined) {
        if (verifier === undefined) return refuse("invalid_grant", "code_verifier is missing (the authorization request sent a code_challenge)");
        if (!isValidVerifier(verifier) || s256Challenge(verifier) !== issuedFor.codeChallenge)
          return refuse("invalid_grant", "code_verifier does not match the code_challenge");
      } else if (verifier !== undefined) {
        return refuse("invalid_grant", "code_verifier sent, but the authorization request had no code_challenge");
      }
      const issued = tokens.issue(clientId, issuedFor.userId, issuedFor.scope);
      tokens.bindCode(code, issued.grant);
      return sendAnswer(reply, tokenSuccess(tokenAnswer(issued), options.statusEnvelope));
    }
    if (grantType === "password") {
      const username = text("username");
      const password = text("password");
      if (username === undefined || password === undefined) return refuse("invalid_request", "username and password are required");
      const user = options.users.find((u) => u.username === username && u.password === password);
      if (!user) return refuse("invalid_grant", "Invalid username and password combination");
      const scope = (text("scope") ?? "").split(separator).filter((s) => s !== "");
      const unknown = options.scopes ? scope.filter((s) => !options.scopes?.includes(s)) : [];
      if (unknown.length > 0) return refuse("invalid_scope", `unknown scope ${unknown.join(", ")}`);
      return sendAnswer(reply, tokenSuccess(tokenAnswer(tokens.issue(clientId, userKey(user), scope)), options.statusEnvelope));
    }
    const refreshToken = text("refresh_token");
    if (!refreshToken) return refuse("invalid_request", "refresh_token is missing");
    const refreshed = tokens.refresh(refreshToken, clientId);
    if (!refreshed.ok) return refuse("invalid_grant", refreshed.reason);
    return sendAnswer(reply, tokenSuccess(tokenAnswer(refreshed.value), options.statusEnvelope));
  };
  app.post(paths.token, tokenEndpoint);
  if (paths.refresh !== paths.token) app.post(paths.refresh, tokenEndpoint);

  // --- revocation (RFC 7009) --------------------------------------------------------------------
  if (paths.revoke) {
    app.post(paths.revoke, async (request, reply) => {
      const params = isRecord(request.body) ? request.body : {};
      const auth = authenticateClient(options.clients, options.clientAuth ?? "either", request.headers.authorization, params);
      if (!auth.ok) return sendAnswer(reply, rfc6749TokenErrors(auth.error, auth.description, { basicTried: auth.basicTried }));
      if (typeof params.token !== "string") return sendAnswer(reply, rfc6749TokenErrors("invalid_request", "token is missing", { basicTried: false }));
      tokens.revoke(params.token, auth.client.id);
      // RFC 7009 §2.2: an unknown or already revoked token is answered like a revoked one.
      return reply.code(200).send();
    });
  }

  const authenticateToken = (token: string | undefined): AuthOutcome => {
    if (!token) return { ok: false, kind: "missing_token" };
    const check = tokens.checkAccess(token);
    if (!check.ok) return { ok: false, kind: check.kind, token };
    const user = findUser(options.users, check.grant.userId);
    if (!user) return { ok: false, kind: "invalid_token", token };
    return { ok: true, user, clientId: check.grant.clientId, grant: check.grant, token };
  };

  return {
    tokens,
    paths,
    authenticateToken,
    authenticate: (request) => authenticateToken(bearerToken(request.headers.authorization)),
    issueTokens(userId, clientId = options.clients[0]?.id ?? "", scope = []) {
      if (!findUser(options.users, String(userId))) throw new Error(`the mock has no user ${userId}`);
      return tokens.issue(clientId, String(userId), scope);
    },
  };
}

/** `Authorization: Bearer <token>` (the scheme is case-insensitive). */
export function bearerToken(header: string | undefined, prefix = "Bearer "): string | undefined {
  if (!header) return undefined;
  if (header.length <= prefix.length || header.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase()) return undefined;
  return header.slice(prefix.length).trim() || undefined;
}

function bodyEncoding(request: FastifyRequest): "form" | "json" | undefined {
  const type = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type === "application/x-www-form-urlencoded") return "form";
  if (type === "application/json") return "json";
  return undefined;
}

/** Parameters with one string value each (a repeated parameter keeps its first value). */
function stringParams(source: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(source)) return out;
  for (const [name, value] of Object.entries(source)) {
    if (typeof value === "string") out[name] = value;
    else if (Array.isArray(value) && typeof value[0] === "string") out[name] = value[0];
  }
  return out;
}

function errorPage(providerName: string, message: string): string {
  const safe = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${safe(providerName)} — error</title></head><body><h1>Authorization error</h1><p role="alert">${safe(message)}</p></body></html>\n`;
}
