import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import webhookPlugin from "@tributary/destination-webhook";
import { defineConnector, ErrorCodes, payloadRecords, TransientError, UserError, type Delivery, type Destination } from "@tributary/core/contracts";
import { startLocalReceiver, type LocalReceiver, type ReceivedPayload } from "@tributary/core/demo";
import { silentLogger } from "@tributary/core/log";
import { createPluginRegistry } from "@tributary/core/registry";
import { waitForIdle } from "@tributary/core/runtime";
import { deauthorizeUser, enqueueDataRequest, pauseUser, prepareDataRequest, requestData } from "@tributary/core/services";
import { startTestRuntime, type RuntimeHarness } from "@tributary/test-kit";
import { until } from "../../../test/kit/until.ts";
import { dayPart, daysInPartsSpec } from "./days-in-parts.ts";
import { daysAgo, utcDays } from "./pipeline.ts";
import { noJobRunning, settled as settledQueues } from "./settled.ts";

/**
 * What an application written for Terra does with a large request (`large_request_processing`, then
 * `large_request_sending` with `expected_payloads`, then the chunks, all under one `terra-reference`): it
 * counts the distinct payloads (by X-Terra-Trace-Id, Terra's dedupe key) that carry the reference and waits
 * until `expected_payloads` have come. Terra's spec has no event saying fewer are coming, so the count must
 * be exact whatever happens meanwhile: a newer version of a record, a deauth, a pause, a retried delivery, a
 * pull that fails for good, payloads split by size.
 */

const DAY_MS = 86_400_000;
/** The days a large read holds a merged record for (a day in parts). */
const PART_DAYS = ["2026-03-10", "2026-03-11", "2026-03-12"];
const SHORT_DAY = PART_DAYS[0]!;

/** How the provider behaves for one member (their provider user id): each test has its own. */
interface Member {
  /** Held after the large read's parts until released (a deauth mid-read). */
  gate?: Promise<void>;
  /** The large read fails for good after its parts (the provider refuses the rest). */
  failAfterParts?: boolean;
}
const members = new Map<string, Member>();

/**
 * A provider of days in parts: a large read (past `largeRequestDays`) gives the first 25 parts of each of
 * PART_DAYS, a short read the 26th part of SHORT_DAY — a newer version of a day a large request counted.
 */
const partsConnector = defineConnector({
  spec: daysInPartsSpec("COUNTED"),
  hooks: {
    read: {
      epochs: async function* ({ window, connection }) {
        const member = members.get(connection.providerUserId ?? "") ?? {};
        if (window.end.getTime() - window.start.getTime() <= 28 * DAY_MS) {
          yield dayPart(SHORT_DAY, 25, 9);
          return;
        }
        for (const day of PART_DAYS) for (let i = 0; i < 25; i++) yield dayPart(day, i, 1);
        if (member.failAfterParts) {
          throw new UserError(ErrorCodes.PROVIDER_BAD_RESPONSE, "the provider refuses the rest of this history", { hint: "test" });
        }
        await member.gate;
      },
    },
  },
});

/** The webhook to the receiver, behind a switch that fails chosen writes (a receiver answering 503) and records attempts. */
function switchedWebhook(receiver: LocalReceiver, signingSecret: string) {
  const webhook = webhookPlugin.create({ url: receiver.url, signingSecret }, { name: "app", log: silentLogger(), lookup: () => undefined });
  const control = {
    /** Writes refused before they reach the receiver. */
    refuse: (_delivery: Delivery) => false,
    /** Writes that reach the receiver and are then reported failed (the receiver's 200 lost): retried, so delivered twice. */
    failAfter: (_delivery: Delivery) => false,
    attempted: [] as Delivery[],
  };
  const destination: Destination = {
    name: "app",
    type: "webhook",
    async write(batch) {
      for (const delivery of batch) {
        control.attempted.push(delivery);
        if (control.refuse(delivery)) throw new TransientError(ErrorCodes.DESTINATION_UNAVAILABLE, "receiver answered 503", { hint: "test" });
        await webhook.write([delivery]);
        if (control.failAfter(delivery)) throw new TransientError(ErrorCodes.DESTINATION_UNAVAILABLE, "the receiver's answer was lost", { hint: "test" });
      }
    },
    delete: (user) => webhook.delete(user),
    check: (options) => webhook.check(options),
    close: () => webhook.close(),
  };
  return { destination, control };
}

/** What a Terra app knows of one reference: the count it was promised, and the distinct payloads it got. */
function countOf(received: ReceivedPayload[], reference: string) {
  const mine = received.filter((entry) => entry.reference === reference);
  const announcements = mine.filter((entry) => entry.payload.type === "large_request_sending");
  const data = mine.filter((entry) => entry.payload.type === "daily");
  return {
    announcements,
    expected: announcements[0]?.payload.expected_payloads as number | undefined,
    distinct: new Set(data.map((entry) => entry.traceId)).size,
    data,
    withRecords: data.filter((entry) => payloadRecords(entry.payload).length > 0),
  };
}

const isChunkOf = (reference: string) => (delivery: Delivery) => delivery.reference === reference && delivery.payload.type === "daily";
const samplesOf = (entry: ReceivedPayload) =>
  (entry.payload.data as Array<{ MET_data: { MET_samples: unknown[] }; metadata: { start_time: string } }>).find((day) =>
    day.metadata.start_time.startsWith(SHORT_DAY),
  )?.MET_data.MET_samples.length;

describe("large requests: the app receives exactly expected_payloads payloads under the reference", () => {
  let harness: RuntimeHarness;
  let receiver: LocalReceiver;
  let control: ReturnType<typeof switchedWebhook>["control"];

  beforeAll(async () => {
    const signingSecret = randomBytes(16).toString("hex");
    receiver = await startLocalReceiver({ signingSecret });
    const switched = switchedWebhook(receiver, signingSecret);
    control = switched.control;
    harness = await startTestRuntime({
      destinations: { app: switched.destination },
      registry: createPluginRegistry([partsConnector]),
      // Retries within the test: one second apart.
      policy: { backoffSeconds: 1, maxBackoffSeconds: 1, attempts: 30 },
    });
  });
  afterAll(async () => {
    await harness?.close();
    await receiver?.close();
  });

  const ctx = () => harness.runtime.ctx;
  const newMember = async (member: Member = {}) => {
    const providerUserId = `member-${randomUUID()}`;
    members.set(providerUserId, member);
    return (await ctx().store.createConnection({ provider: "COUNTED", providerUserId })).user_id;
  };
  const large = (userId: string) => requestData(ctx(), { userId, dataType: "daily", start: "2026-03-01", end: "2026-04-09" });
  const ofUser = (userId: string) => receiver.received.filter((entry) => (entry.payload.user as { user_id?: string } | undefined)?.user_id === userId);
  const settled = () => settledQueues(ctx());

  it("a record superseded by a newer version while its chunk waits to be delivered is still counted: sent at the newer version", async () => {
    const userId = await newMember();
    const request = await large(userId);
    // The chunks wait (the app answers 503) while a short request publishes a newer version of SHORT_DAY.
    control.refuse = isChunkOf(request.reference);
    await until("a chunk refused once", async () => (control.attempted.some(isChunkOf(request.reference)) ? true : undefined));
    const short = await requestData(ctx(), { userId, dataType: "daily", start: SHORT_DAY, end: "2026-03-11" });
    await until("the newer version delivered", async () => ofUser(userId).find((entry) => entry.reference === short.reference));
    control.refuse = () => false;
    await settled();

    const count = countOf(ofUser(userId), request.reference);
    expect(count.announcements).toHaveLength(1);
    expect(count.expected).toBe(PART_DAYS.length);
    expect(count.distinct).toBe(count.expected);
    // The chunk of the superseded day carries the newest version, never the older one after the newer.
    const days = ofUser(userId)
      .filter((entry) => entry.payload.type === "daily")
      .map(samplesOf)
      .filter((n) => n !== undefined);
    expect(days.at(-1)).toBe(26);
    const counted = count.data.map(samplesOf).filter((n) => n !== undefined);
    expect(counted).toEqual([26]);
    expect(days.every((n, i) => i === 0 || n >= days[i - 1]!)).toBe(true);
    for (const entry of ofUser(userId)) expect(entry.issues, entry.payload.type).toEqual([]);
  }, 120_000);

  it("a deauth while chunks wait: the missing chunks come without the user's data, before the deauth, which stays last", async () => {
    const userId = await newMember();
    const request = await large(userId);
    // One chunk is delivered; the others wait (503) when the user disconnects.
    let through: string | undefined;
    control.refuse = (delivery) => {
      if (!isChunkOf(request.reference)(delivery)) return false;
      through ??= delivery.traceId;
      return delivery.traceId !== through;
    };
    await until("a chunk delivered and another refused", async () =>
      countOf(ofUser(userId), request.reference).distinct >= 1 && control.attempted.filter(isChunkOf(request.reference)).length >= 2 ? true : undefined,
    );
    // The receiver is back when the user disconnects: the waiting chunks are retried after the deauth.
    await deauthorizeUser(ctx(), userId);
    control.refuse = () => false;
    await settled();

    const received = ofUser(userId);
    const count = countOf(received, request.reference);
    expect(count.expected).toBe(PART_DAYS.length);
    expect(count.distinct).toBe(count.expected);
    expect(count.withRecords.length).toBeGreaterThanOrEqual(1);
    expect(count.withRecords.length).toBeLessThan(PART_DAYS.length);
    const deauth = received.findIndex((entry) => entry.payload.type === "deauth");
    expect(deauth).toBe(received.length - 1);
    for (const entry of received) expect(entry.issues, entry.payload.type).toEqual([]);
  }, 120_000);

  it("a deauth while the large request still reads: nothing is announced, nothing follows the deauth", async () => {
    let release!: () => void;
    const userId = await newMember({ gate: new Promise<void>((resolve) => (release = resolve)) });
    const request = await large(userId);
    await until("the large read's parts", async () => ((await ctx().store.readRecordParts(userId, "daily", PART_DAYS[2]!)) ? true : undefined));
    await deauthorizeUser(ctx(), userId);
    await until("the deauth delivered", async () => ofUser(userId).find((entry) => entry.payload.type === "deauth"));
    release();
    await settled();

    const received = ofUser(userId);
    expect(received.map((entry) => entry.payload.type)).toEqual(["large_request_processing", "deauth"]);
    expect(countOf(received, request.reference).announcements).toEqual([]);
  }, 120_000);

  it("a pause while chunks wait: the chunks come without the user's data, so the count still closes", async () => {
    const userId = await newMember();
    const request = await large(userId);
    control.refuse = isChunkOf(request.reference);
    await until("a chunk refused", async () => (control.attempted.some(isChunkOf(request.reference)) ? true : undefined));
    await pauseUser(ctx(), userId);
    // A chunk whose pause check came before the pause is refused too: every chunk is sent as the pause sees it.
    await noJobRunning(ctx());
    control.refuse = () => false;
    await settled();

    const count = countOf(ofUser(userId), request.reference);
    expect(count.expected).toBe(PART_DAYS.length);
    expect(count.distinct).toBe(count.expected);
    expect(count.withRecords).toEqual([]);
  }, 120_000);

  it("a user paused before the large request's pull runs: the app is told that no payload follows", async () => {
    const userId = await newMember();
    // Checked and accepted, then paused before the pull is even queued.
    const prepared = await prepareDataRequest(ctx(), { userId, dataType: "daily", start: "2026-03-01", end: "2026-04-09" });
    await pauseUser(ctx(), userId);
    const request = await enqueueDataRequest(ctx(), prepared);
    await settled();

    const received = ofUser(userId);
    expect(received.map((entry) => entry.payload.type)).toEqual(["large_request_processing", "large_request_sending"]);
    expect(countOf(received, request.reference)).toMatchObject({ expected: 0, distinct: 0 });
  }, 120_000);

  it("a chunk delivered twice (the receiver's answer lost, the delivery retried) is one payload by its trace id", async () => {
    const userId = await newMember();
    const request = await large(userId);
    const failedOnce = new Set<string>();
    control.failAfter = (delivery) => {
      if (!isChunkOf(request.reference)(delivery) || failedOnce.has(delivery.traceId)) return false;
      failedOnce.add(delivery.traceId);
      return true;
    };
    await settled();
    control.failAfter = () => false;

    const count = countOf(ofUser(userId), request.reference);
    expect(count.data.length).toBe(2 * PART_DAYS.length);
    expect(count.data.filter((entry) => entry.duplicate)).toHaveLength(PART_DAYS.length);
    expect(count.distinct).toBe(count.expected);
  }, 120_000);

  it("a large request whose pull fails for good: a dead letter for the operator, and the app is told that no payload follows", async () => {
    const userId = await newMember({ failAfterParts: true });
    const request = await large(userId);
    await settled();
    await until("the dead letter", async () => (await ctx().store.listDeadLetters({ limit: 100 })).find((letter) => letter.trace_id === request.reference));

    const received = ofUser(userId);
    const count = countOf(received, request.reference);
    expect(received.map((entry) => entry.payload.type)).toEqual(["large_request_processing", "large_request_sending"]);
    expect(count.expected).toBe(0);
    expect(count.distinct).toBe(0);
    for (const entry of received) expect(entry.issues, entry.payload.type).toEqual([]);
  }, 120_000);
});

describe("large requests: payloads split by size are counted as sent", () => {
  let harness: RuntimeHarness;
  let receiver: LocalReceiver;

  beforeAll(async () => {
    const signingSecret = randomBytes(16).toString("hex");
    receiver = await startLocalReceiver({ signingSecret });
    const { destination } = switchedWebhook(receiver, signingSecret);
    // SANDBOX days with samples are tens of KB: under this limit a chunk of 10 is cut by size first.
    harness = await startTestRuntime({ destinations: { app: destination }, policy: { maxPayloadBytes: 64 * 1024, chunkSize: 10 } });
  });
  afterAll(async () => {
    await harness?.close();
    await receiver?.close();
  });

  it("a 60-day request whose chunks are cut by bytes before records: the announcement counts every payload sent", async () => {
    const { user_id: userId } = await harness.runtime.ctx.store.createConnection({ provider: "SANDBOX", referenceId: `count-${randomUUID()}` });
    // Counted back from today: SANDBOX pulls are cut to its 730 days of history.
    const days = utcDays(daysAgo(330), 60);
    const [first, last] = [days.start, new Date(days.end.getTime() - DAY_MS)].map((day) => day.toISOString().slice(0, 10));
    const request = await requestData(harness.runtime.ctx, { userId, dataType: "daily", start: first!, end: last!, withSamples: true });
    expect(request.large).toBe(true);
    await waitForIdle(harness.runtime.ctx.queues, { timeoutMs: 90_000 });
    const count = countOf(receiver.received, request.reference);
    const sizes = count.data.map((entry) => payloadRecords(entry.payload).length);
    // Cut by size: more payloads than ⌈records / 10⌉.
    expect(count.data.length, String(sizes)).toBeGreaterThan(Math.ceil(sizes.reduce((a, b) => a + b, 0) / 10));
    expect(count.expected).toBe(count.data.length);
    expect(count.distinct).toBe(count.expected);
  }, 120_000);
});
