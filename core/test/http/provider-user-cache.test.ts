import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProviderUserCache } from "../../src/http/provider-user-cache.ts";
import type { StateStore } from "../../src/state/index.ts";
import { memoryStore } from "./test-app.ts";

describe("provider user cache", () => {
  let store: StateStore;
  beforeAll(async () => {
    store = await memoryStore();
  });
  afterAll(async () => {
    await store?.db.close();
  });

  /** The real store, counting the lookups that reach it (and failing the next one when told to). */
  const counting = () => {
    const counter = { calls: 0, failNext: false };
    const lookups = {
      findByProviderUserId: async (provider: string, providerUserId: string) => {
        counter.calls++;
        if (counter.failNext) {
          counter.failNext = false;
          throw new Error("database unavailable");
        }
        return store.findByProviderUserId(provider, providerUserId);
      },
    };
    return { counter, lookups };
  };
  const account = async () => {
    const providerUserId = `acct-${randomUUID()}`;
    const { user_id } = await store.createConnection({ provider: "TESTPUSH", providerUserId });
    return { providerUserId, userId: user_id };
  };

  it("answers repeated and concurrent lookups of one account with one query", async () => {
    const { counter, lookups } = counting();
    const cache = createProviderUserCache(lookups);
    const { providerUserId, userId } = await account();
    const results = await Promise.all([cache.resolve("TESTPUSH", providerUserId), cache.resolve("TESTPUSH", providerUserId)]);
    expect(await cache.resolve("TESTPUSH", providerUserId)).toBe(userId);
    expect(results).toEqual([userId, userId]);
    expect(counter.calls).toBe(1);
  });

  it("finds an account that connected after a miss once the miss has expired", async () => {
    const { counter, lookups } = counting();
    const cache = createProviderUserCache(lookups, { missTtlMs: 0 });
    const providerUserId = `later-${randomUUID()}`;
    expect(await cache.resolve("TESTPUSH", providerUserId)).toBeUndefined();
    const { user_id } = await store.createConnection({ provider: "TESTPUSH", providerUserId });
    expect(await cache.resolve("TESTPUSH", providerUserId)).toBe(user_id);
    expect(counter.calls).toBe(2);
  });

  it("does not remember a failed lookup, and drops the oldest entries beyond its size", async () => {
    const { counter, lookups } = counting();
    const cache = createProviderUserCache(lookups, { maxEntries: 2 });
    const [a, b, c] = [await account(), await account(), await account()];
    counter.failNext = true;
    await expect(cache.resolve("TESTPUSH", a.providerUserId)).rejects.toThrow("database unavailable");
    expect(await cache.resolve("TESTPUSH", a.providerUserId)).toBe(a.userId);
    await cache.resolve("TESTPUSH", b.providerUserId);
    await cache.resolve("TESTPUSH", c.providerUserId);
    expect(counter.calls).toBe(4);
    await cache.resolve("TESTPUSH", a.providerUserId);
    expect(counter.calls).toBe(5);
  });

  it("looks a busy account up again in the background before it expires, answering from memory meanwhile", async () => {
    const { counter, lookups } = counting();
    const cache = createProviderUserCache(lookups, { ttlMs: 60_000, refreshAfterMs: 30 });
    const { providerUserId, userId } = await account();
    expect(await cache.resolve("TESTPUSH", providerUserId)).toBe(userId);
    await new Promise((resolve) => setTimeout(resolve, 40));
    // Due for a refresh: answered from memory (no wait on the store), one background lookup started.
    await store.deactivate(userId);
    const stale = cache.resolve("TESTPUSH", providerUserId);
    expect(cache.resolve("TESTPUSH", providerUserId)).toBe(stale);
    expect(await stale).toBe(userId);
    expect(counter.calls).toBe(2);
    // Once the refresh is in, its answer (the account is no longer active) replaces the old one.
    for (let i = 0; i < 500 && (await cache.resolve("TESTPUSH", providerUserId)) !== undefined; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await cache.resolve("TESTPUSH", providerUserId)).toBeUndefined();
    expect(counter.calls).toBe(2);
  });
});
