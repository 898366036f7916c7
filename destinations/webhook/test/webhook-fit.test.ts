import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyTerraSignature, type Destination, type DestinationContext, type DeliveryFormat } from "@tributary/core/contracts";
import { silentLogger } from "@tributary/core/log";
import s3Plugin from "@tributary/destination-s3";
import { decodeActivityFit } from "@tributary/fit";
import { activityRecord, dailyRecord, dataPayload, delivery, testUser } from "@tributary/test-kit";
import { startAwsEmulator, type AwsEmulator } from "@tributary/test-kit/emulators";
import webhook from "../src/index.ts";

/*
 * format: fit / both on the webhook destination: each activity goes out as its FIT file, signed over the raw
 * bytes, and the receiver learns whose it is from headers. A receiver that checks every signature over the
 * exact bytes it got, whatever their content type.
 */

interface Received {
  contentType: string | undefined;
  headers: IncomingHttpHeaders;
  body: Buffer;
  signatureOk: boolean;
}

const secret = randomBytes(16).toString("hex");
let server: Server;
let url: string;
let received: Received[] = [];
let emulator: AwsEmulator;
const opened: Destination[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      const signature = request.headers["terra-signature"] as string | undefined;
      received.push({
        contentType: request.headers["content-type"],
        headers: request.headers,
        body,
        signatureOk: verifyTerraSignature(signature, body, secret).ok,
      });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  emulator = await startAwsEmulator();
});

afterAll(async () => {
  for (const destination of opened) await destination.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await emulator?.stop();
});

const context = (format: DeliveryFormat, others: Record<string, Destination> = {}): DestinationContext => ({
  name: "hook",
  log: silentLogger(),
  lookup: (other) => others[other],
  format,
});

function openWebhook(format: DeliveryFormat, options: { payloadStore?: string; maxPayloadBytes?: number } = {}, others: Record<string, Destination> = {}) {
  const destination = webhook.create({ url, signingSecret: secret, ...options }, context(format, others));
  opened.push(destination);
  return destination;
}

/** An s3 destination on the emulator that parks oversized payloads. */
function parkingStore(): Destination {
  const bucket = emulator.createBucket(`tributary-${randomUUID()}`);
  const store = s3Plugin.create(
    { bucket, region: emulator.region, endpoint: emulator.endpoint, forcePathStyle: true, ...emulator.credentials },
    { name: "payloads", log: silentLogger(), lookup: () => undefined },
  );
  opened.push(store);
  return store;
}

const run = (id: string) =>
  activityRecord(id, "2026-11-08T07:00:00.000000+01:00", {
    heart_rate_data: {
      summary: { avg_hr_bpm: 150 },
      detailed: { hr_samples: [0, 1, 2].map((i) => ({ timestamp: `2026-11-08T07:00:0${i}.000000+01:00`, bpm: 140 + i })) },
    },
  });

describe("webhook format: fit", () => {
  it("posts each activity as a signed FIT file with the user, provider and summary id in headers; other events stay JSON", async () => {
    received = [];
    const user = testUser({ provider: "GARMIN" });
    const activities = delivery(dataPayload("activity", user, [run("run-a"), run("run-b")]));
    const daily = delivery(dataPayload("daily", user, [dailyRecord("2026-11-08", 9000)]));
    await openWebhook("fit").write([activities, daily]);

    expect(received.map((r) => r.contentType)).toEqual(["application/vnd.ant.fit", "application/vnd.ant.fit", "application/json"]);
    expect(received.every((r) => r.signatureOk)).toBe(true);
    const [first, second] = received;
    expect(first!.headers).toMatchObject({
      "x-tributary-format": "fit",
      "x-tributary-user-id": user.user_id,
      "x-tributary-provider": "GARMIN",
      "x-tributary-reference-id": user.reference_id,
      "x-tributary-summary-id": "run-a",
      "x-terra-trace-id": `${activities.traceId}-fit-0`,
      "content-disposition": 'attachment; filename="run-a.fit"',
    });
    expect(second!.headers["x-terra-trace-id"]).toBe(`${activities.traceId}-fit-1`);
    const decoded = decodeActivityFit(first!.body, { summaryId: "run-a" });
    expect(decoded.metadata).toMatchObject({ summary_id: "run-a", type: 8, start_time: "2026-11-08T07:00:00.000000+01:00" });
    expect(decoded.heart_rate_data?.detailed?.hr_samples?.map((s) => s.bpm)).toEqual([140, 141, 142]);
    expect(JSON.parse(received[2]!.body.toString("utf8")).type).toBe("daily");
  });

  it("an activity payload without activities (an on-demand request's empty answer) is still sent, as JSON", async () => {
    received = [];
    await openWebhook("fit").write([delivery(dataPayload("activity", testUser(), []))]);
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!.body.toString("utf8"))).toMatchObject({ type: "activity", data: [] });
  });

  it("a large request's payloads: each FIT file carries terra-reference and counts as one; an empty payload counts one", async () => {
    received = [];
    const reference = randomUUID();
    const fit = openWebhook("fit");
    const payload = delivery(dataPayload("activity", testUser(), [run("run-e"), run("run-f"), run("run-g")]), { reference });
    await fit.write([payload]);
    expect(received.map((r) => r.headers["terra-reference"])).toEqual([reference, reference, reference]);
    expect(fit.referencedMessages?.("activity", 3)).toBe(received.length);
    expect(fit.referencedMessages?.("activity", 0)).toBe(1);
    expect(fit.referencedMessages?.("daily", 3)).toBe(1);
  });

  it("a payload without records standing in for one of 3 activities (a paused user's chunk) is posted once per file, under each file's trace id", async () => {
    received = [];
    const reference = randomUUID();
    const standIn = delivery(dataPayload("activity", testUser(), []), { reference, standsInFor: 3 });
    await openWebhook("fit").write([standIn]);
    expect(received.map((r) => r.headers["x-terra-trace-id"])).toEqual([0, 1, 2].map((i) => `${standIn.traceId}-fit-${i}`));
    expect(received.every((r) => r.signatureOk && r.headers["terra-reference"] === reference)).toBe(true);
    expect(received.map((r) => JSON.parse(r.body.toString("utf8")))).toEqual([0, 1, 2].map(() => standIn.payload));
  });

  it("a FIT file over maxPayloadBytes goes out as an s3_payload pointer to the parked file, which is the same FIT file", async () => {
    received = [];
    const store = parkingStore();
    const user = testUser();
    const samples = Array.from({ length: 600 }, (_, i) => ({
      timestamp: new Date(Date.parse("2026-11-08T07:00:00Z") + i * 1000).toISOString(),
      bpm: 120 + (i % 30),
    }));
    const big = delivery(
      dataPayload("activity", user, [
        activityRecord("long-run", "2026-11-08T07:00:00.000000+00:00", { heart_rate_data: { detailed: { hr_samples: samples } } }),
      ]),
    );
    await openWebhook("fit", { payloadStore: "payloads", maxPayloadBytes: 1024 }, { payloads: store }).write([big]);

    expect(received).toHaveLength(1);
    const [pointer] = received;
    expect(pointer!.signatureOk).toBe(true);
    expect(pointer!.contentType).toBe("application/json");
    expect(pointer!.headers).toMatchObject({ "x-tributary-format": "fit", "x-tributary-summary-id": "long-run", "x-tributary-user-id": user.user_id });
    const body = JSON.parse(pointer!.body.toString("utf8"));
    expect(body).toEqual({ type: "s3_payload", status: "success", url: expect.any(String), expires_in: 600, payload_reference: `${big.traceId}-fit-0` });
    const fetched = await fetch(body.url);
    expect(fetched.status).toBe(200);
    const file = new Uint8Array(await fetched.arrayBuffer());
    expect(file.length).toBeGreaterThan(1024);
    expect(decodeActivityFit(file).heart_rate_data?.detailed?.hr_samples).toHaveLength(600);
  });
});

describe("webhook format: both", () => {
  it("posts the JSON payload, then each activity's FIT file", async () => {
    received = [];
    const payload = delivery(dataPayload("activity", testUser(), [run("run-c")]));
    await openWebhook("both").write([payload]);
    expect(received.map((r) => r.contentType)).toEqual(["application/json", "application/vnd.ant.fit"]);
    expect(received.map((r) => r.headers["x-terra-trace-id"])).toEqual([payload.traceId, `${payload.traceId}-fit-0`]);
    expect(JSON.parse(received[0]!.body.toString("utf8")).data[0].metadata.summary_id).toBe("run-c");
    expect(decodeActivityFit(received[1]!.body).metadata.type).toBe(8);
  });

  it("a large request's payload: the JSON carries terra-reference and is the one counted; its files carry x-tributary-reference", async () => {
    received = [];
    const reference = randomUUID();
    const both = openWebhook("both", { payloadStore: "payloads", maxPayloadBytes: 1 }, { payloads: parkingStore() });
    const payload = delivery(dataPayload("activity", testUser(), [run("run-h"), run("run-i")]), { reference });
    await both.write([payload]);
    // The JSON payload and both files go over 1 byte: all three as pointers, the files' as companions still.
    expect(received.map((r) => [r.headers["terra-reference"], r.headers["x-tributary-reference"]])).toEqual([
      [reference, undefined],
      [undefined, reference],
      [undefined, reference],
    ]);
    expect(both.referencedMessages?.("activity", 2)).toBe(1);
    // A stand-in is the JSON payload alone: one, as counted.
    received = [];
    await both.write([delivery(dataPayload("activity", testUser(), []), { reference, standsInFor: 2 })]);
    expect(received.map((r) => r.headers["terra-reference"])).toEqual([reference]);
  });

  it("FIT companions posted as files carry the reference in x-tributary-reference only", async () => {
    received = [];
    const reference = randomUUID();
    await openWebhook("both").write([delivery(dataPayload("activity", testUser(), [run("run-j")]), { reference })]);
    expect(received.map((r) => r.contentType)).toEqual(["application/json", "application/vnd.ant.fit"]);
    expect(received[0]!.headers["terra-reference"]).toBe(reference);
    expect(received[1]!.headers).toMatchObject({ "x-tributary-reference": reference });
    expect(received[1]!.headers["terra-reference"]).toBeUndefined();
  });
});

describe("webhook format: terra", () => {
  it("sends activities as JSON only", async () => {
    received = [];
    await openWebhook("terra").write([delivery(dataPayload("activity", testUser(), [run("run-d")]))]);
    expect(received.map((r) => r.contentType)).toEqual(["application/json"]);
  });
});
