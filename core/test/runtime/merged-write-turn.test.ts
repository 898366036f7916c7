import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Delivery, Destination } from "@tributary/core/contracts";
import { startTestRuntime, type RuntimeHarness } from "@tributary/test-kit";
import { until } from "../../../test/kit/until.ts";
import { emitPayload } from "../../src/runtime/emit-payload.ts";
import { claimPublication } from "../../src/runtime/merged-record-versions.ts";
import { waitForIdle } from "../../src/runtime/wait-for-idle.ts";

const WRITE_TIMEOUT_MS = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A destination whose writes of version 1 of a record take `slowMs` (longer than the write timeout), the
 * rest none; `landed` is the order writes completed in — what a last-writer-wins destination keeps. An
 * abortable one stops a slow write when its signal is aborted (it lands nothing); the other ignores it.
 */
function slowDestination(abortable: boolean) {
  const name = abortable ? "abortable" : "stubborn";
  const state = { slowMs: 0, started: [] as string[], landed: [] as string[], running: 0 };
  const versionOf = (delivery: Delivery) => delivery.traceId.split("@")[1]!;
  const destination: Destination = {
    name,
    type: "memory",
    async write(batch, options) {
      state.running++;
      try {
        for (const delivery of batch) {
          state.started.push(delivery.traceId);
          if (versionOf(delivery) === "1") {
            const waited = sleep(state.slowMs);
            const signal = options?.signal;
            if (abortable && signal) {
              await Promise.race([waited, new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }))]);
            } else await waited;
          }
          state.landed.push(delivery.traceId);
        }
      } finally {
        state.running--;
      }
    },
    delete: async () => undefined,
    check: async () => undefined,
    close: async () => undefined,
  };
  return { destination, state };
}

/**
 * A delivery of a merged record whose destination write outlives the write timeout: the job gives up on
 * it (and is retried), while a newer version of the record is published and delivered meanwhile. The
 * abandoned write may still land: it must never land after the newer one, whatever the timings — at a
 * destination that cannot stop a write, and at one that stops it when its signal is aborted.
 */
describe("an abandoned write of an older merged record version", () => {
  let harness: RuntimeHarness;
  const stubborn = slowDestination(false);
  const abortable = slowDestination(true);

  beforeAll(async () => {
    harness = await startTestRuntime({
      destinations: {
        stubborn: { destination: stubborn.destination, writeTimeoutMs: WRITE_TIMEOUT_MS },
        abortable: { destination: abortable.destination, writeTimeoutMs: WRITE_TIMEOUT_MS },
      },
      policy: { attempts: 20, backoffSeconds: 1, maxBackoffSeconds: 1 },
    });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it("never lands after the newer version, for write durations just past the timeout up to many times it", async () => {
    const { ctx } = harness.runtime;
    const { user_id: userId } = await harness.store.createConnection({ provider: "SLOWDAY", providerUserId: `slow-${randomUUID()}` });
    const user = { user_id: userId, provider: "SLOWDAY", reference_id: null, scopes: null, active: true, last_webhook_update: null };
    const both = [stubborn, abortable];
    for (const [i, slowMs] of [250, 400, 600, 800, 1_200, 2_000].entries()) {
      for (const slow of both) slow.state.slowMs = slowMs;
      const key = `2026-04-${String(i + 1).padStart(2, "0")}`;
      const ofKey = (slow: (typeof both)[number]) => slow.state.landed.filter((t) => t.startsWith(key)).map((t) => t.split("@")[1]);
      const emit = async (version: number) => {
        const merged = { dataType: "daily", key, version };
        const orderingTimestamp = await claimPublication(ctx, userId, merged);
        const record = { metadata: { start_time: `${key}T00:00:00.000000+00:00`, end_time: `${key}T23:59:59.000000+00:00`, upload_type: 1 } };
        const payload = { type: "daily", user, data: [record], version: "2022-03-16" };
        await emitPayload(ctx, payload, { traceId: `${key}-${randomUUID()}@${version}`, developer: null, merged, orderingTimestamp });
      };
      await emit(1);
      await until("the slow writes of version 1", async () => (both.every((slow) => slow.state.started.some((t) => t.startsWith(key))) ? true : undefined));
      await emit(2);
      await until("version 2 landed", async () => (both.every((slow) => ofKey(slow).includes("2")) ? true : undefined));
      await waitForIdle(ctx.queues, { timeoutMs: 30_000 });
      // Every abandoned write has settled (landed or stopped) before the order is judged.
      await until("no write running", async () => (both.every((slow) => slow.state.running === 0) ? true : undefined));
      for (const slow of both) {
        const landed = ofKey(slow);
        const what = `${slow.destination.name}, a write of ${slowMs} ms: landed ${landed.join(", ")}`;
        expect.soft(landed.at(-1), what).toBe("2");
        expect.soft(landed.lastIndexOf("1") < landed.indexOf("2"), what).toBe(true);
      }
      // Stopped when given up on: the older version does not land at all.
      expect.soft(ofKey(abortable), `a write of ${slowMs} ms`).toEqual(["2"]);
    }
  }, 120_000);
});
