import { describe, expect, it } from "vitest";
import { fifoFields, messageBytes } from "../src/outgoing-message.ts";
import { planBatches } from "../src/plan-batches.ts";
import { regionFromQueueUrl } from "../src/sqs-destination.ts";
import { dataPayload, delivery, testUser } from "@tributary/test-kit";

describe("planBatches", () => {
  it("keeps order and cuts at ten entries or at the byte limit, whichever comes first", () => {
    const sizes = [100, 100, 100, 700, 50, ...Array.from({ length: 12 }, () => 1)];
    const batches = planBatches(
      sizes.map((bytes, i) => ({ bytes, i })),
      1000,
    );
    expect(batches.map((b) => b.map((m) => m.i))).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
      [14, 15, 16],
    ]);
    expect(batches.every((b) => b.length <= 10 && b.reduce((n, m) => n + m.bytes, 0) <= 1000)).toBe(true);
  });
});

describe("message details", () => {
  it("counts attribute names, types and values against the size limit", () => {
    expect(messageBytes("{}", { type: { DataType: "String", StringValue: "daily" } })).toBe(2 + 4 + 6 + 5);
  });

  it("hashes trace ids SQS would refuse as deduplication ids, and groups user-less events together", () => {
    const long = delivery({ type: "healthcheck" }, { traceId: "x".repeat(200) });
    expect(fifoFields(long)).toEqual({ groupId: "tributary", deduplicationId: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const user = testUser();
    const chunk = delivery(dataPayload("daily", user, []), { traceId: "abc:chunk:3" });
    expect(fifoFields(chunk)).toEqual({ groupId: user.user_id, deduplicationId: "abc:chunk:3" });
  });

  it("reads the region from AWS queue URLs", () => {
    expect(regionFromQueueUrl("https://sqs.eu-west-2.amazonaws.com/123456789012/q.fifo")).toBe("eu-west-2");
    expect(regionFromQueueUrl("https://eu-central-1.queue.amazonaws.com/123456789012/q")).toBe("eu-central-1");
    expect(regionFromQueueUrl("http://localhost:9324/000000000000/q")).toBeUndefined();
  });
});
