import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTokenCipher } from "../../src/state/index.ts";
import { authSessionAad } from "../../src/state/auth-sessions.ts";
import { encodingsOf, findInAnyColumn } from "../state/find-plaintext.ts";
import { buildService, connected, consent, openTestStore, REDIS_URL, type ServiceHarness, type StoreBackend, type TestStore } from "./support/auth-harness.ts";
import { startOAuthTestServer, type OAuthTestServer } from "./support/oauth-test-server.ts";
import { genericAuth, specFor } from "./support/test-specs.ts";

const CLIENT = { clientId: "generic-client", clientSecret: "generic-secret-0123456789" };

describe.each<StoreBackend>(["postgres", "pglite"])("authorization code flow (state store on %s)", (backend) => {
  let db: TestStore;
  let redis: Redis;
  let server: OAuthTestServer;
  let h: ServiceHarness;
  let account = 0;

  beforeAll(async () => {
    db = await openTestStore(backend);
    redis = new Redis(REDIS_URL);
    server = await startOAuthTestServer({ ...CLIENT, clientAuth: "basic", requirePkce: true });
    const spec = specFor("GENERIC", server.url, genericAuth());
    h = buildService(
      db.store,
      redis,
      {
        GENERIC: spec,
        NOSTATE: specFor("NOSTATE", server.url, { ...genericAuth(), state: false, lifecycle: {} }),
        OFF: specFor("OFF", server.url, genericAuth()),
        NOCLIENT: specFor("NOCLIENT", server.url, genericAuth()),
      },
      {
        GENERIC: { enabled: true, ...CLIENT },
        NOSTATE: { enabled: true, ...CLIENT },
        OFF: { enabled: false, ...CLIENT },
      },
      () => server.url,
    );
  });

  afterAll(async () => {
    await server?.close();
    redis?.disconnect();
    await db?.close();
  });

  /** Each test connects its own provider account. */
  const nextAccount = () => {
    server.account = { userId: `user-${backend}-${++account}` };
    server.consent = "approve";
    return server.account.userId;
  };

  it("connects with PKCE S256, the verifier kept encrypted on the server, and registers the user", async () => {
    const accountId = nextAccount();
    const start = await h.service.beginAuthorization({ provider: "GENERIC", referenceId: "dev-user-1", successRedirectUrl: "https://app.example/ok" });
    const url = new URL(start.url);
    expect(url.origin + url.pathname).toBe(`${server.url}/oauth/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: "code",
      client_id: CLIENT.clientId,
      redirect_uri: "https://app.example/auth/callback/generic",
      scope: "activity profile",
      state: start.state,
      code_challenge_method: "S256",
    });

    // The verifier is in the session row, encrypted, and only its S256 hash went out.
    const { rows } = await db.db.query<{ secret_ciphertext: string }>("SELECT secret_ciphertext FROM auth_sessions WHERE state = $1", [start.state]);
    const secret = JSON.parse(createTokenCipher({ key: db.key }).decrypt(rows[0]!.secret_ciphertext, authSessionAad(start.state))) as { code_verifier: string };
    expect(url.searchParams.get("code_challenge")).toBe(createHash("sha256").update(secret.code_verifier).digest("base64url"));
    expect(start.url).not.toContain(secret.code_verifier);
    expect(await findInAnyColumn(db.db, encodingsOf(secret.code_verifier))).toEqual([]);

    const outcome = connected(await h.service.completeAuthorization({ provider: "GENERIC", query: await consent(start.url), binding: start.binding }));
    expect(outcome.connection).toMatchObject({
      user_id: start.userId,
      provider: "GENERIC",
      reference_id: "dev-user-1",
      provider_user_id: accountId,
      scopes: "activity,profile",
      active: true,
      auth_status: "ok",
    });
    expect(outcome.replaced).toBeNull();
    expect(outcome.session).toMatchObject({ userId: start.userId, referenceId: "dev-user-1", successRedirectUrl: "https://app.example/ok" });
    expect(server.registeredUsers.has(accountId)).toBe(true);

    const exchange = server.tokenCalls.at(-1)!;
    expect(exchange).toMatchObject({ grantType: "authorization_code", status: 200 });
    expect(exchange.params).toContain("code_verifier");
    expect(exchange.params).not.toContain("client_secret");

    const tokens = await db.store.getTokens(start.userId);
    expect(tokens).toMatchObject({ auth_type: "oauth2", token_type: "bearer", scope: "activity profile" });
    expect(String(tokens?.access_token)).toMatch(/^at-/);
    expect(String(tokens?.refresh_token)).toMatch(/^rt-/);
    expect(Number(tokens?.expires_at)).toBeGreaterThan(Date.now() + 3_000_000);
    expect(await findInAnyColumn(db.db, server.issuedSecrets().flatMap(encodingsOf))).toEqual([]);
  });

  it("refuses a code presented with another flow's state: that flow's verifier does not match", async () => {
    nextAccount();
    const victim = await h.service.beginAuthorization({ provider: "GENERIC" });
    const attacker = await h.service.beginAuthorization({ provider: "GENERIC" });
    const victimCallback = await consent(victim.url);
    const query = new URLSearchParams({ code: victimCallback.get("code")!, state: attacker.state });
    const outcome = await h.service.completeAuthorization({ provider: "GENERIC", query });
    expect(outcome).toMatchObject({ ok: false, reason: "token_exchange_failed", providerError: "invalid_grant" });
    expect(server.tokenCalls.at(-1)).toMatchObject({ grantType: "authorization_code", status: 400 });
    expect(await db.store.getConnection(attacker.userId)).toBeUndefined();
  });

  it("spends a state once: a replayed callback is refused without another token request", async () => {
    nextAccount();
    const start = await h.service.beginAuthorization({ provider: "GENERIC" });
    const query = await consent(start.url);
    connected(await h.service.completeAuthorization({ provider: "GENERIC", query }));
    const calls = server.tokenCalls.length;
    const replay = await h.service.completeAuthorization({ provider: "GENERIC", query });
    expect(replay).toMatchObject({ ok: false, reason: "invalid_state", session: null });
    expect(server.tokenCalls.length).toBe(calls);
  });

  it("refuses an expired session and still knows where to send the user", async () => {
    nextAccount();
    const start = await h.service.beginAuthorization({ provider: "GENERIC", referenceId: "slow-user", failureRedirectUrl: "https://app.example/failed" });
    await db.db.query("UPDATE auth_sessions SET expires_at = now() - interval '1 second' WHERE state = $1", [start.state]);
    const calls = server.tokenCalls.length;
    const outcome = await h.service.completeAuthorization({ provider: "GENERIC", query: await consent(start.url) });
    expect(outcome).toMatchObject({
      ok: false,
      reason: "session_expired",
      session: { referenceId: "slow-user", failureRedirectUrl: "https://app.example/failed", userId: start.userId },
    });
    expect(server.tokenCalls.length).toBe(calls);
  });

  it("maps the user's denial to access_denied, and other provider errors to provider_error", async () => {
    nextAccount();
    server.consent = "deny";
    const denied = await h.service.beginAuthorization({ provider: "GENERIC", referenceId: "declines" });
    const outcome = await h.service.completeAuthorization({ provider: "GENERIC", query: await consent(denied.url) });
    expect(outcome).toMatchObject({ ok: false, reason: "access_denied", providerError: "access_denied", session: { referenceId: "declines" } });

    const failing = await h.service.beginAuthorization({ provider: "GENERIC" });
    const broken = await h.service.completeAuthorization({
      provider: "GENERIC",
      query: `state=${failing.state}&error=server_error&error_description=try+later`,
    });
    expect(broken).toMatchObject({ ok: false, reason: "provider_error", providerError: "server_error" });
    expect(broken.ok ? "" : broken.message).toContain("try later");

    const empty = await h.service.beginAuthorization({ provider: "GENERIC" });
    expect(await h.service.completeAuthorization({ provider: "GENERIC", query: { state: empty.state } })).toMatchObject({
      ok: false,
      reason: "provider_error",
    });
  });

  it("refuses callbacks without a known state", async () => {
    for (const query of ["", "code=abc", "code=abc&state=never-issued", `code=abc&state=${"x".repeat(600)}`]) {
      expect(await h.service.completeAuthorization({ provider: "GENERIC", query })).toMatchObject({ ok: false, reason: "invalid_state", session: null });
    }
  });

  it("binds the flow to its provider and to the browser that started it", async () => {
    nextAccount();
    const other = await h.service.beginAuthorization({ provider: "GENERIC" });
    const wrongProvider = await h.service.completeAuthorization({ provider: "STRAVA", query: await consent(other.url) });
    expect(wrongProvider).toMatchObject({ ok: false, reason: "session_mismatch" });

    const start = await h.service.beginAuthorization({ provider: "GENERIC" });
    const wrongBrowser = await h.service.completeAuthorization({ provider: "GENERIC", query: await consent(start.url), binding: other.binding });
    expect(wrongBrowser).toMatchObject({ ok: false, reason: "session_mismatch" });
    expect(await db.store.getConnection(start.userId)).toBeUndefined();

    const kept = await h.service.beginAuthorization({ provider: "GENERIC" });
    const crossed = await h.service.completeAuthorization({ provider: "GENERIC", query: await consent(kept.url), state: other.state });
    expect(crossed).toMatchObject({ ok: false, reason: "session_mismatch" });
  });

  it("runs a flow without state for providers that do not echo it: the caller keeps the flow id", async () => {
    nextAccount();
    const start = await h.service.beginAuthorization({ provider: "NOSTATE" });
    expect(new URL(start.url).searchParams.has("state")).toBe(false);
    const query = await consent(start.url);
    expect(query.has("state")).toBe(false);
    expect(await h.service.completeAuthorization({ provider: "NOSTATE", query })).toMatchObject({ ok: false, reason: "invalid_state" });

    const again = await h.service.beginAuthorization({ provider: "NOSTATE" });
    connected(await h.service.completeAuthorization({ provider: "NOSTATE", query: await consent(again.url), state: again.state, binding: again.binding }));
  });

  it("replaces the earlier connection of a reconnecting account in one step", async () => {
    const accountId = nextAccount();
    const first = await h.service.beginAuthorization({ provider: "GENERIC", referenceId: "same-user" });
    const one = connected(await h.service.completeAuthorization({ provider: "GENERIC", query: await consent(first.url) }));
    const second = await h.service.beginAuthorization({ provider: "GENERIC", referenceId: "same-user" });
    const two = connected(await h.service.completeAuthorization({ provider: "GENERIC", query: await consent(second.url) }));
    expect(two.connection).toMatchObject({ user_id: second.userId, provider_user_id: accountId, active: true });
    expect(two.replaced).toMatchObject({ user_id: one.connection.user_id, active: false });
    expect(await db.store.getTokens(one.connection.user_id)).toBeUndefined();
    expect((await db.store.findByProviderUserId("GENERIC", accountId))?.user_id).toBe(second.userId);
  });

  it("keeps the same account connected under another reference_id, or for another developer, beside the first (Terra's rule)", async () => {
    const accountId = nextAccount();
    const connect = async (request: { referenceId?: string; developerId?: string }) => {
      const start = await h.service.beginAuthorization({ provider: "GENERIC", ...request });
      return connected(await h.service.completeAuthorization({ provider: "GENERIC", query: await consent(start.url) }));
    };
    const first = await connect({ referenceId: "user-a", developerId: "dev-one" });
    const otherReference = await connect({ referenceId: "user-b", developerId: "dev-one" });
    const otherDeveloper = await connect({ referenceId: "user-a", developerId: "dev-two" });
    expect([otherReference.replaced, otherDeveloper.replaced]).toEqual([null, null]);
    const found = await db.store.findByProviderUserIds("GENERIC", [accountId]);
    expect(found.get(accountId)?.map((connection) => [connection.user_id, connection.developer_id, connection.reference_id])).toEqual([
      [first.connection.user_id, "dev-one", "user-a"],
      [otherReference.connection.user_id, "dev-one", "user-b"],
      [otherDeveloper.connection.user_id, "dev-two", "user-a"],
    ]);
    // Under the first one's developer and reference_id again: a reconnect, which replaces only it.
    const again = await connect({ referenceId: "user-a", developerId: "dev-one" });
    expect(again.replaced).toMatchObject({ user_id: first.connection.user_id, active: false });
    expect((await db.store.findByProviderUserIds("GENERIC", [accountId])).get(accountId)).toHaveLength(3);
  });

  it("reports a provider that is down as temporarily unavailable, and creates nothing", async () => {
    nextAccount();
    const start = await h.service.beginAuthorization({ provider: "GENERIC" });
    server.failNext = [503];
    const outcome = await h.service.completeAuthorization({ provider: "GENERIC", query: await consent(start.url) });
    expect(outcome).toMatchObject({ ok: false, reason: "temporarily_unavailable", error: { code: "ERR_PROVIDER_UNAVAILABLE", errorClass: "transient" } });
    expect(await db.store.getConnection(start.userId)).toBeUndefined();
  });

  it("fails a connect whose user registration fails, storing nothing; an already registered user is fine", async () => {
    const accountId = nextAccount();
    const start = await h.service.beginAuthorization({ provider: "GENERIC" });
    server.registrationStatus = 500;
    try {
      const outcome = await h.service.completeAuthorization({ provider: "GENERIC", query: await consent(start.url) });
      expect(outcome).toMatchObject({ ok: false, reason: "temporarily_unavailable", error: { code: "ERR_PROVIDER_UNAVAILABLE" } });
      expect(await db.store.getConnection(start.userId)).toBeUndefined();
    } finally {
      server.registrationStatus = undefined;
    }
    server.registeredUsers.add(accountId);
    const again = await h.service.beginAuthorization({ provider: "GENERIC" });
    connected(await h.service.completeAuthorization({ provider: "GENERIC", query: await consent(again.url) }));
    expect(h.send.sent.at(-1)).toMatchObject({ request: { path: "/api/users" }, status: 409 });
  });

  it("blames the operator, not the user, for a client the provider refuses", async () => {
    nextAccount();
    const wrong = buildService(
      db.store,
      redis,
      { GENERIC: specFor("GENERIC", server.url, genericAuth()) },
      { GENERIC: { enabled: true, clientId: CLIENT.clientId, clientSecret: "wrong-secret-value" } },
      () => server.url,
    );
    const start = await wrong.service.beginAuthorization({ provider: "GENERIC" });
    const outcome = await wrong.service.completeAuthorization({ provider: "GENERIC", query: await consent(start.url) });
    expect(outcome).toMatchObject({ ok: false, reason: "configuration_error", providerError: "invalid_client", error: { code: "ERR_AUTH_CLIENT" } });
    expect(wrong.logLines.join("")).toContain("ERR_AUTH_CLIENT");
    expect(wrong.logLines.join("")).not.toContain("wrong-secret-value");
  });

  it("refuses to start for a disabled provider, a provider without a client id, an unknown provider, or a bad redirect", async () => {
    await expect(h.service.beginAuthorization({ provider: "OFF" })).rejects.toMatchObject({ code: "ERR_AUTH_FLOW" });
    await expect(h.service.beginAuthorization({ provider: "NOCLIENT" })).rejects.toMatchObject({
      code: "ERR_AUTH_CLIENT",
      hint: expect.stringContaining("providers.NOCLIENT.clientId"),
    });
    await expect(h.service.beginAuthorization({ provider: "NOPE" })).rejects.toMatchObject({ code: "ERR_PLUGIN_UNKNOWN" });
    await expect(h.service.beginAuthorization({ provider: "GENERIC", successRedirectUrl: "javascript:alert(1)" })).rejects.toMatchObject({
      code: "ERR_AUTH_FLOW",
    });
  });

  it("never writes a token, code, verifier or client secret to its log", () => {
    const text = h.logLines.join("");
    expect(text).toContain("connected");
    for (const secret of [...server.issuedSecrets(), CLIENT.clientSecret]) expect(text).not.toContain(secret);
  });
});
