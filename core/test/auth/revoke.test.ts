import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildService, connectAccount, connected, consent, openTestStore, REDIS_URL, type ServiceHarness, type TestStore } from "./support/auth-harness.ts";
import { startOAuthTestServer, type OAuthTestServer } from "./support/oauth-test-server.ts";
import { genericAuth, specFor, stravaAuth } from "./support/test-specs.ts";

const CLIENT = { clientId: "revoke-client", clientSecret: "revoke-secret-0123456789" };

describe("revoke", () => {
  let db: TestStore;
  let redis: Redis;
  let generic: OAuthTestServer;
  let strava: OAuthTestServer;
  let h: ServiceHarness;

  beforeAll(async () => {
    db = await openTestStore("pglite");
    redis = new Redis(REDIS_URL);
    generic = await startOAuthTestServer({ ...CLIENT, clientAuth: "basic" });
    strava = await startOAuthTestServer({ ...CLIENT, clientAuth: "body", dialect: "strava" });
    h = buildService(
      db.store,
      redis,
      { GENERIC: specFor("GENERIC", generic.url, genericAuth()), STRAVA: specFor("STRAVA", strava.url, stravaAuth()) },
      {
        GENERIC: { enabled: true, ...CLIENT },
        STRAVA: { enabled: true, ...CLIENT },
      },
      (provider) => (provider === "GENERIC" ? generic.url : strava.url),
    );
  });

  afterAll(async () => {
    await Promise.all([generic?.close(), strava?.close()]);
    redis?.disconnect();
    await db?.close();
  });

  it("deregisters, then revokes, then drops the stored tokens", async () => {
    const userId = await connectAccount(h.service, generic, "GENERIC", "leaver-1");
    const token = String((await db.store.getTokens(userId))?.access_token);
    expect(generic.registeredUsers.has("leaver-1")).toBe(true);

    const report = await h.service.revoke(userId);
    expect(report).toEqual({
      userId,
      provider: "GENERIC",
      requests: [
        { request: "DELETE /api/users/{provider_user_id}", ok: true, status: 204 },
        { request: "POST /oauth/deauthorize", ok: true, status: 200 },
      ],
      stillConnected: 0,
      tokensDropped: true,
    });
    expect(generic.registeredUsers.has("leaver-1")).toBe(false);
    expect(await db.store.getTokens(userId)).toBeUndefined();
    expect((await fetch(`${generic.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it("Strava: revokes with the access token in the query and no auth header", async () => {
    const userId = await connectAccount(h.service, strava, "STRAVA", "134816");
    const report = await h.service.revoke(userId);
    expect(report.requests).toEqual([{ request: "POST /oauth/deauthorize", ok: true, status: 200 }]);
    expect(h.send.sent.at(-1)?.request.query).toEqual({ access_token: "{access_token}" });
  });

  it("drops the tokens even when the provider fails, and says which request failed", async () => {
    const userId = await connectAccount(h.service, generic, "GENERIC", "leaver-2");
    generic.registeredUsers.clear(); // deregistration: 404, already gone, counts as done
    generic.revokeRefreshTokens();
    generic.expireAccessTokens(); // revoke: 401, then the refresh is refused
    const report = await h.service.revoke(userId);
    expect(report.requests[0]).toEqual({ request: "DELETE /api/users/{provider_user_id}", ok: false, error: expect.stringContaining("ERR_AUTH_REVOKED") });
    expect(report.requests[1]).toMatchObject({ request: "POST /oauth/deauthorize", ok: false });
    expect(await db.store.getTokens(userId)).toBeUndefined();
    expect(h.logLines.join("")).toContain("did not confirm every request");
  });

  it("asks nothing of the provider while the account stays connected for another user: deregistering it would end theirs", async () => {
    const connect = async (referenceId: string) => {
      generic.account = { userId: "shared-1" };
      const start = await h.service.beginAuthorization({ provider: "GENERIC", referenceId });
      return connected(await h.service.completeAuthorization({ provider: "GENERIC", query: await consent(start.url) })).connection.user_id;
    };
    const first = await connect("app-user-1");
    const second = await connect("app-user-2");
    const sent = h.send.sent.length;
    const report = await h.service.revoke(first);
    expect(report).toEqual({ userId: first, provider: "GENERIC", requests: [], stillConnected: 1, tokensDropped: true });
    expect(h.send.sent.length).toBe(sent);
    expect(generic.registeredUsers.has("shared-1")).toBe(true);
    expect(await db.store.getTokens(first)).toBeUndefined();
    // The last one disconnects at the provider too.
    await db.store.deactivate(first);
    expect((await h.service.revoke(second)).requests.map((r) => r.request)).toEqual(["DELETE /api/users/{provider_user_id}", "POST /oauth/deauthorize"]);
    expect(generic.registeredUsers.has("shared-1")).toBe(false);
  });

  it("refuses an unknown connection", async () => {
    await expect(h.service.revoke("5b0c3a52-8d4e-4d3b-9d51-0d7a5e0c9a11")).rejects.toMatchObject({ code: "ERR_CONNECTION_NOT_FOUND" });
  });
});
