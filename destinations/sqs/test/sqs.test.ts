import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { TributaryError } from "@tributary/core/contracts";
import s3Plugin from "@tributary/destination-s3";
import { activityRecord, dailyRecord, dataPayload, delivery, testUser } from "@tributary/test-kit";
import { abortHeldWrite, emulatorPerFile, startAwsEmulator, startHoldingFront } from "@tributary/test-kit/emulators";
import { QueueConsumer } from "./queue-consumer.ts";
import { createSqsDestination, queueFor } from "./sqs-harness.ts";
import { testContext } from "@tributary/test-kit";

const emulated = emulatorPerFile(startAwsEmulator, (emulator) => new QueueConsumer(emulator));

/** Many activities: a payload of roughly `count` × 250 bytes. */
const bigActivity = (user: ReturnType<typeof testUser>, count: number) =>
  dataPayload(
    "activity",
    user,
    Array.from({ length: count }, (_, i) => activityRecord(`big-${i}`, "2026-11-08T07:00:00.000000+00:00")),
  );

describe("sqs messages", () => {
  it("sends one message per payload, body = payload, with type/user_id/provider attributes", async () => {
    const destination = createSqsDestination(emulated.emulator);
    const user = testUser({ provider: "GARMIN" });
    const sent = delivery(dataPayload("daily", user, [dailyRecord("2026-11-01", 10)]), { reference: "req-1" });
    const auth = delivery({ type: "auth", status: "success", user });
    await destination.write([sent, auth]);
    const [first, second, ...rest] = await emulated.client.drain(queueFor(destination));
    expect(rest).toEqual([]);
    expect(JSON.parse(first?.Body ?? "")).toEqual(sent.payload);
    expect(first?.MessageAttributes).toEqual({
      type: { DataType: "String", StringValue: "daily" },
      user_id: { DataType: "String", StringValue: user.user_id },
      provider: { DataType: "String", StringValue: "GARMIN" },
      trace_id: { DataType: "String", StringValue: sent.traceId },
      ordering_timestamp: { DataType: "Number", StringValue: String(sent.orderingTimestamp) },
      reference: { DataType: "String", StringValue: "req-1" },
    });
    expect(second?.MessageAttributes?.type?.StringValue).toBe("auth");
    await destination.close();
  });

  it("FIFO: the user id is the message group, the trace id the deduplication id, so a retried delivery is dropped", async () => {
    const destination = createSqsDestination(emulated.emulator, { fifo: true });
    const alice = testUser();
    const bob = testUser();
    const retried = delivery(dataPayload("daily", alice, [dailyRecord("2026-11-02", 1)]));
    await destination.write([retried, delivery(dataPayload("daily", bob, [dailyRecord("2026-11-02", 2)]))]);
    await destination.write([retried]);
    const messages = await emulated.client.drain(queueFor(destination));
    expect(messages).toHaveLength(2);
    const aliceMessage = messages.find((m) => m.MessageAttributes?.user_id?.StringValue === alice.user_id);
    expect(aliceMessage?.Attributes?.MessageGroupId).toBe(alice.user_id);
    expect(aliceMessage?.Attributes?.MessageDeduplicationId).toBe(retried.traceId);
    expect(messages.find((m) => m.MessageAttributes?.user_id?.StringValue === bob.user_id)?.Attributes?.MessageGroupId).toBe(bob.user_id);
    await destination.close();
  });

  it("more than ten payloads go out in several batches, in order", async () => {
    const destination = createSqsDestination(emulated.emulator, { fifo: true });
    const user = testUser();
    const deliveries = Array.from({ length: 23 }, (_, i) =>
      delivery(dataPayload("daily", user, [dailyRecord(`2026-10-${String(i + 1).padStart(2, "0")}`, i)])),
    );
    await destination.write(deliveries);
    const messages = await emulated.client.drain(queueFor(destination));
    expect(messages.map((m) => m.MessageAttributes?.trace_id?.StringValue)).toEqual(deliveries.map((d) => d.traceId));
    await destination.close();
  });

  it("a payload over maxInlineBytes becomes an s3_payload pointer to an object in the payload store", async () => {
    const bucket = emulated.emulator.createBucket(`tributary-${randomUUID()}`);
    const store = s3Plugin.create(
      { bucket, region: emulated.emulator.region, endpoint: emulated.emulator.endpoint, forcePathStyle: true, ...emulated.emulator.credentials },
      testContext("payloads"),
    );
    const destination = createSqsDestination(emulated.emulator, { payloadStore: "payloads", maxInlineBytes: 4096 }, { payloads: store });
    const user = testUser();
    const large = delivery(bigActivity(user, 40));
    const small = delivery(dataPayload("daily", user, [dailyRecord("2026-11-03", 3)]));
    await destination.write([large, small]);

    const [pointerMessage, inlineMessage] = await emulated.client.drain(queueFor(destination));
    const pointer = JSON.parse(pointerMessage?.Body ?? "") as Record<string, unknown>;
    expect(pointer).toEqual({ type: "s3_payload", status: "success", url: expect.any(String), expires_in: 600, payload_reference: large.traceId });
    expect(pointerMessage?.MessageAttributes?.type?.StringValue).toBe("activity");
    expect(JSON.parse(inlineMessage?.Body ?? "")).toEqual(small.payload);

    // The URL points at an object the S3 emulator holds, and fetching it gives the payload back.
    const url = new URL(String(pointer.url));
    const key = decodeURIComponent(url.pathname.slice(`/${bucket}/`.length));
    expect(key).toBe(`payloads/${user.user_id}/activity-${large.traceId}.json`);
    const s3 = new S3Client({
      endpoint: emulated.emulator.endpoint,
      forcePathStyle: true,
      region: emulated.emulator.region,
      credentials: emulated.emulator.credentials,
    });
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(JSON.parse(await object.Body!.transformToString())).toEqual(large.payload);
    expect(await (await fetch(url)).json()).toEqual(large.payload);
    s3.destroy();
    await destination.close();
    await store.close();
  });

  it("a payload over the limit without a payloadStore is a configuration error", async () => {
    const destination = createSqsDestination(emulated.emulator, { maxInlineBytes: 1024 });
    const written = await destination.write([delivery(bigActivity(testUser(), 10))]).catch((e: unknown) => e);
    expect(written).toBeInstanceOf(TributaryError);
    expect(written).toMatchObject({ code: "ERR_DESTINATION_CONFIG", errorClass: "user" });
    expect(await emulated.client.drain(queueFor(destination))).toEqual([]);
    await destination.close();
  });

  it("delete(user) sends nothing: the deauth message is the consumer's signal", async () => {
    const destination = createSqsDestination(emulated.emulator);
    await destination.delete(testUser());
    expect(await emulated.client.drain(queueFor(destination))).toEqual([]);
    await destination.close();
  });
});

describe("sqs writes given up on", () => {
  it("a write whose signal is aborted stops its request under way and rejects with the signal's reason", async () => {
    const front = await startHoldingFront(emulated.emulator.endpoint);
    const destination = createSqsDestination(emulated.emulator, { endpoint: front.url });
    const user = testUser();
    const stopped = delivery(dataPayload("daily", user, [dailyRecord("2026-11-09", 1)]));
    const { rejected, reason } = await abortHeldWrite(front, (signal) => destination.write([stopped], { signal }));
    expect(rejected).toBe(reason);
    // The front let through what was still waiting: the stopped request was not; a later write is.
    const later = delivery(dataPayload("daily", user, [dailyRecord("2026-11-10", 2)]));
    await destination.write([later]);
    const messages = await emulated.client.drain(queueFor(destination));
    expect(messages.map((message) => message.MessageAttributes?.trace_id?.StringValue)).toEqual([later.traceId]);
    await destination.close();
    await front.close();
  });
});

describe("sqs check", () => {
  it("names a missing queue as a configuration error", async () => {
    const queueUrl = emulated.emulator.queueUrl(`missing-${randomUUID()}`);
    const destination = createSqsDestination(emulated.emulator, { queueUrl });
    const checked = await destination.check().catch((e: unknown) => e);
    expect(checked).toMatchObject({ code: "ERR_DESTINATION_CONFIG", errorClass: "user" });
    expect((checked as Error).message).toContain(queueUrl);
    await destination.close();
  });

  it("an unknown access key is a credentials error, from check and from write, never retried", async () => {
    const destination = createSqsDestination(emulated.emulator, { accessKeyId: "AKIAUNKNOWN" });
    expect(await destination.check().catch((e: unknown) => e)).toMatchObject({ code: "ERR_DESTINATION_AUTH", errorClass: "user" });
    const written = await destination.write([delivery(dataPayload("daily", testUser(), [dailyRecord("2026-11-07", 1)]))]).catch((e: unknown) => e);
    expect(written).toMatchObject({ code: "ERR_DESTINATION_AUTH", errorClass: "user", details: { awsCode: "InvalidClientTokenId" } });
    await destination.close();
  });

  it("fails when payloadStore names no s3 destination", async () => {
    const destination = createSqsDestination(emulated.emulator, { payloadStore: "nowhere" });
    await expect(destination.check()).rejects.toMatchObject({ code: "ERR_DESTINATION_CONFIG", errorClass: "user" });
    await destination.close();
  });

  it("an endpoint nobody listens on is a retryable outage, and the secret never shows", async () => {
    const destination = createSqsDestination(emulated.emulator, { endpoint: "http://127.0.0.1:1", secretAccessKey: "do-not-print-me" });
    const checked = (await destination.check().catch((e: unknown) => e)) as TributaryError;
    expect(checked).toMatchObject({ code: "ERR_DESTINATION_UNAVAILABLE", errorClass: "transient" });
    expect(checked.toOperatorString()).not.toContain("do-not-print-me");
    await destination.close();
  });
});
