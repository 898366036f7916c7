import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthServiceOptions } from "../../src/auth/auth-service.ts";
import type { Credentials, StoredTokens } from "../../src/auth/credentials.ts";
import type { StateStore } from "../../src/state/index.ts";
import { buildService, connectAccount, openTestStore, REDIS_URL, type ServiceHarness, type TestStore } from "./support/auth-harness.ts";
import { startOAuthTestServer, type OAuthTestServer } from "./support/oauth-test-server.ts";
import { genericAuth, specFor } from "./support/test-specs.ts";

const CLIENT = { clientId: "refresh-lock-client", clientSecret: "refresh-lock-secret-0123456789" };

/** A promise and its resolver: the test's hand on a request the provider holds. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** A job's provider call: apply the credentials (refreshing them when they expire), call, and say with which token. */
async function callApi(server: OAuthTestServer, credentials: Credentials): Promise<{ status: number; token: string | undefined }> {
  const request = { headers: {} as Record<string, string>, url: new URL(`${server.url}/api/me`) };
  await credentials.apply(request);
  const status = (await fetch(request.url, { headers: request.headers })).status;
  return { status, token: request.headers.authorization?.replace(/^Bearer /, "") };
}

/**
 * The refresh lock under work longer than its expiry, and under a holder that lost it (its process stalled
 * past the expiry — simulated by deleting its key, as the expiry would): single-use refresh tokens are
 * spent once, a refusal caused by another worker's refresh is not a revocation, and newer tokens are
 * never overwritten.
 */
describe("the refresh lock of a connection", () => {
  let db: TestStore;
  let rotating: OAuthTestServer;
  let reusable: OAuthTestServer;
  const connections: Redis[] = [];
  let n = 0;

  beforeAll(async () => {
    db = await openTestStore("postgres");
    rotating = await startOAuthTestServer({ ...CLIENT, clientAuth: "basic", refresh: "rotating" });
    reusable = await startOAuthTestServer({ ...CLIENT, clientAuth: "basic", refresh: "reusable" });
  });

  afterAll(async () => {
    await Promise.all([rotating?.close(), reusable?.close()]);
    for (const connection of connections) connection.disconnect();
    await db?.close();
  });

  /** Worker processes of one deployment: each its own Redis connection and auth service, one key prefix. */
  const workers = (count: number, extra: Partial<AuthServiceOptions> = {}, storeOf: (index: number) => StateStore = () => db.store) => {
    const keyPrefix = `test-refresh-lock-${randomBytes(4).toString("hex")}`;
    const lost: string[] = [];
    const harnesses: ServiceHarness[] = Array.from({ length: count }, (_, index) => {
      const redis = new Redis(REDIS_URL);
      connections.push(redis);
      return buildService(
        storeOf(index),
        redis,
        {
          ROTATING: specFor("ROTATING", rotating.url, { ...genericAuth(), lifecycle: {} }),
          REUSABLE: specFor("REUSABLE", reusable.url, { ...genericAuth(), refresh: "reusable", lifecycle: {} }),
        },
        { ROTATING: { enabled: true, ...CLIENT }, REUSABLE: { enabled: true, ...CLIENT } },
        (provider) => (provider === "ROTATING" ? rotating.url : reusable.url),
        { keyPrefix, onLockLost: (lock) => lost.push(lock), ...extra },
      );
    });
    return { harnesses, lost, lockKey: (userId: string) => `${keyPrefix}:auth:refresh:${userId}` };
  };

  const tokensOf = async (userId: string) => (await db.store.getTokens(userId)) as unknown as StoredTokens;
  const expire = async (userId: string) =>
    db.store.setTokens(userId, { ...(await tokensOf(userId)), obtained_at: Date.now() - 3_600_000, expires_at: Date.now() - 1000 });

  /** A new connection whose token has expired, at `server` as `provider`. */
  const expiredConnection = async (h: ServiceHarness, server: OAuthTestServer, provider: string) => {
    const userId = await connectAccount(h.service, server, provider, `refresh-lock-user-${++n}-${randomBytes(3).toString("hex")}`);
    await expire(userId);
    return userId;
  };

  it("refreshes slower than the lock's expiry, by five jobs on three workers at once: one refresh request, the lock never lost", async () => {
    const { harnesses, lost, lockKey } = workers(3, { refreshLockTtlMs: 1000 });
    const userId = await expiredConnection(harnesses[0]!, rotating, "ROTATING");
    const before = rotating.refreshCalls();
    rotating.beforeRefresh = undefined;
    rotating.refreshDelayMs = 3000; // three expiries of the lock
    try {
      const jobs = await Promise.all(
        Array.from({ length: 5 }, async (_, i) => callApi(rotating, await harnesses[i % harnesses.length]!.service.credentialsFor(userId))),
      );
      const stored = await tokensOf(userId);
      expect(jobs).toEqual(jobs.map(() => ({ status: 200, token: stored.access_token })));
    } finally {
      rotating.refreshDelayMs = 0;
    }
    expect(rotating.refreshCalls()).toBe(before + 1);
    expect(rotating.tokenCalls.at(-1)).toMatchObject({ grantType: "refresh_token", status: 200 });
    expect((await db.store.getConnection(userId))?.auth_status).toBe("ok");
    expect(lost).toEqual([]);
    expect(await harnesses[0]!.redis.exists(lockKey(userId))).toBe(0);
  });

  /**
   * Worker A's refresh request is held at the provider (A stalled); meanwhile A's lock expires — its key
   * deleted — and worker B, waiting for it, refreshes. Then A's request goes on.
   */
  const stalledDuringOtherRefresh = async (server: OAuthTestServer, provider: string) => {
    const { harnesses, lost, lockKey } = workers(2);
    const [a, b] = harnesses as [ServiceHarness, ServiceHarness];
    const userId = await expiredConnection(a, server, provider);
    const before = server.refreshCalls();
    const arrived = gate();
    const held = gate();
    let calls = 0;
    server.beforeRefresh = async () => {
      if (++calls > 1) return;
      arrived.open();
      await held.promise;
    };
    try {
      const first = callApi(server, await a.service.credentialsFor(userId));
      await arrived.promise;
      const second = callApi(server, await b.service.credentialsFor(userId));
      while ((await b.redis.get(lockKey(userId))) === null) await new Promise((resolve) => setTimeout(resolve, 10));
      await b.redis.del(lockKey(userId)); // A's lock expired while it stalled: B, waiting, takes it
      const bJob = await second;
      const afterB = await tokensOf(userId);
      held.open();
      const aJob = await first;
      return { userId, lost, before, aJob, bJob, afterB, lockKey: lockKey(userId), redis: a.redis };
    } finally {
      server.beforeRefresh = undefined;
    }
  };

  it("a worker refused because another, taking its lost lock, spent the single-use token first: takes that one's tokens, no revocation", async () => {
    const race = await stalledDuringOtherRefresh(rotating, "ROTATING");
    expect(race.bJob).toEqual({ status: 200, token: race.afterB.access_token });
    expect(race.aJob).toEqual({ status: 200, token: race.afterB.access_token });
    expect(rotating.tokenCalls.slice(-2).map((call) => call.status)).toEqual([200, 400]); // B's, then A's spent token refused
    expect(rotating.refreshCalls()).toBe(race.before + 2);
    expect(await tokensOf(race.userId)).toEqual(race.afterB);
    expect((await db.store.getConnection(race.userId))?.auth_status).toBe("ok");
    expect(race.lost).toEqual(["refresh"]);
  });

  it("a worker that lost its lock mid-refresh, answered by a provider that accepts the token twice: does not store its tokens over the newer ones", async () => {
    const race = await stalledDuringOtherRefresh(reusable, "REUSABLE");
    expect(reusable.tokenCalls.slice(-2).map((call) => call.status)).toEqual([200, 200]); // A got tokens of its own
    expect(race.aJob).toEqual({ status: 200, token: race.afterB.access_token });
    expect(await tokensOf(race.userId)).toEqual(race.afterB);
    expect(race.lost).toEqual(["refresh"]);
    expect(await race.redis.exists(race.lockKey)).toBe(0);
  });

  it("a worker that lost its lock mid-refresh while no other refreshed stores the rotated tokens, which exist nowhere else", async () => {
    const { harnesses, lost, lockKey } = workers(1);
    const h = harnesses[0]!;
    const userId = await expiredConnection(h, rotating, "ROTATING");
    const spent = await tokensOf(userId);
    const arrived = gate();
    const held = gate();
    rotating.beforeRefresh = async () => {
      arrived.open();
      await held.promise;
    };
    let job: { status: number; token: string | undefined };
    try {
      const running = callApi(rotating, await h.service.credentialsFor(userId));
      await arrived.promise;
      await h.redis.del(lockKey(userId));
      held.open();
      job = await running;
    } finally {
      rotating.beforeRefresh = undefined;
    }
    const stored = await tokensOf(userId);
    expect(stored.refresh_token).not.toBe(spent.refresh_token);
    expect(job).toEqual({ status: 200, token: stored.access_token });
    expect(lost).toEqual(["refresh"]);
    // The stored rotated refresh token is the live one: the next refresh works.
    await expire(userId);
    expect(await callApi(rotating, await h.service.credentialsFor(userId))).toMatchObject({ status: 200 });
    expect((await db.store.getConnection(userId))?.auth_status).toBe("ok");
  });

  it("two workers race to store tokens refreshed from the same ones (the first stalled between its last confirm and its write): the later write loses, its job uses the stored tokens, no revocation", async () => {
    let raced: Promise<unknown> | undefined;
    let b!: ServiceHarness;
    let userId = "";
    const { harnesses, lockKey } = workers(2, {}, (index) =>
      index === 1
        ? db.store
        : {
            ...db.store,
            // Worker A, right before its write: its lock expired (a stall), and worker B refreshed and stored meanwhile.
            replaceTokens: async (...args: Parameters<StateStore["replaceTokens"]>) => {
              raced ??= (async () => {
                await b.redis.del(lockKey(userId));
                return callApi(reusable, await b.service.credentialsFor(userId));
              })();
              await raced;
              return db.store.replaceTokens(...args);
            },
          },
    );
    const a = harnesses[0]!;
    b = harnesses[1]!;
    userId = await expiredConnection(a, reusable, "REUSABLE");
    const spent = await tokensOf(userId);
    const aJob = await callApi(reusable, await a.service.credentialsFor(userId));
    const bJob = await raced;
    const stored = await tokensOf(userId);
    // Both refreshed (the provider accepts the token twice); B's tokens, stored first, are the ones kept and used.
    expect(reusable.tokenCalls.slice(-2).map((call) => call.status)).toEqual([200, 200]);
    expect(stored.access_token).not.toBe(spent.access_token);
    expect(bJob).toEqual({ status: 200, token: stored.access_token });
    expect(aJob).toEqual({ status: 200, token: stored.access_token });
    expect((await db.store.getConnection(userId))?.auth_status).toBe("ok");
    expect(a.logLines.some((line) => line.includes("another worker stored refreshed tokens"))).toBe(true);
  });

  it("a refresh that fails releases the lock at once", async () => {
    const { harnesses, lockKey } = workers(1);
    const h = harnesses[0]!;
    const userId = await expiredConnection(h, rotating, "ROTATING");
    rotating.failNext = [503, 503, 503, 503];
    try {
      await expect(callApi(rotating, await h.service.credentialsFor(userId))).rejects.toMatchObject({ errorClass: "transient" });
    } finally {
      rotating.failNext = [];
    }
    expect(await h.redis.exists(lockKey(userId))).toBe(0);
    expect(await callApi(rotating, await h.service.credentialsFor(userId))).toMatchObject({ status: 200 });
  });
});
