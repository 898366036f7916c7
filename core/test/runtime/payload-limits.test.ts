import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PAYLOAD_VERSION } from "@tributary/schemas";
import type { Delivery, Destination } from "@tributary/core/contracts";
import { dataPayloads, emitPayload, waitForIdle, type TerraUserObject } from "@tributary/core/runtime";
import { startTestRuntime, type RuntimeHarness } from "@tributary/test-kit";

const user: TerraUserObject = {
  user_id: "5b1e3c7a-8f0d-4c2e-9a6b-1d2e3f4a5b6c",
  provider: "SANDBOX",
  reference_id: "ref-ü",
  scopes: null,
  active: true,
  created_at: "2026-01-01T00:00:00.000Z",
  last_webhook_update: null,
};

/** Records of roughly `bytes` bytes of JSON each. */
const records = (n: number, bytes = 100) =>
  Array.from({ length: n }, (_, i) => ({ metadata: { summary_id: `s-${i}`, start_time: "2026-01-01T00:00:00Z" }, note: "x".repeat(bytes) }));

describe("data payloads stay under the configured records and bytes", () => {
  it("one payload, serialized once, when everything fits", () => {
    const [only, ...rest] = dataPayloads("activity", user, records(5), { maxRecords: 10, maxBytes: 1 << 20 });
    expect(rest).toEqual([]);
    expect(only!.body).toBe(JSON.stringify(only!.payload));
    expect(only!.payload).toEqual({ type: "activity", user, data: records(5), version: PAYLOAD_VERSION });
  });

  it("splits by count and by bytes, keeping every record once and in order, in the same JSON as one object would be", () => {
    for (const [n, maxRecords, maxBytes, size] of [
      [25, 10, 1 << 20, 50],
      [40, 100, 4096, 300],
      [7, 3, 1500, 400],
      [30, 7, 2000, 10],
    ] as const) {
      const input = records(n, size);
      const payloads = dataPayloads("sleep", user, input, { maxRecords, maxBytes });
      expect(payloads.flatMap((p) => p.payload.data as unknown[])).toEqual(input);
      for (const { payload, body } of payloads) {
        expect(body).toBe(JSON.stringify(payload));
        const count = (payload.data as unknown[]).length;
        expect(count).toBeGreaterThan(0);
        expect(count).toBeLessThanOrEqual(maxRecords);
        expect(Buffer.byteLength(body)).toBeLessThanOrEqual(maxBytes);
      }
      // Greedy: no two neighbours would have fitted in one.
      for (let i = 1; i < payloads.length; i++) {
        const merged = [...(payloads[i - 1]!.payload.data as unknown[]), (payloads[i]!.payload.data as unknown[])[0]];
        const fits =
          merged.length <= maxRecords && Buffer.byteLength(JSON.stringify({ type: "sleep", user, data: merged, version: PAYLOAD_VERSION })) <= maxBytes;
        expect(fits).toBe(false);
      }
    }
  });

  it("a record larger than the byte limit goes alone", () => {
    const input = [...records(2, 10), ...records(1, 5000), ...records(2, 10)];
    const payloads = dataPayloads("activity", user, input, { maxRecords: 100, maxBytes: 2048 });
    expect(payloads.map((p) => (p.payload.data as unknown[]).length)).toEqual([2, 1, 2]);
  });

  it("athlete payloads carry one profile each; an empty answer is one empty payload", () => {
    expect(dataPayloads("athlete", user, [{ first_name: "A" }, { first_name: "B" }], { maxRecords: 1, maxBytes: 10 }).map((p) => p.payload.athlete)).toEqual([
      { first_name: "A" },
      { first_name: "B" },
    ]);
    expect(dataPayloads("daily", user, [], { maxRecords: 10, maxBytes: 1024 }).map((p) => p.payload.data)).toEqual([[]]);
  });
});

describe("a destination's delivery rate", () => {
  let harness: RuntimeHarness;
  const started: number[] = [];
  const limited: Destination = {
    name: "limited",
    type: "memory",
    write: async (_batch: readonly Delivery[]) => void started.push(Date.now()),
    delete: async () => undefined,
    check: async () => undefined,
    close: async () => undefined,
  };

  beforeAll(async () => {
    harness = await startTestRuntime({ destinations: { limited: { destination: limited, rateLimit: { max: 2, perSeconds: 1 } } } });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it("never exceeds its limit, however many payloads are waiting", async () => {
    const { ctx } = harness.runtime;
    for (let i = 0; i < 7; i++) {
      await emitPayload(
        ctx,
        { type: "healthcheck", status: "success", creation_timestamp: new Date().toISOString() },
        { traceId: `rate-${i}-${Date.now()}`, developer: null },
      );
    }
    await waitForIdle(ctx.queues, { timeoutMs: 30_000 });
    expect(started).toHaveLength(7);
    // At most two jobs taken in any second: the third after a pair a second after the first of it. Timed where
    // the limiter decides (a job's processedOn is stamped by the script that takes it), not at the write,
    // which a loaded machine can delay by any amount; the margin is for the stamp being taken just before
    // the script runs. Without the limit all seven are taken within tens of ms.
    const taken = (await ctx.queues.deliverTo("limited").getJobs(["completed"])).map((job) => job.processedOn!).sort((a, b) => a - b);
    expect(taken).toHaveLength(7);
    for (let i = 2; i < taken.length; i++) expect(taken[i]! - taken[i - 2]!).toBeGreaterThanOrEqual(600);
    expect(taken.at(-1)! - taken[0]!).toBeGreaterThanOrEqual(2_600);
  });
});
