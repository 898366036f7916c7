import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineConnector } from "@tributary/core/contracts";
import { createPluginRegistry } from "@tributary/core/registry";
import { waitForIdle } from "@tributary/core/runtime";
import { requestData } from "@tributary/core/services";
import { until } from "../../../test/kit/until.ts";
import { dayPart, daysInPartsSpec } from "./days-in-parts.ts";
import { receivedFor, startPipeline, type Pipeline } from "./pipeline.ts";

const DAY = "2026-03-10";
/**
 * A large request's read is held after its first slice (the day's first 25 parts) until the test lets it
 * go; a short request meanwhile brings the day's 26th part, a newer version of the same merged day.
 */
function partsConnector(gate: Promise<void>) {
  return defineConnector({
    spec: daysInPartsSpec("PARTS"),
    hooks: {
      read: {
        epochs: async function* ({ window }) {
          if (window.end.getTime() - window.start.getTime() > 28 * 86_400_000) {
            for (let i = 0; i < 25; i++) yield dayPart(DAY, i, 1);
            await gate;
          } else yield dayPart(DAY, 25, 9);
        },
      },
    },
  });
}

/**
 * An on-demand request long enough to be chunked (start_date/end_date past `largeRequestDays`) whose window
 * holds a merged record (a day in parts) publishes that record like every other path: at its version, in
 * version order — never an older version of the day after a newer one a shorter request (or a push)
 * delivered meanwhile, which a destination upserting by the natural key would keep.
 */
describe("a large on-demand request and a merged record changed while it runs", () => {
  let pipeline: Pipeline;
  let release!: () => void;

  beforeAll(async () => {
    const gate = new Promise<void>((resolve) => (release = resolve));
    pipeline = await startPipeline({ registry: createPluginRegistry([partsConnector(gate)]) });
  });
  afterAll(async () => {
    release?.();
    await pipeline?.close();
  });

  const samplesOf = (payload: Record<string, unknown>) => (payload.data as Array<{ MET_data: { MET_samples: unknown[] } }>)[0]!.MET_data.MET_samples.length;

  it("the last day delivered holds every part; the announcement counts the payloads sent under its reference", async () => {
    const { user_id: userId } = await pipeline.ctx.store.createConnection({ provider: "PARTS", providerUserId: "parts-1" });
    const large = await requestData(pipeline.ctx, { userId, dataType: "daily", start: "2026-03-01", end: "2026-04-09" });
    expect(large.large).toBe(true);
    // The large read has the day's first 25 parts when the short request brings the 26th.
    await until("the large request's parts", async () => ((await pipeline.ctx.store.readRecordParts(userId, "daily", DAY)) ? true : undefined));
    const short = await requestData(pipeline.ctx, { userId, dataType: "daily", start: DAY, end: "2026-03-11" });
    const newer = await until("the day with its 26th part", async () =>
      receivedFor(pipeline.receiver, userId, "daily").find((entry) => entry.reference === short.reference && samplesOf(entry.payload) === 26),
    );
    expect(newer.issues).toEqual([]);
    release();
    await waitForIdle(pipeline.ctx.queues, { timeoutMs: 60_000 });

    const days = receivedFor(pipeline.receiver, userId, "daily");
    // In the order the receiver got them (what a last-writer-wins upsert keeps): never fewer parts after more.
    const parts = days.map((entry) => samplesOf(entry.payload));
    expect(
      parts.every((n, i) => i === 0 || n >= parts[i - 1]!),
      String(parts),
    ).toBe(true);
    expect(parts.at(-1)).toBe(26);
    // The request's answer is whole: its announcement counts what came under its reference.
    const sending = receivedFor(pipeline.receiver, userId, "large_request_sending");
    expect(sending).toHaveLength(1);
    const chunks = days.filter((entry) => entry.reference === large.reference);
    expect(chunks.length).toBeGreaterThan(0);
    expect(sending[0]!.payload).toMatchObject({ reference: large.reference, expected_payloads: chunks.length });
    for (const entry of receivedFor(pipeline.receiver, userId)) expect(entry.issues, entry.payload.type).toEqual([]);
  }, 120_000);
});
