import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Credentials, StoredTokens } from "../../src/auth/credentials.ts";
import { freePort } from "@tributary/test-kit";
import { encodingsOf, findInAnyColumn } from "../state/find-plaintext.ts";
import { buildService, connectAccount, openTestStore, REDIS_URL, type ServiceHarness, type TestStore } from "./support/auth-harness.ts";
import { startOAuthTestServer, type OAuthTestServer } from "./support/oauth-test-server.ts";
import { genericAuth, specFor, withingsAuth } from "./support/test-specs.ts";

const CLIENT = { clientId: "refresh-client", clientSecret: "refresh-secret-0123456789" };

/** What the provider client does with credentials: apply, call, and on 401 refresh and call again. */
async function callApi(server: OAuthTestServer, credentials: Credentials): Promise<number> {
  const call = async () => {
    const request = { headers: {} as Record<string, string>, url: new URL(`${server.url}/api/me`) };
    await credentials.apply(request);
    return (await fetch(request.url, { headers: request.headers })).status;
  };
  const status = await call();
  return status === 401 && (await credentials.refresh()) ? call() : status;
}

describe("credentials of a stored connection", () => {
  let db: TestStore;
  let redis: Redis;
  let rotating: OAuthTestServer;
  let reusable: OAuthTestServer;
  let withings: OAuthTestServer;
  let h: ServiceHarness;
  let n = 0;
  const account = () => `refresh-user-${++n}`;

  beforeAll(async () => {
    db = await openTestStore("postgres");
    redis = new Redis(REDIS_URL);
    rotating = await startOAuthTestServer({ ...CLIENT, clientAuth: "basic", refreshDelayMs: 50 });
    reusable = await startOAuthTestServer({ ...CLIENT, clientAuth: "basic", refresh: "reusable" });
    withings = await startOAuthTestServer({ ...CLIENT, clientAuth: "body", dialect: "withings" });
    const whoop = { ...genericAuth(), refreshParams: { scope: "offline" }, lifecycle: {} };
    h = buildService(
      db.store,
      redis,
      {
        ROTATING: specFor("ROTATING", rotating.url, whoop),
        REUSABLE: specFor("REUSABLE", reusable.url, { ...genericAuth(), refresh: "reusable", lifecycle: {} }),
        WITHINGS: specFor("WITHINGS", withings.url, withingsAuth()),
      },
      { ROTATING: { enabled: true, ...CLIENT }, REUSABLE: { enabled: true, ...CLIENT }, WITHINGS: { enabled: true, ...CLIENT } },
      (provider) => (provider === "ROTATING" ? rotating.url : provider === "REUSABLE" ? reusable.url : withings.url),
    );
  });

  afterAll(async () => {
    await Promise.all([rotating?.close(), reusable?.close(), withings?.close()]);
    redis?.disconnect();
    await db?.close();
  });

  const tokensOf = async (userId: string) => (await db.store.getTokens(userId)) as unknown as StoredTokens;
  /** As if the token was obtained an hour ago and expires in `inMs`. */
  const expireSoon = async (userId: string, inMs: number) =>
    db.store.setTokens(userId, { ...(await tokensOf(userId)), obtained_at: Date.now() - 3_600_000, expires_at: Date.now() + inMs });

  it("applies a token that is still fresh as it is", async () => {
    const userId = await connectAccount(h.service, rotating, "ROTATING", account());
    const before = rotating.refreshCalls();
    const credentials = await h.service.credentialsFor(userId);
    const request = { headers: {} as Record<string, string>, url: new URL(`${rotating.url}/api/me`) };
    await credentials.apply(request);
    expect(request.headers.authorization).toBe(`Bearer ${(await tokensOf(userId)).access_token}`);
    expect(await credentials.variables()).toEqual({ access_token: (await tokensOf(userId)).access_token });
    expect(rotating.refreshCalls()).toBe(before);
  });

  it("refreshes inside expiryBufferSeconds, sends the refresh-only params, and writes the rotated refresh token back", async () => {
    const userId = await connectAccount(h.service, rotating, "ROTATING", account());
    const exchange = rotating.tokenCalls.at(-1)!;
    expect(exchange.params).not.toContain("scope");
    await expireSoon(userId, 200_000); // inside the 300 s buffer
    const old = await tokensOf(userId);
    const before = rotating.refreshCalls();

    expect(await callApi(rotating, await h.service.credentialsFor(userId))).toBe(200);
    expect(rotating.refreshCalls()).toBe(before + 1);
    expect(rotating.tokenCalls.at(-1)?.params).toContain("scope");
    const next = await tokensOf(userId);
    expect(next.access_token).not.toBe(old.access_token);
    expect(next.refresh_token).not.toBe(old.refresh_token);
    expect(next.obtained_at).toBeGreaterThan(Date.now() - 60_000);
    expect(next.expires_at).toBeGreaterThan(Date.now() + 3_000_000);

    // The new refresh token is the one that works now: the next refresh spends it successfully.
    await expireSoon(userId, -1);
    expect(await callApi(rotating, await h.service.credentialsFor(userId))).toBe(200);
    expect(rotating.tokenCalls.at(-1)).toMatchObject({ grantType: "refresh_token", status: 200 });
    expect(await findInAnyColumn(db.db, rotating.issuedSecrets().flatMap(encodingsOf))).toEqual([]);
  });

  it("answers a burst of 401s from many jobs with one refresh", async () => {
    const userId = await connectAccount(h.service, rotating, "ROTATING", account());
    rotating.expireAccessTokens(); // the provider says 401 although the stored expiry is hours away
    const before = rotating.refreshCalls();
    const jobs = await Promise.all(Array.from({ length: 6 }, () => h.service.credentialsFor(userId)));
    const statuses = await Promise.all(jobs.map((credentials) => callApi(rotating, credentials)));
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    expect(rotating.refreshCalls()).toBe(before + 1);
  });

  it("takes the tokens another job refreshed meanwhile instead of spending the refresh token again", async () => {
    const userId = await connectAccount(h.service, rotating, "ROTATING", account());
    const [early, late] = await Promise.all([h.service.credentialsFor(userId), h.service.credentialsFor(userId)]);
    const lateRequest = { headers: {} as Record<string, string>, url: new URL(`${rotating.url}/api/me`) };
    await late.apply(lateRequest); // holds the old token
    rotating.expireAccessTokens();
    const before = rotating.refreshCalls();
    expect(await callApi(rotating, early)).toBe(200);
    expect(rotating.refreshCalls()).toBe(before + 1);

    expect((await fetch(lateRequest.url, { headers: lateRequest.headers })).status).toBe(401);
    expect(await late.refresh()).toBe(true);
    expect(rotating.refreshCalls()).toBe(before + 1);
    expect(await callApi(rotating, late)).toBe(200);
    expect((await db.store.getConnection(userId))?.auth_status).toBe("ok");
  });

  it("keeps a reusable refresh token the answer leaves out", async () => {
    const userId = await connectAccount(h.service, reusable, "REUSABLE", account());
    const old = await tokensOf(userId);
    await expireSoon(userId, -1);
    expect(await callApi(reusable, await h.service.credentialsFor(userId))).toBe(200);
    const next = await tokensOf(userId);
    expect(next.access_token).not.toBe(old.access_token);
    expect(next.refresh_token).toBe(old.refresh_token);
  });

  it("marks the connection revoked when the provider refuses the refresh, and never asks again", async () => {
    const userId = await connectAccount(h.service, rotating, "ROTATING", account());
    const { refresh_token: refreshToken } = await tokensOf(userId);
    rotating.revokeRefreshTokens();
    await expireSoon(userId, -1);
    const before = rotating.refreshCalls();
    const error = await (await h.service.credentialsFor(userId)).apply({ headers: {}, url: new URL(rotating.url) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ERR_AUTH_REVOKED", errorClass: "user", details: { provider: "ROTATING", userId } });
    expect(rotating.refreshCalls()).toBe(before + 1);

    const connection = await db.store.getConnection(userId);
    expect(connection).toMatchObject({ auth_status: "revoked", active: true });
    expect(connection?.auth_error).toContain("invalid_grant");
    // The provider quoted the refresh token in its error; it reached neither the error nor the database.
    expect(connection?.auth_error).not.toContain(refreshToken!);
    expect(String((error as Error).message)).not.toContain(refreshToken!);
    expect(await findInAnyColumn(db.db, encodingsOf(refreshToken!))).toEqual([]);

    const later = await h.service.credentialsFor(userId);
    await expect(later.apply({ headers: {}, url: new URL(rotating.url) })).rejects.toMatchObject({ code: "ERR_AUTH_REVOKED" });
    await expect(later.refresh()).rejects.toMatchObject({ code: "ERR_AUTH_REVOKED" });
    expect(rotating.refreshCalls()).toBe(before + 1);
    expect(h.logLines.join("")).toContain("connection marked revoked");
  });

  it("leaves the connection alone when the token endpoint is down, and refreshes on the next try", async () => {
    const userId = await connectAccount(h.service, rotating, "ROTATING", account());
    await expireSoon(userId, -1);
    rotating.failNext = [503];
    await expect((await h.service.credentialsFor(userId)).apply({ headers: {}, url: new URL(rotating.url) })).rejects.toMatchObject({
      code: "ERR_AUTH_REFRESH_FAILED",
      errorClass: "transient",
    });
    expect((await db.store.getConnection(userId))?.auth_status).toBe("ok");
    expect(await callApi(rotating, await h.service.credentialsFor(userId))).toBe(200);
  });

  it("Withings: refreshes with action=requesttoken through the envelope; a refusal in the envelope marks the connection", async () => {
    const userId = await connectAccount(h.service, withings, "WITHINGS", account());
    await expireSoon(userId, -1);
    expect(await callApi(withings, await h.service.credentialsFor(userId))).toBe(200);
    expect(withings.tokenCalls.at(-1)).toMatchObject({ grantType: "refresh_token", status: 200 });
    expect(withings.tokenCalls.at(-1)?.params).toContain("action");
    expect((await tokensOf(userId)).raw).toMatchObject({ userid: expect.any(String) });

    withings.revokeRefreshTokens();
    await expireSoon(userId, -1);
    await expect((await h.service.credentialsFor(userId)).apply({ headers: {}, url: new URL(withings.url) })).rejects.toMatchObject({
      code: "ERR_AUTH_REVOKED",
    });
    expect(await db.store.getConnection(userId)).toMatchObject({ auth_status: "revoked", auth_error: expect.stringContaining("status 401") });
  });

  it("rejects for an unknown or disconnected connection", async () => {
    await expect(h.service.credentialsFor("6a1e5f0e-0000-4000-8000-000000000000")).rejects.toMatchObject({ code: "ERR_CONNECTION_NOT_FOUND" });
    const userId = await connectAccount(h.service, rotating, "ROTATING", account());
    await db.store.setTokens(userId, null);
    await expect((await h.service.credentialsFor(userId)).apply({ headers: {}, url: new URL(rotating.url) })).rejects.toMatchObject({
      code: "ERR_AUTH_REVOKED",
    });
  });

  it("fails as transient, spending nothing, when Redis (the refresh lock) is down", async () => {
    const userId = await connectAccount(h.service, rotating, "ROTATING", account());
    await expireSoon(userId, -1);
    const deadRedis = new Redis({ host: "127.0.0.1", port: await freePort(), lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    deadRedis.on("error", () => undefined); // the refused connection is the point
    try {
      const cut = buildService(
        db.store,
        deadRedis,
        { ROTATING: specFor("ROTATING", rotating.url, genericAuth()) },
        { ROTATING: { enabled: true, ...CLIENT } },
        () => rotating.url,
      );
      const before = rotating.refreshCalls();
      await expect((await cut.service.credentialsFor(userId)).apply({ headers: {}, url: new URL(rotating.url) })).rejects.toMatchObject({
        code: "ERR_REDIS_UNAVAILABLE",
        errorClass: "transient",
      });
      expect(rotating.refreshCalls()).toBe(before);
    } finally {
      deadRedis.disconnect();
    }
  });

  it("logs no token", () => {
    const text = h.logLines.join("");
    for (const secret of [...rotating.issuedSecrets(), ...reusable.issuedSecrets(), ...withings.issuedSecrets(), CLIENT.clientSecret])
      expect(text).not.toContain(secret);
  });
});
