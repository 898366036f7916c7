import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { StateStore } from "../../../src/state/index.ts";
import { type SuiteContext, unique } from "./context.ts";

export function deliveryTests(ctx: SuiteContext): void {
  describe("deliveries", () => {
    let store: StateStore;
    beforeAll(() => {
      ({ store } = ctx);
    });

    it("records many outcomes in one statement, with the same rules, even when a batch names a row twice", async () => {
      const a = unique("trace");
      const b = unique("trace");
      const base = { destination: "webhook", eventType: "daily", userId: randomUUID(), attempts: 1 };
      await store.recordDeliveries([
        { ...base, traceId: a, status: "delivered" },
        { ...base, traceId: b, status: "failed", error: "HTTP 503" },
        { ...base, traceId: a, status: "failed", attempts: 2, error: "late duplicate" },
      ]);
      await store.recordDeliveries([{ ...base, traceId: b, status: "delivered", attempts: 2 }]);
      await store.recordDeliveries([]);
      const [first] = await store.listDeliveries({ traceId: a });
      const [second] = await store.listDeliveries({ traceId: b });
      expect(first).toMatchObject({ status: "delivered", attempts: 1, error: null });
      expect(second).toMatchObject({ status: "delivered", attempts: 2 });
      await expect(store.recordDeliveries([{ ...base, traceId: a, status: "delivered", userId: "not-a-uuid" }])).rejects.toMatchObject({
        code: "ERR_STATE_INVALID_ARGUMENT",
      });
    });

    it("records idempotently per trace id and destination", async () => {
      const traceId = unique("trace");
      const userId = randomUUID();
      const input = {
        traceId,
        destination: "webhook",
        eventType: "activity",
        userId,
        reference: "ref-1",
        status: "failed" as const,
        attempts: 1,
        error: "HTTP 503",
      };
      const first = await store.recordDelivery(input);
      const again = await store.recordDelivery(input);
      expect(again.id).toBe(first.id);
      expect(await store.listDeliveries({ traceId })).toHaveLength(1);

      const delivered = await store.recordDelivery({ ...input, status: "delivered", attempts: 2, error: null });
      expect(delivered).toMatchObject({ id: first.id, status: "delivered", attempts: 2, error: null, user_id: userId });
      expect(delivered.delivered_at).not.toBeNull();

      // A duplicate run of an already delivered job must not turn the record back into a failure.
      const duplicate = await store.recordDelivery({ ...input, status: "failed", attempts: 1 });
      expect(duplicate).toMatchObject({ status: "delivered", attempts: 2, delivered_at: delivered.delivered_at });

      await store.recordDelivery({ ...input, destination: "s3", status: "dead", attempts: 8 });
      expect(await store.listDeliveries({ traceId })).toHaveLength(2);
      expect((await store.listDeliveries({ traceId, status: "dead" })).map((d) => d.destination)).toEqual(["s3"]);
      expect(await store.listDeliveries({ traceId, destination: "s3", limit: 1 })).toHaveLength(1);
    });

    it("pruning deletes finished rows and earlier versions' failed rows made and last changed before the given time, oldest first, one batch per call", async () => {
      const base = { destination: unique("dest"), eventType: "daily", userId: randomUUID(), attempts: 1 };
      const traces = {
        delivered: unique("trace"),
        dead: unique("trace"),
        withheld: unique("trace"),
        superseded: unique("trace"),
        legacyFailed: unique("trace"),
        recentlyFailed: unique("trace"),
        recent: unique("trace"),
        replayed: unique("trace"),
      };
      await store.recordDeliveries([
        { ...base, traceId: traces.delivered, status: "delivered" },
        { ...base, traceId: traces.dead, status: "dead" },
        { ...base, traceId: traces.withheld, status: "withheld" },
        { ...base, traceId: traces.superseded, status: "superseded" },
        // What earlier versions wrote for a failed attempt (a retry wrote the row again).
        { ...base, traceId: traces.legacyFailed, status: "failed" },
        { ...base, traceId: traces.recentlyFailed, status: "failed" },
        { ...base, traceId: traces.recent, status: "delivered" },
        { ...base, traceId: traces.replayed, status: "dead" },
      ]);
      // Made 50 days ago, in this order (a day apart), and unchanged since — but for the recent row, and for
      // the dead letter replayed today (made long ago, changed now) and the failed row rewritten today.
      const aged = [traces.delivered, traces.dead, traces.withheld, traces.superseded, traces.legacyFailed, traces.replayed, traces.recentlyFailed];
      for (const [i, traceId] of aged.entries()) {
        await ctx.db.query(
          `UPDATE deliveries SET created_at = now() - make_interval(days => ${50 - i}), updated_at = now() - make_interval(days => ${50 - i}) WHERE trace_id = $1`,
          [traceId],
        );
      }
      await store.recordDelivery({ ...base, traceId: traces.replayed, status: "delivered", attempts: 2 });
      await store.recordDelivery({ ...base, traceId: traces.recentlyFailed, status: "failed", attempts: 2 });
      const left = async () => (await store.listDeliveries({ destination: base.destination })).map((row) => row.trace_id).sort();

      const before = new Date(Date.now() - 40 * 86_400_000);
      expect(await store.pruneDeliveries({ before, limit: 2 })).toBe(2);
      // The two oldest went first.
      expect(await left()).toEqual([traces.withheld, traces.superseded, traces.legacyFailed, traces.recent, traces.replayed, traces.recentlyFailed].sort());
      expect(await store.pruneDeliveries({ before, limit: 2 })).toBe(2);
      expect(await store.pruneDeliveries({ before, limit: 2 })).toBe(1);
      expect(await store.pruneDeliveries({ before, limit: 2 })).toBe(0);
      // Rows made recently and rows changed recently stay, a failed one too.
      expect(await left()).toEqual([traces.recent, traces.replayed, traces.recentlyFailed].sort());
      await expect(store.pruneDeliveries({ before, limit: 0 })).rejects.toMatchObject({ code: "ERR_STATE_INVALID_ARGUMENT" });
    });

    it("validates its input", async () => {
      await expect(store.recordDelivery({ traceId: "t", destination: "d", eventType: "e", status: "lost" as never, attempts: 1 })).rejects.toMatchObject({
        code: "ERR_STATE_INVALID_ARGUMENT",
      });
    });
  });
}
