import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sandbox, { sandboxTerraRecords } from "@tributary/connector-sandbox";
import { recordKey } from "@tributary/core/contracts";
import type { PullJobData } from "@tributary/core/queue";
import { waitForIdle } from "@tributary/core/runtime";
import { requestData } from "@tributary/core/services";
import { DEFAULT_DELIVERY_POLICY } from "../../src/runtime/delivery-policy.ts";

const MAX_PAYLOAD_BYTES = DEFAULT_DELIVERY_POLICY.maxPayloadBytes;
import { clampPullWindow, DEFAULT_MAX_HISTORY_DAYS, MAX_FUTURE_DAYS } from "../../src/runtime/pull-window.ts";
import { naturalKeys, receivedFor, startPipeline, DAY_MS, type Pipeline } from "./pipeline.ts";

describe("pull windows", () => {
  const now = Date.parse("2026-06-01T00:00:00Z");

  it("are cut to the provider's history and a week ahead, whatever asked for them", () => {
    const wide = clampPullWindow({ start: new Date(0), end: new Date("2999-12-31T00:00:00Z") }, { maxHistoryDays: 30 }, now);
    expect(wide).toEqual({ start: new Date(now - 30 * DAY_MS), end: new Date(now + MAX_FUTURE_DAYS * DAY_MS), clamped: true });
    expect(clampPullWindow({ start: new Date(0), end: new Date(now) }, {}, now).start).toEqual(new Date(now - DEFAULT_MAX_HISTORY_DAYS * DAY_MS));
    const inside = { start: new Date(now - DAY_MS), end: new Date(now) };
    expect(clampPullWindow(inside, { maxHistoryDays: 30 }, now)).toEqual({ ...inside, clamped: false });
  });

  it("entirely outside, or not dates at all, come back empty", () => {
    const past = clampPullWindow({ start: new Date(0), end: new Date(1000) }, { maxHistoryDays: 30 }, now);
    expect(past.end.getTime() - past.start.getTime()).toBe(0);
    const future = clampPullWindow({ start: new Date("2990-01-01"), end: new Date("2999-01-01") }, {}, now);
    expect(future.end.getTime() - future.start.getTime()).toBe(0);
    const invalid = clampPullWindow({ start: new Date("nope"), end: new Date(now) }, {}, now);
    expect(invalid).toMatchObject({ clamped: true });
    expect(invalid.end.getTime() - invalid.start.getTime()).toBe(0);
  });
});

describe("pulls over long windows", () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await startPipeline({ providers: { SANDBOX: { backfillDays: 0 } } });
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  it("a ping naming 1970–2999 pulls the provider's history, streamed in payloads of bounded size", async () => {
    const { ctx, receiver } = pipeline;
    const userId = (await ctx.store.createConnection({ provider: "SANDBOX" })).user_id;
    const data: PullJobData = {
      userId,
      provider: "SANDBOX",
      dataType: "daily",
      start: new Date(0).toISOString(),
      end: "2999-12-31T00:00:00.000Z",
      reason: "ping",
      withSamples: true,
      traceId: randomUUID(),
    };
    await ctx.queues.pull.add("SANDBOX:daily", data);
    await waitForIdle(ctx.queues, { timeoutMs: 120_000 });

    const payloads = receivedFor(receiver, userId, "daily");
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) {
      expect(payload.issues).toEqual([]);
      expect(Buffer.byteLength(JSON.stringify(payload.payload))).toBeLessThan(MAX_PAYLOAD_BYTES + 100_000);
    }
    const keys = naturalKeys(payloads);
    expect(new Set(keys).size).toBe(keys.length);
    // Two years of dailies (the sandbox's history), nothing before, nothing from the far future.
    const history = sandbox.spec.sync!.maxHistoryDays!;
    expect(keys.length).toBeGreaterThanOrEqual(history);
    expect(keys.length).toBeLessThanOrEqual(history + MAX_FUTURE_DAYS + 2);
    const days = payloads.flatMap((p) => (p.payload.data as Array<{ metadata: { start_time: string } }>).map((d) => Date.parse(d.metadata.start_time)));
    expect(Math.min(...days)).toBeGreaterThan(Date.now() - (history + 2) * DAY_MS);
    expect(Math.max(...days)).toBeLessThan(Date.now() + (MAX_FUTURE_DAYS + 1) * DAY_MS);
  }, 180_000);

  it("a large request over years is announced with the right count before any of its chunks is enqueued", async () => {
    const { ctx, receiver } = pipeline;
    const userId = (await ctx.store.createConnection({ provider: "SANDBOX" })).user_id;
    const { reference, large } = await requestData(ctx, { userId, dataType: "body", start: "1990-01-01" });
    expect(large).toBe(true);
    await waitForIdle(ctx.queues, { timeoutMs: 120_000 });

    const received = receivedFor(receiver, userId);
    const sending = received.filter((r) => r.payload.type === "large_request_sending");
    const chunks = received.filter((r) => r.payload.type === "body");
    expect(sending).toHaveLength(1);
    expect(sending[0]!.payload.expected_payloads).toBe(chunks.length);
    expect(chunks.length).toBeGreaterThan(20);
    const end = new Date();
    const range = clampPullWindow({ start: new Date("1990-01-01T00:00:00Z"), end }, sandbox.spec.sync!);
    const expected = [...sandboxTerraRecords("body", { userId, range })].map((r) => `body/${recordKey("body", userId, r).key}`);
    // The window's end moved on a little between the request and its pull: a record at the edge may differ.
    expect(Math.abs(naturalKeys(chunks).length - expected.length)).toBeLessThanOrEqual(1);

    // Terra's order: the announcement's delivery job exists before any chunk's.
    const jobs = await ctx.queues.deliverTo("receiver").getJobs(["completed"], 0, 2000);
    const ofRequest = jobs.filter((job) => job.data.reference === reference);
    const announced = ofRequest.find((job) => job.name === "large_request_sending")!;
    const chunkJobs = ofRequest.filter((job) => job.name === "body");
    expect(chunkJobs).toHaveLength(chunks.length);
    expect(Math.min(...chunkJobs.map((job) => job.timestamp))).toBeGreaterThanOrEqual(announced.timestamp);
  }, 180_000);
});
