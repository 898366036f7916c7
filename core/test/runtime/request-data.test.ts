import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxTerraRecords } from "@tributary/connector-sandbox";
import { recordKey } from "@tributary/core/contracts";
import { waitForIdle } from "@tributary/core/runtime";
import { requestData } from "@tributary/core/services";
import { deterministicTraceId } from "../../src/runtime/trace-id.ts";
import { DAY_MS, daysAgo, naturalKeys, receivedFor, startPipeline, utcDays, type Pipeline } from "./pipeline.ts";

describe("requestData: on-demand historical pulls", () => {
  let pipeline: Pipeline;

  beforeAll(async () => {
    pipeline = await startPipeline();
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  const newUser = async () => (await pipeline.ctx.store.createConnection({ provider: "SANDBOX", referenceId: `req-${randomUUID()}` })).user_id;

  it("a 40-day request is announced, then arrives in chunks of ≤10 sharing its reference, covering the range once", async () => {
    const userId = await newUser();
    // 40 whole days, the last one named inclusively.
    const days = utcDays(daysAgo(330), 40);
    const lastDay = new Date(days.end.getTime() - DAY_MS).toISOString().slice(0, 10);
    const { reference, large } = await requestData(pipeline.ctx, { userId, dataType: "daily", start: days.start.toISOString().slice(0, 10), end: lastDay });
    expect(large).toBe(true);
    await waitForIdle(pipeline.ctx.queues, { timeoutMs: 60_000 });

    const received = receivedFor(pipeline.receiver, userId);
    for (const entry of received) expect(entry.issues, entry.payload.type).toEqual([]);
    const processing = received.filter((r) => r.payload.type === "large_request_processing");
    const sending = received.filter((r) => r.payload.type === "large_request_sending");
    const chunks = received.filter((r) => r.payload.type === "daily");
    expect(processing).toHaveLength(1);
    expect(processing[0]).toMatchObject({
      reference,
      traceId: deterministicTraceId(reference, "large_request_processing"),
      payload: { status: "processing", reference, user: { user_id: userId } },
    });
    expect(sending).toHaveLength(1);
    expect(sending[0]).toMatchObject({ reference, payload: { reference, expected_payloads: chunks.length } });

    // 40 whole days: 40 or 41 dailies (the user's local days straddle UTC), in ⌈n/10⌉ chunks.
    const expected = [...sandboxTerraRecords("daily", { userId, range: days })];
    expect(expected.length).toBeGreaterThanOrEqual(40);
    expect(chunks).toHaveLength(Math.ceil(expected.length / 10));
    for (const chunk of chunks) {
      expect(chunk.reference).toBe(reference);
      expect((chunk.payload.data as unknown[]).length).toBeLessThanOrEqual(10);
    }
    expect(chunks.map((c) => c.traceId).sort()).toEqual(chunks.map((_, n) => `${reference}:chunk:${n}`).sort());
    const keys = naturalKeys(chunks);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(expected.map((r) => `daily/${recordKey("daily", userId, r).key}`).sort());
  });

  it("a short request is one payload carrying the reference, without announcements", async () => {
    const userId = await newUser();
    const { reference, large } = await requestData(pipeline.ctx, {
      userId,
      dataType: "sleep",
      ...utcDays(daysAgo(280), 7),
    });
    expect(large).toBe(false);
    await waitForIdle(pipeline.ctx.queues, { timeoutMs: 30_000 });
    const received = receivedFor(pipeline.receiver, userId);
    expect(received.map((r) => r.payload.type)).toEqual(["sleep"]);
    expect(received[0]?.reference).toBe(reference);
    expect((received[0]!.payload.data as unknown[]).length).toBeGreaterThan(5);
  });

  it("an empty range still answers the request: one payload with no data", async () => {
    const userId = await newUser();
    // No workout starts within one second.
    const day = daysAgo(280);
    const { reference } = await requestData(pipeline.ctx, { userId, dataType: "activity", start: `${day}T10:00:00Z`, end: `${day}T10:00:01Z` });
    await waitForIdle(pipeline.ctx.queues, { timeoutMs: 30_000 });
    const [answer, ...more] = receivedFor(pipeline.receiver, userId);
    expect(more).toEqual([]);
    expect(answer).toMatchObject({ reference, issues: [], payload: { type: "activity", data: [] } });
  });

  it("refuses bad dates, unsupported data types and unknown or disconnected users with user errors", async () => {
    const userId = await newUser();
    const ask = (input: Partial<Parameters<typeof requestData>[1]>) =>
      requestData(pipeline.ctx, { userId, dataType: "daily", start: "2026-01-01", end: "2026-01-05", ...input });
    await expect(ask({ start: "yesterday" })).rejects.toMatchObject({ code: "ERR_DATE_RANGE_INVALID", errorClass: "user" });
    await expect(ask({ start: "2026-02-01", end: "2026-01-01" })).rejects.toMatchObject({ code: "ERR_DATE_RANGE_INVALID" });
    await expect(ask({ start: new Date("nope") })).rejects.toMatchObject({ code: "ERR_DATE_RANGE_INVALID" });
    await expect(ask({ dataType: "heart_rate" })).rejects.toMatchObject({ code: "ERR_DATA_TYPE_UNSUPPORTED", errorClass: "user" });
    await expect(ask({ userId: randomUUID() })).rejects.toMatchObject({ code: "ERR_CONNECTION_NOT_FOUND" });
    await pipeline.ctx.store.deactivate(userId);
    await expect(ask({})).rejects.toMatchObject({ code: "ERR_CONNECTION_INACTIVE" });
  });
});
