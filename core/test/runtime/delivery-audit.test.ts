import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryStateStore } from "@tributary/test-kit";
import type { StateStore } from "../../src/state/index.ts";
import { recordDeliveryOutcome } from "../../src/runtime/delivery-audit.ts";

describe("recording delivery outcomes in batches", () => {
  let store: StateStore;
  beforeAll(async () => {
    store = await memoryStateStore();
  });
  afterAll(() => store.db.close());

  it("writes outcomes of the same turn together, and a bad row fails alone", async () => {
    const good = Array.from({ length: 5 }, () => ({
      traceId: randomUUID(),
      destination: "app",
      eventType: "sleep",
      userId: randomUUID(),
      status: "delivered" as const,
      attempts: 1,
    }));
    const bad = { ...good[0]!, traceId: randomUUID(), userId: "not-a-uuid" };
    const results = await Promise.allSettled([...good, bad].map((input) => recordDeliveryOutcome(store, input)));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "fulfilled", "fulfilled", "rejected"]);
    for (const input of good) expect(await store.listDeliveries({ traceId: input.traceId })).toHaveLength(1);
    expect(await store.listDeliveries({ traceId: bad.traceId })).toHaveLength(0);
  });
});
