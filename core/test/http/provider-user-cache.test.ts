import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
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
    const counter = { calls: 0, ids: 0, failNext: false };
    const lookups = {
      findByProviderUserIds: async (provider: string, providerUserIds: readonly string[]) => {
        counter.calls++;
        counter.ids += providerUserIds.length;
        if (counter.failNext) {
          counter.failNext = false;
          throw new Error("database unavailable");
        }
        return store.findByProviderUserIds(provider, providerUserIds);
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
    expect(await cache.resolve("TESTPUSH", providerUserId)).toEqual([userId]);
    expect(results).toEqual([[userId], [userId]]);
    expect(counter.calls).toBe(1);
  });

  it("answers every connection of an account connected for several developers or reference_ids", async () => {
    const cache = createProviderUserCache(store);
    const providerUserId = `shared-${randomUUID()}`;
    const first = await store.createConnection({ provider: "TESTPUSH", providerUserId, developerId: "dev-a", referenceId: "ref-1" });
    const second = await store.createConnection({ provider: "TESTPUSH", providerUserId, developerId: "dev-b", referenceId: "ref-1" });
    expect(await cache.resolve("TESTPUSH", providerUserId)).toEqual([first.user_id, second.user_id]);
  });

  it("finds an account that connected after a miss once the miss has expired", async () => {
    const { counter, lookups } = counting();
    const cache = createProviderUserCache(lookups, { missTtlMs: 0 });
    const providerUserId = `later-${randomUUID()}`;
    expect(await cache.resolve("TESTPUSH", providerUserId)).toEqual([]);
    const { user_id } = await store.createConnection({ provider: "TESTPUSH", providerUserId });
    expect(await cache.resolve("TESTPUSH", providerUserId)).toEqual([user_id]);
    expect(counter.calls).toBe(2);
  });

  it("does not remember a failed lookup, and drops the oldest entries beyond its size", async () => {
    const { counter, lookups } = counting();
    const cache = createProviderUserCache(lookups, { maxEntries: 2 });
    const [a, b, c] = [await account(), await account(), await account()];
    counter.failNext = true;
    await expect(cache.resolve("TESTPUSH", a.providerUserId)).rejects.toThrow("database unavailable");
    expect(await cache.resolve("TESTPUSH", a.providerUserId)).toEqual([a.userId]);
    await cache.resolve("TESTPUSH", b.providerUserId);
    await cache.resolve("TESTPUSH", c.providerUserId);
    expect(counter.calls).toBe(4);
    await cache.resolve("TESTPUSH", a.providerUserId);
    expect(counter.calls).toBe(5);
  });

  it("looks a busy account up again in the background before it expires, answering from memory meanwhile", async () => {
    const { counter, lookups } = counting();
    const { providerUserId, userId } = await account();
    // The cache's clock is the test's: the entry comes due exactly when told, and stays fresh after its
    // refresh however slowly the machine runs (timers stay real).
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const cache = createProviderUserCache(lookups, { ttlMs: 60_000, refreshAfterMs: 30 });
      expect(await cache.resolve("TESTPUSH", providerUserId)).toEqual([userId]);
      vi.setSystemTime(Date.now() + 40);
      // Due for a refresh: answered from memory (no wait on the store), one background lookup started.
      await store.deactivate(userId);
      expect(await Promise.all([cache.resolve("TESTPUSH", providerUserId), cache.resolve("TESTPUSH", providerUserId)])).toEqual([[userId], [userId]]);
      // The refresh query leaves with the lookups of the next event-loop turn.
      await new Promise((resolve) => setImmediate(resolve));
      expect(counter.calls).toBe(2);
      // Once the refresh is in, its answer (the account is no longer active) replaces the old one.
      // (Polled by count, not with `until`: its deadline reads the faked clock.)
      for (let i = 0; i < 2000 && (await cache.resolve("TESTPUSH", providerUserId)).length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await cache.resolve("TESTPUSH", providerUserId)).toEqual([]);
      expect(counter.calls).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it("looks up every account asked for in one event-loop turn with one query, each distinct account once", async () => {
    const { counter, lookups } = counting();
    const cache = createProviderUserCache(lookups);
    const known = await Promise.all([account(), account()]);
    const unknown = Array.from({ length: 500 }, () => `nobody-${randomUUID()}`);
    const asked = [...known.map((k) => k.providerUserId), ...unknown, ...unknown.slice(0, 100), known[0]!.providerUserId];
    const answers = await Promise.all(asked.map((id) => cache.resolve("TESTPUSH", id)));
    expect(counter.calls).toBe(1);
    expect(counter.ids).toBe(502);
    expect(answers.slice(0, 2)).toEqual(known.map((k) => [k.userId]));
    expect(answers.filter((answer) => answer.length > 0)).toHaveLength(3);
  });

  it("keeps unknown accounts apart: a flood of them does not push the known ones out", async () => {
    const { counter, lookups } = counting();
    const cache = createProviderUserCache(lookups, { maxEntries: 2, maxMisses: 10 });
    const known = await account();
    expect(await cache.resolve("TESTPUSH", known.providerUserId)).toEqual([known.userId]);
    await Promise.all(Array.from({ length: 50 }, () => cache.resolve("TESTPUSH", `flood-${randomUUID()}`)));
    const before = counter.calls;
    expect(await cache.resolve("TESTPUSH", known.providerUserId)).toEqual([known.userId]);
    expect(counter.calls).toBe(before);
  });

  it("finds an account whose provider id holds a NUL character nowhere, without a database error", async () => {
    const cache = createProviderUserCache(store);
    expect(await cache.resolve("TESTPUSH", "evil\u0000id")).toEqual([]);
  });
});
