import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobId } from "@tributary/core/queue";
import { until } from "../../../test/kit/until.ts";
import { startPipeline, type Pipeline } from "./pipeline.ts";

describe("a delivery whose stored body is gone", () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await startPipeline();
  });
  afterAll(() => pipeline?.close());

  it("becomes an ERR_PAYLOAD_MISSING dead letter at once, telling the operator what to do, and sends nothing", async () => {
    const { ctx, receiver } = pipeline;
    const traceId = randomUUID();
    // As if the body had expired or been deleted from Redis by hand while the job waited.
    await ctx.queues
      .deliverTo("receiver")
      .add(
        "activity",
        { destination: "receiver", traceId, orderingTimestamp: Date.now(), eventType: "activity", bodyRef: traceId },
        { jobId: jobId(traceId, "receiver"), attempts: 5, backoff: { type: "delivery" } },
      );
    const letters = await until(
      "the dead letter",
      async () => {
        const listed = await ctx.store.listDeadLetters({ destination: "receiver" });
        return listed.length > 0 ? listed : undefined;
      },
      30_000,
    );
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ trace_id: traceId, error_code: "ERR_PAYLOAD_MISSING", attempts: 1 });
    expect(letters[0]!.error).toContain("no longer stored");
    expect(receiver.received).toEqual([]);
  });
});
