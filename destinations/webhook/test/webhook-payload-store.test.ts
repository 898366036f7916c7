import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Destination, DestinationContext } from "@tributary/core/contracts";
import { startLocalReceiver, type LocalReceiver } from "@tributary/core/demo";
import { silentLogger } from "@tributary/core/log";
import s3Plugin from "@tributary/destination-s3";
import { activityRecord, dailyRecord, dataPayload, delivery, testUser } from "@tributary/test-kit";
import { startAwsEmulator, type AwsEmulator } from "@tributary/test-kit/emulators";
import webhook from "../src/index.ts";

/*
 * Payloads larger than `maxPayloadBytes` go out as Terra's `s3_payload` pointer: the whole payload is
 * parked by an s3 destination (here on the fauxqs emulator) and the receiver gets a signed, short-lived
 * URL to fetch it from.
 */

const secret = randomBytes(16).toString("hex");
let emulator: AwsEmulator;
let receiver: LocalReceiver;
const opened: Destination[] = [];

const context = (name: string, others: Record<string, Destination> = {}): DestinationContext => ({
  name,
  log: silentLogger(),
  lookup: (other) => others[other],
});

/** Many activities: a payload of roughly `count` × 250 bytes. */
const bigActivity = (user: ReturnType<typeof testUser>, count: number) =>
  dataPayload(
    "activity",
    user,
    Array.from({ length: count }, (_, i) => activityRecord(`big-${i}`, "2026-11-08T07:00:00.000000+00:00")),
  );

function openStore(): { store: Destination; bucket: string } {
  const bucket = emulator.createBucket(`tributary-${randomUUID()}`);
  const store = s3Plugin.create(
    { bucket, region: emulator.region, endpoint: emulator.endpoint, forcePathStyle: true, ...emulator.credentials },
    context("payloads"),
  );
  opened.push(store);
  return { store, bucket };
}

function openWebhook(options: { payloadStore?: string; maxPayloadBytes?: number }, others: Record<string, Destination> = {}): Destination {
  const destination = webhook.create({ url: receiver.url, signingSecret: secret, ...options }, context("hook", others));
  opened.push(destination);
  return destination;
}

beforeAll(async () => {
  emulator = await startAwsEmulator();
  receiver = await startLocalReceiver({ signingSecret: secret });
});

afterAll(async () => {
  for (const destination of opened) await destination.close();
  await receiver?.close();
  await emulator?.stop();
});

describe("webhook: oversized payloads through a payloadStore", () => {
  it("sends a payload over maxPayloadBytes as a signed s3_payload pointer whose URL returns the whole payload", async () => {
    const { store, bucket } = openStore();
    const destination = openWebhook({ payloadStore: "payloads", maxPayloadBytes: 2048 }, { payloads: store });
    const user = testUser();
    const large = delivery(bigActivity(user, 40));
    const small = delivery(dataPayload("daily", user, [dailyRecord("2026-11-03", 3)]));
    expect(Buffer.byteLength(JSON.stringify(large.payload))).toBeGreaterThan(2048);
    const before = receiver.received.length;

    await destination.write([large, small]);

    // Both arrived signed (the receiver drops anything whose signature does not verify), in order.
    const [pointerEntry, inlineEntry, ...rest] = receiver.received.slice(before);
    expect(rest).toEqual([]);
    expect(pointerEntry?.traceId).toBe(large.traceId);
    expect(pointerEntry?.payload).toEqual({
      type: "s3_payload",
      status: "success",
      url: expect.any(String),
      expires_in: 600,
      payload_reference: large.traceId,
    });
    expect(pointerEntry?.issues).toEqual([]);
    expect(inlineEntry?.payload).toEqual(small.payload);

    // The URL is a pre-signed GET on the payload store's bucket, usable without credentials.
    const url = new URL(String(pointerEntry?.payload.url));
    expect(url.pathname.startsWith(`/${bucket}/payloads/${user.user_id}/`)).toBe(true);
    expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    const fetched = await fetch(url);
    expect(fetched.status).toBe(200);
    expect(await fetched.json()).toEqual(large.payload);
  });

  it("sends an oversized payload inline when no payloadStore is set", async () => {
    const destination = openWebhook({ maxPayloadBytes: 2048 });
    const large = delivery(bigActivity(testUser(), 40));
    const before = receiver.received.length;
    await destination.write([large]);
    expect(receiver.received.slice(before).map((entry) => entry.payload)).toEqual([large.payload]);
  });

  it("refuses, without retry, a payloadStore that names no s3 destination", async () => {
    const destination = openWebhook({ payloadStore: "nowhere", maxPayloadBytes: 2048 });
    const before = receiver.received.length;
    await expect(destination.write([delivery(bigActivity(testUser(), 40))])).rejects.toMatchObject({
      code: "ERR_DESTINATION_CONFIG",
      errorClass: "user",
    });
    expect(receiver.received.length).toBe(before);
  });
});
