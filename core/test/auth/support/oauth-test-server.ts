import { createHash, randomBytes } from "node:crypto";
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";

/**
 * A small OAuth 2.0 provider over real HTTP for the auth tests, strict where a real one is: PKCE S256
 * checked, codes single-use and bound to client and redirect URI, client authentication checked,
 * rotating refresh tokens invalidated on first use, access tokens that expire (→ 401). Token answers
 * come in the dialects of real providers (RFC 6749, Withings' envelope, Polar, Strava).
 */
export interface OAuthTestServerOptions {
  clientId: string;
  clientSecret?: string;
  /** How the client must authenticate at the token endpoint. */
  clientAuth: "basic" | "body" | "none";
  /** Refuse authorization requests without an S256 challenge. */
  requirePkce?: boolean;
  /** @default 3600 */
  accessTokenTtlSeconds?: number;
  /** @default "rotating" */
  refresh?: "rotating" | "reusable" | "none";
  /** @default "standard" */
  dialect?: "standard" | "withings" | "polar" | "strava";
  /** Accepted for grant_type=password. */
  passwordAccount?: { username: string; password: string; userId: string };
  /** Held before answering a refresh, to widen races. */
  refreshDelayMs?: number;
}

export interface TokenCall {
  grantType: string;
  status: number;
  contentType: string;
  /** Parameter names sent (values are secrets). */
  params: string[];
}

export interface OAuthTestServer {
  url: string;
  /** The account the next consent connects. */
  account: { userId: string };
  /** What the simulated user does on the consent page. */
  consent: "approve" | "deny";
  /** Held before answering a refresh, to widen races. */
  refreshDelayMs: number;
  /** Awaited when a refresh request arrives, before its refresh token is looked at (and spent): a test holds one there. */
  beforeRefresh: (() => Promise<void>) | undefined;
  /** Answer the next token requests with this status (e.g. 503), once each. */
  failNext: number[];
  tokenCalls: TokenCall[];
  apiCalls: Array<{ method: string; path: string; status: number }>;
  /** Every secret the server handed out or accepted: access and refresh tokens, codes. */
  issuedSecrets(): string[];
  /** Makes every access token of the account look expired to the API. */
  expireAccessTokens(): void;
  /** Invalidates every refresh token (a user who revoked access at the provider). */
  revokeRefreshTokens(): void;
  refreshCalls(): number;
  registeredUsers: Set<string>;
  /** When set, user registration answers this status. */
  registrationStatus: number | undefined;
  /** What `GET /api/permissions/:id` answers the account (Garmin's /user/permissions): a body, or a status to fail with. */
  permissions: { body: unknown } | { status: number };
  close(): Promise<void>;
}

interface CodeGrant {
  clientId: string;
  redirectUri: string;
  challenge?: string;
  userId: string;
  scope: string;
  used: boolean;
}

export async function startOAuthTestServer(options: OAuthTestServerOptions): Promise<OAuthTestServer> {
  const app = Fastify({ logger: false });
  const codes = new Map<string, CodeGrant>();
  const accessTokens = new Map<string, { userId: string; expiresAt: number }>();
  const refreshTokens = new Map<string, { userId: string; valid: boolean }>();
  const secrets = new Set<string>();
  const ttl = options.accessTokenTtlSeconds ?? 3600;
  const dialect = options.dialect ?? "standard";
  const refreshMode = options.refresh ?? "rotating";

  const server: OAuthTestServer = {
    url: "",
    account: { userId: "account-1" },
    consent: "approve",
    refreshDelayMs: options.refreshDelayMs ?? 0,
    beforeRefresh: undefined,
    failNext: [],
    tokenCalls: [],
    apiCalls: [],
    registeredUsers: new Set(),
    registrationStatus: undefined,
    permissions: { body: { granted: ["ACTIVITY_EXPORT", "HEALTH_EXPORT"] } },
    issuedSecrets: () => [...secrets],
    expireAccessTokens() {
      for (const token of accessTokens.values()) token.expiresAt = 0;
    },
    revokeRefreshTokens() {
      for (const token of refreshTokens.values()) token.valid = false;
    },
    refreshCalls: () => server.tokenCalls.filter((c) => c.grantType === "refresh_token").length,
    close: () => app.close(),
  };

  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  const mint = (prefix: string) => {
    const value = `${prefix}-${randomBytes(18).toString("base64url")}`;
    secrets.add(value);
    return value;
  };

  const issue = (userId: string, scope: string, withRefresh: boolean) => {
    const accessToken = mint("at");
    accessTokens.set(accessToken, { userId, expiresAt: Date.now() + ttl * 1000 });
    const tokens: Record<string, unknown> = { access_token: accessToken, token_type: "Bearer", expires_in: ttl, scope };
    if (withRefresh && refreshMode !== "none") {
      const refreshToken = mint("rt");
      refreshTokens.set(refreshToken, { userId, valid: true });
      tokens.refresh_token = refreshToken;
    }
    return tokens;
  };

  /** RFC 6749 errors, or the provider's own dialect of them. */
  const refuse = (reply: FastifyReply, status: number, error: string, description: string) => {
    if (dialect === "withings") return reply.code(200).send({ status: 401, body: {}, error: `${error}: ${description}` });
    if (dialect === "strava") return reply.code(status).send({ message: "Bad Request", errors: [{ resource: "RefreshToken", field: error, code: "invalid" }] });
    return reply.code(status).send({ error, error_description: description });
  };

  const answer = (reply: FastifyReply, tokens: Record<string, unknown>, grant: string, userId: string) => {
    switch (dialect) {
      case "withings":
        return reply.code(200).send({ status: 0, body: { userid: userId, ...tokens, csrf_token: "csrf" } });
      case "polar":
        return reply
          .code(200)
          .send({ access_token: tokens.access_token, token_type: "bearer", expires_in: 315359999, x_user_id: Number(userId.replace(/\D/g, "")) });
      case "strava": {
        const { scope: _scope, ...rest } = tokens;
        const body = { ...rest, expires_at: Math.floor(Date.now() / 1000) + ttl };
        return reply.code(200).send(grant === "authorization_code" ? { ...body, athlete: { id: Number(userId.replace(/\D/g, "")), firstname: "Test" } } : body);
      }
      default:
        return reply.code(200).send(tokens);
    }
  };

  const clientOk = (request: FastifyRequest, params: Record<string, string>): boolean => {
    const header = request.headers.authorization;
    if (options.clientAuth === "basic") {
      if (!header?.startsWith("Basic ")) return false;
      const [id, secret] = Buffer.from(header.slice(6), "base64")
        .toString("utf8")
        .split(":")
        .map((part) => decodeURIComponent(part.replaceAll("+", " ")));
      return id === options.clientId && secret === (options.clientSecret ?? "");
    }
    if (header !== undefined) return false;
    if (params.client_id !== options.clientId) return false;
    return options.clientAuth === "none" ? params.client_secret === undefined : params.client_secret === options.clientSecret;
  };

  app.get("/oauth/authorize", async (request, reply) => {
    const q = request.query as Record<string, string>;
    if (q.response_type !== "code" || q.client_id !== options.clientId || !q.redirect_uri) return reply.code(400).send("bad authorization request");
    if (options.requirePkce && (q.code_challenge_method !== "S256" || !q.code_challenge)) return reply.code(400).send("PKCE S256 required");
    const target = new URL(q.redirect_uri);
    if (q.state !== undefined) target.searchParams.set("state", q.state);
    if (server.consent === "deny") {
      target.searchParams.set("error", "access_denied");
      return reply.redirect(target.href, 302);
    }
    const code = mint("code");
    codes.set(code, {
      clientId: q.client_id,
      redirectUri: q.redirect_uri,
      ...(q.code_challenge ? { challenge: q.code_challenge } : {}),
      userId: server.account.userId,
      scope: q.scope ?? "",
      used: false,
    });
    target.searchParams.set("code", code);
    if (dialect === "strava") target.searchParams.set("scope", "read,activity:read_all");
    return reply.redirect(target.href, 302);
  });

  app.post("/oauth/token", async (request, reply) => {
    const params = (request.body ?? {}) as Record<string, string>;
    const grantType = params.grant_type ?? "";
    const contentType = String(request.headers["content-type"] ?? "");
    const respond = (status: number) => server.tokenCalls.push({ grantType, status, contentType, params: Object.keys(params).sort() });
    const failure = server.failNext.shift();
    if (failure !== undefined) {
      respond(failure);
      return reply.code(failure).send({ error: "server_error", error_description: "temporarily failing" });
    }
    if (!clientOk(request, params)) {
      respond(401);
      return reply.code(401).send({ error: "invalid_client", error_description: "client authentication failed" });
    }
    if (dialect === "withings" && params.action !== "requesttoken") {
      respond(200);
      return reply.code(200).send({ status: 2554, body: {}, error: "unknown action" });
    }
    if (grantType === "authorization_code") {
      const grant = codes.get(params.code ?? "");
      if (grant === undefined || grant.used || grant.clientId !== options.clientId || grant.redirectUri !== params.redirect_uri) {
        if (grant) grant.used = true;
        respond(400);
        return refuse(reply, 400, "invalid_grant", "authorization code invalid, used or for another redirect_uri");
      }
      grant.used = true;
      if (grant.challenge !== undefined) {
        const verifier = params.code_verifier ?? "";
        if (createHash("sha256").update(verifier).digest("base64url") !== grant.challenge) {
          respond(400);
          return refuse(reply, 400, "invalid_grant", "PKCE verification failed");
        }
      }
      respond(200);
      return answer(reply, issue(grant.userId, grant.scope, true), grantType, grant.userId);
    }
    if (grantType === "refresh_token") {
      await server.beforeRefresh?.();
      if (server.refreshDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, server.refreshDelayMs));
      const current = refreshTokens.get(params.refresh_token ?? "");
      if (current === undefined || !current.valid) {
        respond(400);
        return refuse(reply, 400, "invalid_grant", `refresh token ${params.refresh_token} is invalid`);
      }
      if (refreshMode === "rotating") current.valid = false;
      const tokens = issue(current.userId, params.scope ?? "read", refreshMode === "rotating");
      respond(200);
      return answer(reply, tokens, grantType, current.userId);
    }
    if (grantType === "password" && options.passwordAccount) {
      const account = options.passwordAccount;
      if (params.username?.toLowerCase() !== account.username.toLowerCase() || params.password !== account.password) {
        respond(400);
        return refuse(reply, 400, "invalid_grant", "Invalid username and password combination");
      }
      respond(200);
      return answer(reply, issue(account.userId, params.scope ?? "basic", true), grantType, account.userId);
    }
    respond(400);
    return reply.code(400).send({ error: "unsupported_grant_type" });
  });

  const bearerUser = (request: FastifyRequest): string | undefined => {
    const header = request.headers.authorization ?? "";
    const token = header.startsWith("Bearer ") ? header.slice(7) : (request.query as Record<string, string>).access_token;
    const found = token === undefined ? undefined : accessTokens.get(token);
    return found !== undefined && found.expiresAt > Date.now() ? found.userId : undefined;
  };

  const api = (handler: (userId: string, request: FastifyRequest, reply: FastifyReply) => unknown) => async (request: FastifyRequest, reply: FastifyReply) => {
    const userId = bearerUser(request);
    const record = (status: number) => server.apiCalls.push({ method: request.method, path: request.url.split("?")[0]!, status });
    if (userId === undefined) {
      record(401);
      return reply.code(401).send({ message: "Authorization Error" });
    }
    const result = await handler(userId, request, reply);
    record(reply.statusCode);
    return result;
  };

  app.get(
    "/api/me",
    api((userId) => ({ id: userId, name: "Test User" })),
  );
  app.get(
    "/api/permissions/:id",
    api((userId, request, reply) => {
      if ((request.params as { id: string }).id !== userId) return reply.code(403).send({ message: "another user's permissions" });
      const answer = server.permissions;
      return "status" in answer ? reply.code(answer.status).send({ message: "permissions unavailable" }) : answer.body;
    }),
  );
  app.post(
    "/api/users",
    api((userId, _request, reply) => {
      if (server.registrationStatus !== undefined) return reply.code(server.registrationStatus).send({ error: "registration failed" });
      if (server.registeredUsers.has(userId)) return reply.code(409).send({ error: "already registered" });
      server.registeredUsers.add(userId);
      return { registered: userId };
    }),
  );
  app.delete(
    "/api/users/:id",
    api((_userId, request, reply) => {
      const id = (request.params as { id: string }).id;
      if (!server.registeredUsers.delete(id)) return reply.code(404).send({});
      return reply.code(204).send();
    }),
  );
  app.post(
    "/oauth/deauthorize",
    api((userId) => {
      for (const [token, entry] of accessTokens) if (entry.userId === userId) accessTokens.delete(token);
      for (const entry of refreshTokens.values()) if (entry.userId === userId) entry.valid = false;
      return { revoked: true };
    }),
  );

  server.url = await app.listen({ host: "127.0.0.1", port: 0 });
  return server;
}
