import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorCodes, UserError, type Delivery, type Destination } from "@tributary/core/contracts";
import { createPluginRegistry } from "@tributary/core/registry";
import { replayDeadLetter } from "@tributary/core/services";
import { pruneRecordParts, waitForIdle } from "@tributary/core/runtime";
import { startTestRuntime, type RuntimeHarness } from "@tributary/test-kit";
import { gatedDestination } from "../kit/gated-destination.ts";
import { garminIngestJob } from "./garmin-stage.ts";
import { until } from "../kit/until.ts";
import { garmin, NOOR } from "../../connectors/garmin/test/garmin.ts";

/** 2026-03-10 00:00 at UTC+1: the local day the epochs below belong to. */
const DAY_START = 1773097200;
const DAY_MS = 86_400_000;
const _definition = garmin();

const epoch = (i: number, steps = 100 + i) => ({
  userId: NOOR,
  summaryId: `x15372ea-order-${i}`,
  activityType: "WALKING",
  activeKilocalories: 10,
  steps,
  distanceInMeters: 80,
  durationInSeconds: 900,
  activeTimeInSeconds: 900,
  startTimeInSeconds: DAY_START + i * 900,
  startTimeOffsetInSeconds: 3600,
  met: 2 + (i % 5),
  intensity: "ACTIVE",
  meanMotionIntensity: 2,
  maxMotionIntensity: 3,
});
const summary = {
  userId: NOOR,
  summaryId: "x15372ea-order-day",
  calendarDate: "2026-03-10",
  startTimeInSeconds: DAY_START,
  startTimeOffsetInSeconds: 3600,
  durationInSeconds: 86400,
  steps: 12345,
  distanceInMeters: 9000,
  activeKilocalories: 600,
  bmrKilocalories: 1690,
};

const samples = (delivery: Delivery) => (delivery.payload as any).data[0].MET_data.MET_samples as unknown[];

/**
 * Keeps what it is sent in the order the writes finish (what a last-writer-wins upsert keeps), each taking
 * a random while, so that overlapping deliveries would finish out of order.
 */
function slowDestination(): Destination & { received: Delivery[] } {
  const received: Delivery[] = [];
  return {
    name: "warehouse",
    type: "memory",
    received,
    write: async (batch) => {
      await sleep(Math.floor(Math.random() * 100));
      received.push(...batch);
    },
    delete: async () => undefined,
    check: async () => undefined,
    close: async () => undefined,
  };
}

/**
 * Garmin's day in push mode, where every 15-minute epoch is a notification of its own: the parts that
 * arrive together publish the day once, with all of them; versions published at the same time never reach
 * a destination older-after-newer; the kept parts of days gone quiet are pruned.
 */
describe("GARMIN: a day pushed in parts — once per push, in version order, pruned", () => {
  const destination = slowDestination();
  let harness: RuntimeHarness;
  let userId: string;

  beforeAll(async () => {
    harness = await startTestRuntime({ destinations: { warehouse: destination }, registry: createPluginRegistry([garmin()]) });
    ({ user_id: userId } = await harness.store.createConnection({ provider: "GARMIN", providerUserId: NOOR }));
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  const days = (key: string) =>
    destination.received.filter((delivery) => delivery.payload.type === "daily" && (delivery.payload as any).data[0].metadata.start_time.startsWith(key));

  it("a push of a day's 96 epochs and its summary delivers the day once, with every part", async () => {
    const epochs = Array.from({ length: 96 }, (_, i) => epoch(i));
    const job = garminIngestJob(userId, { dailies: [summary], epochs });
    expect(job.data.notifications).toHaveLength(97);
    await harness.runtime.ctx.queues.ingest.add(job.name, job.data);
    await waitForIdle(harness.runtime.ctx.queues, { timeoutMs: 60_000 });

    const [day, ...more] = days("2026-03-10");
    expect(more).toHaveLength(0);
    expect(day!.payload.data).toHaveLength(1);
    expect(samples(day!).length).toBeGreaterThanOrEqual(96);
    expect((day!.payload as any).data[0].distance_data.steps).toBe(12345);
  }, 120_000);

  it("pushes of one day's parts ingested at the same time never reach the destination older-after-newer; the last holds them all", async () => {
    const before = days("2026-03-10").length;
    // Twelve pushes at once, each revising one epoch (MET 20 + i): each publishes a newer version of the day.
    await harness.runtime.ctx.queues.ingest.addBulk(Array.from({ length: 12 }, (_, i) => garminIngestJob(userId, { epochs: [{ ...epoch(i), met: 20 + i }] })));
    await waitForIdle(harness.runtime.ctx.queues, { timeoutMs: 60_000 });

    const arrived = days("2026-03-10").slice(before);
    expect(arrived.length).toBeGreaterThan(0);
    // In the order they reached the destination: ordering timestamps grow, and so does the number of
    // revised epochs in the day — an older version after a newer one would hold fewer.
    const ordering = arrived.map((delivery) => delivery.orderingTimestamp);
    expect(ordering.every((t, i) => i === 0 || t > ordering[i - 1]!)).toBe(true);
    const revised = arrived.map((delivery) => samples(delivery).filter((sample: any) => sample.level >= 20).length);
    expect(revised.every((n, i) => i === 0 || n >= revised[i - 1]!)).toBe(true);
    expect(revised.at(-1)).toBe(12);
  }, 120_000);

  it("the hourly sweep prunes the parts of days no part arrived for in the provider's keeping time (backfill + 14 days, or providers.GARMIN.keepRecordPartsDays)", async () => {
    const { ctx } = harness.runtime;
    const job = garminIngestJob(userId, { epochs: [{ ...epoch(0), summaryId: "x15372ea-order-old", startTimeInSeconds: DAY_START - 30 * 86400 }] });
    await ctx.queues.ingest.add(job.name, job.data);
    await waitForIdle(ctx.queues, { timeoutMs: 60_000 });
    expect(await harness.store.readRecordParts(userId, "daily", "2026-02-08")).toBeDefined();
    await harness.store.db.query("UPDATE record_parts SET updated_at = now() - interval '50 days' WHERE user_id = $1 AND record_key = '2026-02-08'", [userId]);

    // Kept for 60 days by the operator: nothing goes yet.
    expect(await pruneRecordParts({ ...ctx, providers: { GARMIN: { keepRecordPartsDays: 60 } } })).toBe(0);
    // By default Garmin's 30 backfill days + 14: the quiet day goes, the day that just changed stays.
    expect(await pruneRecordParts(ctx)).toBe(1);
    expect(await harness.store.readRecordParts(userId, "daily", "2026-02-08")).toBeUndefined();
    expect(await harness.store.readRecordParts(userId, "daily", "2026-03-10")).toBeDefined();
    expect(await pruneRecordParts(ctx, Date.now() + 45 * DAY_MS)).toBe(1);
    expect(await ctx.metrics.registry.metrics()).toMatch(/tributary_pruned_rows_total\{table="record_parts"\} 2\b/);
  }, 120_000);
});

/**
 * The claim at publication only stops an older version from being published after a newer one. These are
 * the cases it cannot see — an older version's delivery that is already out (waiting on a retry, or a dead
 * letter an operator replays) when a newer version is published and delivered: the delivery's own check
 * (superseded) keeps it from landing on top of the newer day.
 */
describe("GARMIN: an older version of a day already out never lands after a newer one", () => {
  const destination = gatedDestination();
  let harness: RuntimeHarness;
  let userId: string;

  beforeAll(async () => {
    harness = await startTestRuntime({ destinations: { gated: destination }, registry: createPluginRegistry([garmin()]) });
    ({ user_id: userId } = await harness.store.createConnection({ provider: "GARMIN", providerUserId: NOOR }));
    const first = garminIngestJob(userId, { dailies: [summary], epochs: [epoch(0), epoch(1)] });
    await harness.runtime.ctx.queues.ingest.add(first.name, first.data);
    await waitForIdle(harness.runtime.ctx.queues, { timeoutMs: 60_000 });
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  /** A push revising the first epoch's MET to `met`: a new version of the day, told apart by that value. */
  const revise = async (met: number) => {
    const job = garminIngestJob(userId, { epochs: [{ ...epoch(0), met }] });
    await harness.runtime.ctx.queues.ingest.add(job.name, job.data);
  };
  const metOf = (delivery: Delivery) => Math.max(...samples(delivery).map((sample: any) => sample.level as number));
  /** Resolves once a write of the version with this MET has landed. */
  const landed = (met: number) => until(`the day with MET ${met} delivered`, async () => destination.received.find((delivery) => metOf(delivery) === met));
  const superseded = async (traceId: string) => (await harness.store.listDeliveries({ traceId, destination: "gated", status: "superseded" })).length;

  it("a version waiting on a delivery retry when a newer one is delivered is superseded, not written after it", async () => {
    const { queues } = harness.runtime.ctx;
    destination.refuse = (delivery) => (metOf(delivery) === 41 ? new Error("the warehouse is briefly away") : undefined);
    await revise(41);
    // The older version's delivery failed once and waits on its retry (minutes away by the default backoff).
    const [waiting] = await until("the older version's delivery waiting on a retry", async () => {
      const delayed = await queues.deliverTo("gated").getDelayed();
      return delayed.length > 0 ? delayed : undefined;
    });
    destination.refuse = undefined;

    await revise(42);
    await landed(42);
    // Its retry comes now: it finds a newer version delivered.
    await waiting!.promote();
    await waitForIdle(queues, { timeoutMs: 60_000 });

    expect(destination.received.map(metOf)).not.toContain(41);
    expect(metOf(destination.received.at(-1)!)).toBe(42);
    expect(await superseded(waiting!.data.traceId)).toBe(1);
  }, 120_000);

  it("a replayed dead letter of an older version is superseded by the newer one delivered meanwhile", async () => {
    const { ctx } = harness.runtime;
    destination.refuse = (delivery) =>
      metOf(delivery) === 51 ? new UserError(ErrorCodes.DESTINATION_CONFIG, "the warehouse refused the write", { hint: "fix the warehouse" }) : undefined;
    await revise(51);
    await waitForIdle(ctx.queues, { timeoutMs: 60_000 });
    const [letter] = await ctx.store.listDeadLetters({ destination: "gated" });
    expect(letter).toBeDefined();
    destination.refuse = undefined;

    await revise(52);
    await waitForIdle(ctx.queues, { timeoutMs: 60_000 });
    expect(metOf(destination.received.at(-1)!)).toBe(52);

    // The operator replays the older version's dead letter after the newer version is out.
    const deps = { store: ctx.store, queues: { ...ctx.queues, redis: ctx.redis }, policy: ctx.policy };
    expect(await replayDeadLetter(deps, letter!.id)).toMatchObject({ status: "replayed" });
    await waitForIdle(ctx.queues, { timeoutMs: 60_000 });

    expect(destination.received.map(metOf)).not.toContain(51);
    expect(metOf(destination.received.at(-1)!)).toBe(52);
    expect(await superseded(letter!.trace_id!)).toBe(1);
  }, 120_000);
});
