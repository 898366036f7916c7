import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodingsOf, findInAnyColumn } from "../state/find-plaintext.ts";
import { buildService, connected, consent, openTestStore, REDIS_URL, type ServiceHarness, type TestStore } from "./support/auth-harness.ts";
import { startOAuthTestServer, type OAuthTestServer } from "./support/oauth-test-server.ts";
import { apiKeyAuth, bearerAuth, polarAuth, specFor, stravaAuth, withingsAuth, xertAuth } from "./support/test-specs.ts";

describe("provider dialects", () => {
  let db: TestStore;
  let redis: Redis;
  const servers: Record<string, OAuthTestServer> = {};
  let h: ServiceHarness;
  const password = "correct horse battery staple";

  beforeAll(async () => {
    db = await openTestStore("postgres");
    redis = new Redis(REDIS_URL);
    servers.STRAVA = await startOAuthTestServer({
      clientId: "1234",
      clientSecret: "strava-secret-abcdef",
      clientAuth: "body",
      dialect: "strava",
      accessTokenTtlSeconds: 21600,
    });
    servers.WITHINGS = await startOAuthTestServer({
      clientId: "withings-id",
      clientSecret: "withings-secret-abcdef",
      clientAuth: "body",
      dialect: "withings",
      accessTokenTtlSeconds: 10800,
    });
    servers.POLAR = await startOAuthTestServer({
      clientId: "polar-id",
      clientSecret: "polar-secret-abcdef",
      clientAuth: "basic",
      dialect: "polar",
      refresh: "none",
    });
    servers.XERT = await startOAuthTestServer({
      clientId: "xert_public",
      clientSecret: "xert_public",
      clientAuth: "basic",
      passwordAccount: { username: "rider@example.com", password, userId: "xert-1" },
    });
    servers.TOKEN = await startOAuthTestServer({
      clientId: "unused",
      clientAuth: "none",
      passwordAccount: { username: "pat", password: "pat-password", userId: "pat-user" },
    });
    const specs = {
      STRAVA: specFor("STRAVA", servers.STRAVA.url, stravaAuth()),
      WITHINGS: specFor("WITHINGS", servers.WITHINGS.url, withingsAuth()),
      POLAR: specFor("POLAR", servers.POLAR.url, polarAuth()),
      XERT: specFor("XERT", servers.XERT.url, xertAuth()),
      TOKEN: specFor("TOKEN", servers.TOKEN.url, bearerAuth()),
      APIKEY: specFor("APIKEY", servers.TOKEN.url, apiKeyAuth()),
    };
    h = buildService(
      db.store,
      redis,
      specs,
      {
        STRAVA: { enabled: true, clientId: "1234", clientSecret: "strava-secret-abcdef" },
        WITHINGS: { enabled: true, clientId: "withings-id", clientSecret: "withings-secret-abcdef" },
        POLAR: { enabled: true, clientId: "polar-id", clientSecret: "polar-secret-abcdef" },
      },
      (provider) => servers[provider === "APIKEY" ? "TOKEN" : provider]!.url,
    );
  });

  afterAll(async () => {
    for (const server of Object.values(servers)) await server.close();
    redis?.disconnect();
    await db?.close();
  });

  it("Strava: no PKCE, client in the body, the athlete id from the code exchange, scopes from the callback", async () => {
    const server = servers.STRAVA!;
    server.account = { userId: "134815" };
    const start = await h.service.beginAuthorization({ provider: "STRAVA", referenceId: "s1" });
    const url = new URL(start.url);
    expect(url.searchParams.has("code_challenge")).toBe(false);
    expect(url.searchParams.get("approval_prompt")).toBe("auto");
    expect(url.searchParams.get("scope")).toBe("read,activity:read_all");
    const outcome = connected(await h.service.completeAuthorization({ provider: "STRAVA", query: await consent(start.url) }));
    expect(outcome.connection).toMatchObject({ provider_user_id: "134815", scopes: "read,activity:read_all" });
    expect(server.tokenCalls.at(-1)?.params).toEqual(expect.arrayContaining(["client_id", "client_secret", "code", "grant_type", "redirect_uri"]));
    const tokens = await db.store.getTokens(start.userId);
    // expires_in wins over Strava's absolute expires_at; the athlete is kept with the raw answer.
    expect(Number(tokens?.expires_at)).toBeGreaterThan(Date.now() + 21_000_000);
    expect(tokens?.raw).toMatchObject({ athlete: { id: 134815 } });
  });

  it("Withings: action=requesttoken on the exchange, tokens and user id inside the status envelope", async () => {
    const server = servers.WITHINGS!;
    server.account = { userId: "363" };
    const start = await h.service.beginAuthorization({ provider: "WITHINGS" });
    expect(new URL(start.url).searchParams.get("scope")).toBe("user.info,user.metrics");
    const outcome = connected(await h.service.completeAuthorization({ provider: "WITHINGS", query: await consent(start.url) }));
    expect(outcome.connection.provider_user_id).toBe("363");
    expect(server.tokenCalls.at(-1)?.params).toContain("action");
    const tokens = await db.store.getTokens(start.userId);
    expect(String(tokens?.access_token)).toMatch(/^at-/);
    expect(String(tokens?.refresh_token)).toMatch(/^rt-/);
    expect(tokens?.raw).toMatchObject({ userid: "363" });
  });

  it("Withings: a refused code inside a 200 envelope is a refused exchange, with the provider's status", async () => {
    const start = await h.service.beginAuthorization({ provider: "WITHINGS" });
    const query = await consent(start.url);
    query.set("code", "code-that-was-never-issued");
    const outcome = await h.service.completeAuthorization({ provider: "WITHINGS", query });
    expect(outcome).toMatchObject({ ok: false, reason: "token_exchange_failed", providerError: "401" });
  });

  it("Polar: HTTP basic, no refresh token, x_user_id, and registration with our user id", async () => {
    const server = servers.POLAR!;
    server.account = { userId: "10000000" };
    const start = await h.service.beginAuthorization({ provider: "POLAR" });
    const outcome = connected(await h.service.completeAuthorization({ provider: "POLAR", query: await consent(start.url) }));
    expect(outcome.connection.provider_user_id).toBe("10000000");
    expect(server.tokenCalls.at(-1)?.params).not.toContain("client_secret");
    const tokens = await db.store.getTokens(start.userId);
    expect(tokens?.refresh_token).toBeUndefined();
    expect(Number(tokens?.expires_at)).toBeGreaterThan(Date.now() + 300_000_000_000);
    const registration = h.send.sent.find((s) => s.context.provider === "POLAR" && s.request.path === "/api/users");
    expect(registration?.context.variables).toMatchObject({ user_id: start.userId, provider_user_id: "10000000" });
    expect(registration?.status).toBe(200);

    // Nothing to refresh: a 401 is not answered with a refresh request.
    const credentials = await h.service.credentialsFor(start.userId);
    expect(await credentials.refresh()).toBe(false);
    expect(server.refreshCalls()).toBe(0);
  });

  it("Xert: the password grant with the public client; the password is neither stored nor logged", async () => {
    const server = servers.XERT!;
    const outcome = connected(await h.service.connectWithPassword({ provider: "XERT", username: "  Rider@Example.com ", password, referenceId: "x1" }));
    expect(outcome.connection).toMatchObject({ provider: "XERT", provider_user_id: "rider@example.com", reference_id: "x1" });
    expect(server.tokenCalls.at(-1)).toMatchObject({ grantType: "password", status: 200 });
    expect(await findInAnyColumn(db.db, encodingsOf(password))).toEqual([]);
    expect(h.logLines.join("")).not.toContain(password);

    const refused = await h.service.connectWithPassword({ provider: "XERT", username: "rider@example.com", password: "wrong password" });
    expect(refused).toMatchObject({ ok: false, reason: "invalid_credentials", providerError: "invalid_grant" });
    expect(refused.ok ? "" : refused.message).not.toContain("wrong password");
    expect(await h.service.connectWithPassword({ provider: "XERT", username: "rider", password: "" })).toMatchObject({
      ok: false,
      reason: "invalid_credentials",
    });
    await expect(h.service.connectWithPassword({ provider: "STRAVA", username: "a", password: "b" })).rejects.toMatchObject({ code: "ERR_AUTH_FLOW" });
    await expect(h.service.beginAuthorization({ provider: "XERT" })).rejects.toMatchObject({ code: "ERR_AUTH_FLOW" });
  });

  it("a pasted bearer token is checked with the account request and stored encrypted", async () => {
    const server = servers.TOKEN!;
    // A token the test server issued, obtained the way a user would get one from their account page.
    const tokenResponse = await fetch(`${server.url}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "password", username: "pat", password: "pat-password", client_id: "unused" }),
    });
    const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
    const outcome = connected(await h.service.connectWithToken({ provider: "TOKEN", token: ` ${token} ` }));
    expect(outcome.connection.provider_user_id).toBe("pat-user");
    expect(await db.store.getTokens(outcome.connection.user_id)).toMatchObject({ auth_type: "bearer_token", access_token: token });
    expect(await findInAnyColumn(db.db, encodingsOf(token))).toEqual([]);

    const refused = await h.service.connectWithToken({ provider: "TOKEN", token: "not-a-token-the-provider-knows" });
    expect(refused).toMatchObject({ ok: false, reason: "invalid_credentials", error: { code: "ERR_AUTH_INVALID" } });
    expect(await h.service.connectWithToken({ provider: "TOKEN", token: "   " })).toMatchObject({ ok: false, reason: "invalid_credentials" });

    // An API key spec without an account request is taken as given, and applied where the spec says.
    const key = connected(await h.service.connectWithToken({ provider: "APIKEY", token }));
    expect(key.connection.provider_user_id).toBeNull();
    const credentials = await h.service.credentialsFor(key.connection);
    const request = { headers: {} as Record<string, string>, url: new URL(`${server.url}/api/me`) };
    await credentials.apply(request);
    expect(request.url.searchParams.get("access_token")).toBe(token);
    expect(request.headers).toEqual({});
    expect((await fetch(request.url)).status).toBe(200);
  });

  it("keeps every issued secret and client secret out of the database and the log", async () => {
    const secrets = [...Object.values(servers).flatMap((s) => s.issuedSecrets()), "strava-secret-abcdef", "withings-secret-abcdef", "polar-secret-abcdef"];
    expect(await findInAnyColumn(db.db, secrets)).toEqual([]);
    const text = h.logLines.join("");
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
