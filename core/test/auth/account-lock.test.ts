import type { RequestSpec } from "@tributary/schemas";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthServiceOptions } from "../../src/auth/auth-service.ts";
import type { StateStore } from "../../src/state/index.ts";
import { buildService, connected, consent, openTestStore, REDIS_URL, type ServiceHarness, type TestStore } from "./support/auth-harness.ts";
import { startOAuthTestServer, type OAuthTestServer } from "./support/oauth-test-server.ts";
import { createTestSend } from "./support/test-send.ts";
import { genericAuth, specFor } from "./support/test-specs.ts";

const CLIENT = { clientId: "account-lock-client", clientSecret: "account-lock-secret-0123456789" };
const REGISTER = "POST /api/users";
const DEREGISTER = "DELETE /api/users/{provider_user_id}";

/**
 * Registration per account, no token revocation: this test server's revoke ends every grant of the account,
 * the new connection's too, which no lock can order (the account is known only after the token exchange);
 * there the connect fails at its registration and the user connects again.
 */
const { revoke: _revoke, ...registeringAuth } = genericAuth();

/** A promise and its resolver: the tests' hand on when a paused step goes on. */
function signal<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/**
 * A connect and the disconnect of the account's last connection, racing: the deauth must not deregister
 * (Fitbit's subscription, Withings' notify, Polar's registration) what the new connection relies on.
 * Each race is made deterministic by pausing one side at a provider request and going on only once the
 * other side is seen waiting for the account's lock (or, were there no lock, at the provider).
 */
describe("connect vs. the last disconnect of a shared provider account", () => {
  let db: TestStore;
  let redis: Redis;
  let provider: OAuthTestServer;
  /** Called before each provider request: a test pauses one there. */
  let beforeRequest: (request: string) => Promise<void> = async () => {};
  /** Called when a caller finds an account's lock held. */
  let onAccountBusy: () => void = () => {};

  const service = (extra: Partial<AuthServiceOptions> = {}, store: StateStore = db.store): ServiceHarness => {
    const send = createTestSend(() => provider.url);
    return buildService(
      store,
      redis,
      { GENERIC: specFor("GENERIC", provider.url, registeringAuth) },
      { GENERIC: { enabled: true, ...CLIENT } },
      () => provider.url,
      {
        send: async (request: RequestSpec, credentials, context) => {
          await beforeRequest(`${request.method ?? "GET"} ${request.path}`);
          return send(request, credentials, context);
        },
        ...extra,
      },
    );
  };
  const connect = async (h: ServiceHarness, account: string, referenceId: string) => {
    provider.account = { userId: account };
    const start = await h.service.beginAuthorization({ provider: "GENERIC", referenceId });
    return h.service.completeAuthorization({ provider: "GENERIC", query: await consent(start.url) });
  };

  beforeAll(async () => {
    db = await openTestStore("pglite");
    redis = new Redis(REDIS_URL);
    // Sees a lock taken in vain (SET NX answered nothing) on an account key: someone waits for the account.
    const set = redis.set.bind(redis) as (...args: unknown[]) => Promise<unknown>;
    (redis as unknown as { set: (...args: unknown[]) => Promise<unknown> }).set = async (...args) => {
      const answer = await set(...args);
      if (answer === null && String(args[0]).includes(":auth:account:")) onAccountBusy();
      return answer;
    };
    provider = await startOAuthTestServer({ ...CLIENT, clientAuth: "basic" });
  });

  afterAll(async () => {
    await provider?.close();
    redis?.disconnect();
    await db?.close();
  });

  /**
   * Pauses the first side at `pauseAt` until the second side is seen waiting for the account's lock — or,
   * were there no lock, reaching `otherAt` at the provider — and resolves once the first side is paused.
   */
  const pauseUntilTheOtherWaits = (pauseAt: string, otherAt: string): Promise<void> => {
    const paused = signal();
    const otherWaits = signal();
    beforeRequest = async (request) => {
      if (request === pauseAt) {
        paused.resolve();
        await otherWaits.promise;
      } else if (request === otherAt) otherWaits.resolve();
    };
    onAccountBusy = () => otherWaits.resolve();
    return paused.promise;
  };

  it("a connect made while the last connection deregisters waits for it, then registers the account anew", async () => {
    const h = service();
    const first = connected(await connect(h, "race-1", "app-user-1")).connection.user_id;
    await db.store.deactivate(first);
    const deregistering = pauseUntilTheOtherWaits(DEREGISTER, REGISTER);
    const revoking = h.service.revoke(first);
    await deregistering;
    const second = connect(h, "race-1", "app-user-2");

    expect((await revoking).requests.map((r) => r.request)).toEqual([DEREGISTER]);
    expect(await second).toMatchObject({ ok: true });
    expect(provider.registeredUsers.has("race-1")).toBe(true);
  });

  it("the last connection's disconnect made while a connect registers waits, then counts the new connection and deregisters nothing", async () => {
    const h = service();
    const first = connected(await connect(h, "race-2", "app-user-1")).connection.user_id;
    await db.store.deactivate(first);
    const registering = pauseUntilTheOtherWaits(REGISTER, DEREGISTER);
    const second = connect(h, "race-2", "app-user-2");
    await registering;
    const revoking = h.service.revoke(first);

    expect(await second).toMatchObject({ ok: true });
    expect(await revoking).toMatchObject({ requests: [], stillConnected: 1 });
    expect(provider.registeredUsers.has("race-2")).toBe(true);
  });

  it("gives up after a bounded wait with ERR_AUTH_ACCOUNT_BUSY, registering nothing, while another holder keeps the account", async () => {
    const h = service({ accountLockWaitMs: 100 });
    beforeRequest = async () => {};
    onAccountBusy = () => {};
    // One key per account, hash-tagged for Redis Cluster.
    const key = `${h.keyPrefix}:auth:account:{GENERIC:race-3}`;
    await redis.set(key, "another-holder", "PX", 60_000);
    try {
      const outcome = await connect(h, "race-3", "app-user-1");
      expect(outcome).toMatchObject({ ok: false, reason: "temporarily_unavailable", error: { code: "ERR_AUTH_ACCOUNT_BUSY" } });
      expect(provider.registeredUsers.has("race-3")).toBe(false);
    } finally {
      await redis.del(key);
    }
    expect((await connect(h, "race-3", "app-user-1")).ok).toBe(true);
    expect(await redis.exists(key)).toBe(0);
  });

  it("a disconnect whose account lock was lost (its process stalled) before deregistering asks nothing of the provider, and drops the tokens", async () => {
    beforeRequest = async () => {};
    onAccountBusy = () => {};
    let lockToLose: string | undefined;
    // Reading the tokens, just before the provider requests, the disconnect finds its lock expired.
    const stalling = new Proxy(db.store, {
      get(target, name) {
        if (name === "getTokens" && lockToLose !== undefined) {
          const key = lockToLose;
          return async (userId: string) => {
            await redis.del(key);
            return target.getTokens(userId);
          };
        }
        const value = Reflect.get(target, name, target) as unknown;
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const h = service({}, stalling);
    const first = connected(await connect(h, "race-4", "app-user-1")).connection.user_id;
    await db.store.deactivate(first);
    lockToLose = `${h.keyPrefix}:auth:account:{GENERIC:race-4}`;
    try {
      await expect(h.service.revoke(first)).rejects.toMatchObject({ code: "ERR_LOCK_LOST", errorClass: "transient" });
    } finally {
      lockToLose = undefined;
    }
    expect(provider.registeredUsers.has("race-4")).toBe(true);
    expect(await db.store.getTokens(first)).toBeUndefined();
    expect(h.logLines.filter((line) => line.includes("a lock was lost while its holder worked") && line.includes('"lock":"account"'))).toHaveLength(1);
  });
});
