import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildService, connectAccount, openTestStore, REDIS_URL, type ServiceHarness, type TestStore } from "./support/auth-harness.ts";
import { startOAuthTestServer, type OAuthTestServer } from "./support/oauth-test-server.ts";
import { genericAuth, specFor } from "./support/test-specs.ts";

const CLIENT = { clientId: "scopes-client", clientSecret: "scopes-secret-0123456789" };

/**
 * `auth.grantedScopes`: the scopes a user granted, read once connected (Garmin's consent names none, its
 * /user/permissions answers them), become the connection's scopes in place of the token answer's; a read
 * that fails leaves the token answer's scopes and a warning, and the connection is made all the same.
 */
describe("granted scopes read at connect", () => {
  let db: TestStore;
  let redis: Redis;
  let server: OAuthTestServer;
  let h: ServiceHarness;

  beforeAll(async () => {
    db = await openTestStore("pglite");
    redis = new Redis(REDIS_URL);
    server = await startOAuthTestServer({ ...CLIENT, clientAuth: "basic", requirePkce: true });
    const grantedScopes = { request: { path: "/api/permissions/{provider_user_id}" }, path: "/granted" };
    h = buildService(
      db.store,
      redis,
      {
        PERMS: specFor("PERMS", server.url, { ...genericAuth(), lifecycle: {}, grantedScopes }),
        PLAIN: specFor("PLAIN", server.url, { ...genericAuth(), lifecycle: {} }),
      },
      { PERMS: { enabled: true, ...CLIENT }, PLAIN: { enabled: true, ...CLIENT } },
      () => server.url,
    );
  });

  afterAll(async () => {
    await server?.close();
    redis?.disconnect();
    await db?.close();
  });

  /** Connects a new account of `provider` answering `permissions`; its stored scopes and the permissions requests made. */
  const connectWith = async (provider: string, permissions: OAuthTestServer["permissions"]) => {
    server.account = { userId: `account-${randomUUID()}` };
    server.permissions = permissions;
    const before = server.apiCalls.length;
    const userId = await connectAccount(h.service, server, provider, server.account.userId);
    const connection = await db.store.getConnection(userId);
    const asked = server.apiCalls.slice(before).filter((call) => call.path.startsWith("/api/permissions/"));
    return { userId, scopes: connection!.scopes, asked };
  };
  const unreadWarnings = (userId: string) => h.logLines.filter((line) => line.includes("ERR_AUTH_SCOPES_UNREAD") && line.includes(userId));

  it("stores what the provider says the user granted, not the token answer's scopes; the request names the account", async () => {
    const { userId, scopes, asked } = await connectWith("PERMS", { body: { granted: ["ACTIVITY_EXPORT", "HEALTH_EXPORT", "ACTIVITY_EXPORT"] } });
    expect(scopes).toBe("ACTIVITY_EXPORT,HEALTH_EXPORT");
    expect(asked).toEqual([{ method: "GET", path: `/api/permissions/${server.account.userId}`, status: 200 }]);
    expect(unreadWarnings(userId)).toEqual([]);
  });

  it("reads one string of scopes separated by spaces or commas; an empty list is a user who shares nothing", async () => {
    expect((await connectWith("PERMS", { body: { granted: "HEALTH_EXPORT ACTIVITY_EXPORT" } })).scopes).toBe("HEALTH_EXPORT,ACTIVITY_EXPORT");
    expect((await connectWith("PERMS", { body: { granted: [] } })).scopes).toBe("");
  });

  it.each([
    ["an error status", { status: 503 }],
    ["a refusal", { status: 403 }],
    ["no list at the path", { body: { permissions: ["ACTIVITY_EXPORT"] } }],
    ["a list of other things", { body: { granted: [{ scope: "ACTIVITY_EXPORT" }] } }],
  ] as const)("connects all the same on %s: the token answer's scopes, and a warning for the operator", async (_, permissions) => {
    const { userId, scopes, asked } = await connectWith("PERMS", permissions);
    expect(scopes).toBe("activity,profile");
    expect(asked).toHaveLength(1);
    const [warning] = unreadWarnings(userId);
    expect(JSON.parse(warning!)).toMatchObject({ level: 40, provider: "PERMS", userId, code: "ERR_AUTH_SCOPES_UNREAD" });
    expect(await db.store.getTokens(userId)).toMatchObject({ access_token: expect.any(String) });
  });

  it("asks nothing when the spec declares no grantedScopes", async () => {
    const { scopes, asked } = await connectWith("PLAIN", { body: { granted: ["ACTIVITY_EXPORT"] } });
    expect(scopes).toBe("activity,profile");
    expect(asked).toEqual([]);
  });
});
