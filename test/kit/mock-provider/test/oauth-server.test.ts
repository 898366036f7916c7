import * as oauth from "oauth4webapi";
import { describe, expect, it, onTestFinished } from "vitest";
import {
  createMockApp,
  ERROR_SHAPES,
  manualClock,
  registerOAuthServer,
  sendAnswer,
  WITHINGS_ENVELOPE,
  type ErrorShapeName,
  type OAuthServer,
  type OAuthServerOptions,
} from "../index.ts";
import { pkcePair } from "../pkce-pair.ts";
import { submitConsent } from "../consent.ts";

const REDIRECT = "http://127.0.0.1:9/callback";
const insecure = { [oauth.allowInsecureRequests]: true } as const;
const USERS = [
  { id: "GGNJL9", username: "ada", password: "lovelace" },
  { id: 134815, username: "grace", password: "hopper" },
];

interface Started {
  origin: string;
  server: OAuthServer;
  as: oauth.AuthorizationServer;
  clock: ReturnType<typeof manualClock>;
  /** GET /me with a bearer token: the data route a connector calls. */
  me(token: string): Promise<{ status: number; body: unknown }>;
}

async function start(options: Partial<OAuthServerOptions> = {}, errors: ErrorShapeName = "generic"): Promise<Started> {
  const clock = manualClock(Date.UTC(2026, 0, 1));
  const mock = createMockApp();
  const server = registerOAuthServer(mock.app, {
    clients: [{ id: "client-1", secret: "s3cret", redirectUris: [REDIRECT] }],
    users: USERS,
    clock,
    ...options,
  });
  mock.app.get("/me", async (request, reply) => {
    const outcome = server.authenticate(request);
    if (!outcome.ok)
      return sendAnswer(reply, ERROR_SHAPES[errors](outcome.kind, { message: outcome.kind, ...(outcome.token ? { token: outcome.token } : {}) }));
    return { id: outcome.user.id, client: outcome.clientId, scope: outcome.grant.scope };
  });
  const origin = await mock.listen();
  onTestFinished(() => mock.close());
  const as: oauth.AuthorizationServer = {
    issuer: origin,
    authorization_endpoint: `${origin}${server.paths.authorize ?? ""}`,
    token_endpoint: `${origin}${server.paths.token}`,
    ...(server.paths.revoke ? { revocation_endpoint: `${origin}${server.paths.revoke}` } : {}),
  };
  const me = async (token: string) => {
    const response = await fetch(`${origin}/me`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: await response.json() };
  };
  return { origin, server, as, clock, me };
}

function authorizeUrl(started: Started, params: Record<string, string>): string {
  const url = new URL(started.as.authorization_endpoint as string);
  for (const [name, value] of Object.entries({ response_type: "code", client_id: "client-1", redirect_uri: REDIRECT, ...params }))
    url.searchParams.set(name, value);
  return url.toString();
}

/** The whole authorization-code flow with a real OAuth client library. */
async function connect(started: Started, clientAuth: oauth.ClientAuth = oauth.ClientSecretPost("s3cret"), login = { username: "ada", password: "lovelace" }) {
  const client: oauth.Client = { client_id: "client-1" };
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const consent = await submitConsent(
    authorizeUrl(started, { scope: "activity sleep", state, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256" }),
    "approve",
    login,
  );
  expect(consent.status).toBe(302);
  const callback = oauth.validateAuthResponse(started.as, client, new URL(consent.location as string), state);
  const response = await oauth.authorizationCodeGrantRequest(started.as, client, clientAuth, callback, REDIRECT, verifier, insecure);
  return oauth.processAuthorizationCodeResponse(started.as, client, response);
}

async function tokenRequest(started: Started, params: Record<string, string>, init: { headers?: Record<string, string>; json?: boolean } = {}) {
  const response = await fetch(started.as.token_endpoint as string, {
    method: "POST",
    headers: { "content-type": init.json ? "application/json" : "application/x-www-form-urlencoded", ...init.headers },
    body: init.json ? JSON.stringify(params) : new URLSearchParams(params),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;

describe("authorization code", () => {
  it("runs the whole flow with PKCE S256 for a real OAuth client, and the token opens data routes", async () => {
    const started = await start({ pkce: "required", state: "required", userIdPath: "/user_id" });
    const tokens = await connect(started);
    expect(tokens.token_type).toBe("bearer");
    expect(tokens.expires_in).toBe(3600);
    expect(tokens.refresh_token).toMatch(/^[0-9a-f]{40}$/);
    expect(tokens.scope).toBe("activity sleep");
    expect(tokens.user_id).toBe("GGNJL9");
    expect(await started.me(tokens.access_token)).toEqual({ status: 200, body: { id: "GGNJL9", client: "client-1", scope: ["activity", "sleep"] } });
  });

  it("authenticates the client with HTTP basic when the provider wants basic, and refuses the other way", async () => {
    const started = await start({ clientAuth: "basic" });
    const tokens = await connect(started, oauth.ClientSecretBasic("s3cret"));
    expect((await started.me(tokens.access_token)).status).toBe(200);
    await expect(connect(started, oauth.ClientSecretPost("s3cret"))).rejects.toMatchObject({ error: "invalid_client", status: 401 });
  });

  it("refuses basic when the provider wants the secret in the body, a wrong secret, and two methods at once", async () => {
    const started = await start({ clientAuth: "body" });
    // RFC 6749 §5.2: a client that tried HTTP basic gets 401 with a Basic challenge.
    await expect(connect(started, oauth.ClientSecretBasic("s3cret"))).rejects.toMatchObject({
      status: 401,
      code: "OAUTH_WWW_AUTHENTICATE_CHALLENGE",
      cause: [{ scheme: "basic" }],
    });
    await expect(connect(started, oauth.ClientSecretPost("wrong"))).rejects.toMatchObject({ error: "invalid_client", status: 401 });
    const both = await tokenRequest(
      started,
      { grant_type: "authorization_code", code: "x", client_id: "client-1", client_secret: "s3cret" },
      { headers: { authorization: basic("client-1", "s3cret") } },
    );
    expect(both.body.error).toBe("invalid_request");
  });

  it("checks the PKCE verifier: a wrong one and a missing one are invalid_grant", async () => {
    const started = await start({ pkce: "required" });
    for (const verifier of ["wrong-verifier-wrong-verifier-wrong-verifier-0123", undefined]) {
      const { challenge } = pkcePair();
      const consent = await submitConsent(authorizeUrl(started, { code_challenge: challenge, code_challenge_method: "S256" }), "approve", {
        username: "ada",
        password: "lovelace",
      });
      const code = new URL(consent.location as string).searchParams.get("code") as string;
      const answer = await tokenRequest(started, {
        grant_type: "authorization_code",
        code,
        redirect_uri: REDIRECT,
        client_id: "client-1",
        client_secret: "s3cret",
        ...(verifier ? { code_verifier: verifier } : {}),
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toBe("invalid_grant");
    }
  });

  it("sends PKCE and state mistakes back to the client as error= on the redirect", async () => {
    const started = await start({ pkce: "required", state: "required", minStateLength: 8 });
    const cases: Array<[Record<string, string>, string]> = [
      [{ state: "long-enough-state" }, "code_challenge is required"],
      [{ state: "long-enough-state", code_challenge: pkcePair().challenge, code_challenge_method: "plain" }, "S256"],
      [{ code_challenge: pkcePair().challenge, code_challenge_method: "S256" }, "state is required"],
      [{ state: "short", code_challenge: pkcePair().challenge, code_challenge_method: "S256" }, "at least 8"],
      [
        { state: "long-enough-state", code_challenge: pkcePair().challenge, code_challenge_method: "S256", response_type: "token" },
        'response_type must be "code"',
      ],
    ];
    for (const [params, description] of cases) {
      const response = await fetch(authorizeUrl(started, params), { redirect: "manual" });
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get("location") as string);
      expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
      expect(location.searchParams.get("error")).toMatch(/invalid_request|unsupported_response_type/);
      expect(location.searchParams.get("error_description")).toContain(description);
      if (params.state) expect(location.searchParams.get("state")).toBe(params.state);
    }
  });

  it("never redirects to an unregistered redirect URI or for an unknown client: the user sees an error page", async () => {
    const started = await start();
    for (const params of [{ redirect_uri: "http://evil.example/cb" }, { client_id: "nobody" }] as Array<Record<string, string>>) {
      const response = await fetch(authorizeUrl(started, params), { redirect: "manual" });
      expect(response.status).toBe(400);
      expect(response.headers.get("location")).toBeNull();
      expect(await response.text()).toContain('role="alert"');
    }
  });

  it("refuses unknown scopes with invalid_scope", async () => {
    const started = await start({ scopes: ["activity", "sleep"] });
    const response = await fetch(authorizeUrl(started, { scope: "activity weight" }), { redirect: "manual" });
    expect(new URL(response.headers.get("location") as string).searchParams.get("error")).toBe("invalid_scope");
  });

  it("redirects with error=access_denied and the state when the user denies", async () => {
    const started = await start();
    const consent = await submitConsent(authorizeUrl(started, { state: "abcdefgh" }), "deny");
    const location = new URL(consent.location as string);
    expect(location.searchParams.get("error")).toBe("access_denied");
    expect(location.searchParams.get("state")).toBe("abcdefgh");
    expect(location.searchParams.get("code")).toBeNull();
  });

  it("answers a wrong password at the consent page with the page again, not a redirect", async () => {
    const started = await start();
    const consent = await submitConsent(authorizeUrl(started, {}), "approve", { username: "ada", password: "nope" });
    expect(consent.status).toBe(401);
    expect(consent.location).toBeUndefined();
    expect(consent.page).toContain("Wrong username or password");
  });

  it("lets an account be chosen when the users have no passwords, and auto-consents when told to", async () => {
    const started = await start({ users: [{ id: "u-1" }, { id: "u-2" }] });
    const consent = await submitConsent(authorizeUrl(started, {}), "approve", { user: "u-2" });
    const code = new URL(consent.location as string).searchParams.get("code") as string;
    const answer = await tokenRequest(started, {
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT,
      client_id: "client-1",
      client_secret: "s3cret",
    });
    expect((await started.me(answer.body.access_token as string)).body).toMatchObject({ id: "u-2" });

    const auto = await start({ consent: { decision: "approve", user: 134815 } });
    const response = await fetch(authorizeUrl(auto, { state: "s-12345678" }), { redirect: "manual" });
    expect(new URL(response.headers.get("location") as string).searchParams.get("code")).toMatch(/^[0-9a-f]{40}$/);
  });

  it("spends a code once: a replayed code is invalid_grant and revokes the tokens the first use issued", async () => {
    const started = await start();
    const consent = await submitConsent(authorizeUrl(started, {}), "approve", { username: "ada", password: "lovelace" });
    const code = new URL(consent.location as string).searchParams.get("code") as string;
    const params = { grant_type: "authorization_code", code, redirect_uri: REDIRECT, client_id: "client-1", client_secret: "s3cret" };
    const first = await tokenRequest(started, params);
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toBe("no-store");
    const second = await tokenRequest(started, params);
    expect(second.body.error).toBe("invalid_grant");
    expect((await started.me(first.body.access_token as string)).status).toBe(401);
  });

  it("refuses an expired code and a redirect_uri that differs from the authorization request's", async () => {
    const started = await start({ codeSeconds: 60 });
    const code = async () =>
      new URL((await submitConsent(authorizeUrl(started, {}), "approve", { username: "ada", password: "lovelace" })).location as string).searchParams.get(
        "code",
      ) as string;
    const late = await code();
    started.clock.advance(61);
    expect(
      (await tokenRequest(started, { grant_type: "authorization_code", code: late, redirect_uri: REDIRECT, client_id: "client-1", client_secret: "s3cret" }))
        .body.error,
    ).toBe("invalid_grant");
    const moved = await code();
    expect(
      (
        await tokenRequest(started, {
          grant_type: "authorization_code",
          code: moved,
          redirect_uri: `${REDIRECT}/other`,
          client_id: "client-1",
          client_secret: "s3cret",
        })
      ).body.error,
    ).toBe("invalid_grant");
  });
});

describe("access tokens", () => {
  it("expire on the mock's clock, and data routes then answer 401 in the provider's own shape", async () => {
    const started = await start({ accessTokenSeconds: 28_800 }, "fitbit");
    const tokens = await connect(started);
    started.clock.advance(28_799);
    expect((await started.me(tokens.access_token)).status).toBe(200);
    started.clock.advance(1);
    const expired = await started.me(tokens.access_token);
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ success: false, errors: [{ errorType: "expired_token" }] });
    expect((await started.me("not-a-token")).body).toMatchObject({ errors: [{ errorType: "invalid_token" }] });
  });

  it("can all be expired at once, leaving the refresh tokens usable", async () => {
    const started = await start();
    const tokens = await connect(started);
    started.server.tokens.expireAccessTokens();
    expect((await started.me(tokens.access_token)).status).toBe(401);
    const refreshed = await oauth.processRefreshTokenResponse(
      started.as,
      { client_id: "client-1" },
      await oauth.refreshTokenGrantRequest(started.as, { client_id: "client-1" }, oauth.ClientSecretPost("s3cret"), tokens.refresh_token as string, insecure),
    );
    expect((await started.me(refreshed.access_token)).status).toBe(200);
  });

  it("answer Withings-style: HTTP 200 with the status in the body", async () => {
    const started = await start({}, "withings");
    const answer = await started.me("unknown");
    expect(answer).toEqual({ status: 200, body: { status: 401, body: {}, error: "XRequestError: Invalid Params: invalid access_token" } });
  });
});

describe("refresh tokens", () => {
  const client: oauth.Client = { client_id: "client-1" };
  const refresh = async (started: Started, token: string) =>
    oauth.processRefreshTokenResponse(
      started.as,
      client,
      await oauth.refreshTokenGrantRequest(started.as, client, oauth.ClientSecretPost("s3cret"), token, insecure),
    );

  it("rotate: each is single-use, a spent one is refused with invalid_grant, the new one works", async () => {
    const started = await start({ refresh: "rotating" });
    const tokens = await connect(started);
    const next = await refresh(started, tokens.refresh_token as string);
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    await expect(refresh(started, tokens.refresh_token as string)).rejects.toMatchObject({ error: "invalid_grant", status: 400 });
    const third = await refresh(started, next.refresh_token as string);
    expect((await started.me(third.access_token)).status).toBe(200);
    expect(started.server.tokens.events.filter((e) => e.type === "refresh_refused")).toHaveLength(1);
  });

  it("with reuse detection, a spent one presented again revokes the whole grant", async () => {
    const started = await start({ refresh: "rotating", revokeFamilyOnReuse: true });
    const tokens = await connect(started);
    const next = await refresh(started, tokens.refresh_token as string);
    await expect(refresh(started, tokens.refresh_token as string)).rejects.toMatchObject({ error: "invalid_grant" });
    await expect(refresh(started, next.refresh_token as string)).rejects.toMatchObject({ error: "invalid_grant" });
    expect((await started.me(next.access_token)).status).toBe(401);
  });

  it("reusable: the same refresh token keeps working and comes back unchanged", async () => {
    const started = await start({ refresh: "reusable" });
    const tokens = await connect(started);
    const a = await refresh(started, tokens.refresh_token as string);
    const b = await refresh(started, tokens.refresh_token as string);
    expect([a.refresh_token, b.refresh_token]).toEqual([tokens.refresh_token, tokens.refresh_token]);
    expect(a.access_token).not.toBe(b.access_token);
  });

  it("none: no refresh token is issued and the refresh grant is unsupported", async () => {
    const started = await start({ refresh: "none", accessTokenSeconds: 315_359_999 });
    const tokens = await connect(started);
    expect(tokens.refresh_token).toBeUndefined();
    expect((await tokenRequest(started, { grant_type: "refresh_token", refresh_token: "x", client_id: "client-1", client_secret: "s3cret" })).body.error).toBe(
      "unsupported_grant_type",
    );
  });

  it("expire when given a lifetime, and belong to the client they were issued to", async () => {
    const started = await start({
      refreshTokenSeconds: 3600,
      clients: [
        { id: "client-1", secret: "s3cret", redirectUris: [REDIRECT] },
        { id: "client-2", secret: "other" },
      ],
    });
    const tokens = await connect(started);
    const other = await tokenRequest(started, {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token as string,
      client_id: "client-2",
      client_secret: "other",
    });
    expect(other.body.error).toBe("invalid_grant");
    started.clock.advance(3600);
    await expect(refresh(started, tokens.refresh_token as string)).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("are refused in Strava's own shape when the provider writes errors that way", async () => {
    const started = await start({ tokenErrors: "strava" });
    const tokens = await connect(started);
    await refresh(started, tokens.refresh_token as string);
    const spent = await tokenRequest(started, {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token as string,
      client_id: "client-1",
      client_secret: "s3cret",
    });
    expect(spent).toMatchObject({
      status: 400,
      body: { message: "Bad Request", errors: [{ resource: "RefreshToken", field: "refresh_token", code: "invalid" }] },
    });
  });
});

describe("password grant", () => {
  it("serves Xert's public client with HTTP basic, and refuses a wrong password with invalid_grant", async () => {
    const started = await start({
      clients: [{ id: "xert_public", secret: "xert_public" }],
      clientAuth: "basic",
      accessTokenSeconds: 604_800,
      paths: { authorize: false },
    });
    const client: oauth.Client = { client_id: "xert_public" };
    const response = await oauth.genericTokenEndpointRequest(
      started.as,
      client,
      oauth.ClientSecretBasic("xert_public"),
      "password",
      { username: "grace", password: "hopper" },
      insecure,
    );
    const tokens = await oauth.processGenericTokenEndpointResponse(started.as, client, response);
    expect(tokens.expires_in).toBe(604_800);
    expect((await started.me(tokens.access_token)).body).toMatchObject({ id: 134815 });
    const wrong = await oauth.genericTokenEndpointRequest(
      started.as,
      client,
      oauth.ClientSecretBasic("xert_public"),
      "password",
      { username: "grace", password: "wrong" },
      insecure,
    );
    await expect(oauth.processGenericTokenEndpointResponse(started.as, client, wrong)).rejects.toMatchObject({
      error: "invalid_grant",
      error_description: "Invalid username and password combination",
    });
    expect((await fetch(`${started.origin}/oauth/authorize`)).status).not.toBe(200);
  });

  it("is refused when the provider does not offer it", async () => {
    const started = await start({ grants: ["authorization_code", "refresh_token"] });
    const answer = await tokenRequest(started, {
      grant_type: "password",
      username: "ada",
      password: "lovelace",
      client_id: "client-1",
      client_secret: "s3cret",
    });
    expect(answer.body.error).toBe("unsupported_grant_type");
  });
});

describe("token request encoding", () => {
  it("takes a JSON body when the provider wants JSON (Peloton's Auth0) and refuses a form", async () => {
    const started = await start({ tokenBody: "json", grants: ["password"] });
    const json = await tokenRequest(
      started,
      { grant_type: "password", username: "ada", password: "lovelace", client_id: "client-1", client_secret: "s3cret" },
      { json: true },
    );
    expect(json.status).toBe(200);
    const form = await tokenRequest(started, { grant_type: "password", username: "ada", password: "lovelace", client_id: "client-1", client_secret: "s3cret" });
    expect(form.body.error).toBe("invalid_request");
  });

  it("wraps answers in Withings' status envelope and requires its action parameter", async () => {
    const started = await start({
      statusEnvelope: WITHINGS_ENVELOPE,
      tokenParams: { action: "requesttoken" },
      userIdPath: "/userid",
      grants: ["password", "refresh_token"],
    });
    const ok = await tokenRequest(started, {
      action: "requesttoken",
      grant_type: "password",
      username: "ada",
      password: "lovelace",
      client_id: "client-1",
      client_secret: "s3cret",
    });
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe(0);
    expect(ok.body.body).toMatchObject({ userid: "GGNJL9", token_type: "Bearer", expires_in: 3600 });
    const missing = await tokenRequest(started, {
      grant_type: "password",
      username: "ada",
      password: "lovelace",
      client_id: "client-1",
      client_secret: "s3cret",
    });
    expect(missing.status).toBe(200);
    expect(missing.body.status).not.toBe(0);
    expect(missing.body.error).toContain("action");
    const spent = await tokenRequest(started, {
      action: "requesttoken",
      grant_type: "refresh_token",
      refresh_token: "unknown",
      client_id: "client-1",
      client_secret: "s3cret",
    });
    expect(spent).toMatchObject({ status: 200, body: { status: 401 } });
  });
});

describe("revocation", () => {
  it("revokes the whole grant (RFC 7009) for a real client: data routes answer 401 and the refresh token is dead", async () => {
    const started = await start();
    const tokens = await connect(started);
    const client: oauth.Client = { client_id: "client-1" };
    await oauth.processRevocationResponse(await oauth.revocationRequest(started.as, client, oauth.ClientSecretPost("s3cret"), tokens.access_token, insecure));
    expect((await started.me(tokens.access_token)).status).toBe(401);
    const refreshed = await tokenRequest(started, {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token as string,
      client_id: "client-1",
      client_secret: "s3cret",
    });
    expect(refreshed.body.error).toBe("invalid_grant");
    // An unknown token is answered like a revoked one.
    await oauth.processRevocationResponse(await oauth.revocationRequest(started.as, client, oauth.ClientSecretPost("s3cret"), "unknown", insecure));
  });

  it("by the user at the provider kills every grant of theirs", async () => {
    const started = await start();
    const tokens = await connect(started);
    started.server.tokens.revokeUser("GGNJL9");
    expect((await started.me(tokens.access_token)).status).toBe(401);
  });
});
