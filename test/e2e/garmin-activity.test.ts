import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Delivery } from "@tributary/core/contracts";
import { waitForIdle } from "@tributary/core/runtime";
import type { RuntimeHarness } from "@tributary/test-kit";
import { gatedDestination } from "../kit/gated-destination.ts";
import { garminIngestJob, startGarminStage, type GarminStage } from "./garmin-stage.ts";
import { FIXTURES_DIR, garmin, RIDE_ID } from "../../connectors/garmin/test/garmin.ts";

/**
 * Garmin's activity in parts through the ingest path, push and ping, to a destination: the summary
 * (Activities), the details (Activity Details) and the FIT file (Activity Files) of one activity each
 * publish a new version of its one Activity — whichever comes first is delivered, each later one delivers
 * the whole, in version order, and no part's samples are lost or doubled.
 */
describe("GARMIN: an activity's summary, details and FIT file — one Activity, versioned", () => {
  const definition = garmin();
  const webhook = definition.spec.webhook!;
  // Keeps every delivery in the order written: each version of an activity the runtime delivers.
  const destination = gatedDestination();
  let stage: GarminStage;
  let harness: RuntimeHarness;
  let userId: string;

  beforeAll(async () => {
    stage = await startGarminStage({ gated: destination });
    ({ harness, userId } = stage);
  }, 60_000);

  afterAll(async () => {
    await stage?.close();
  });

  /** The notifications of a push body (an example's, or one made here) as the ingress queues them — one ingest job — then everything it causes. */
  async function ingest(body: unknown): Promise<void> {
    const job = garminIngestJob(userId, body);
    await harness.runtime.ctx.queues.ingest.add(job.name, job.data);
    await waitForIdle(harness.runtime.ctx.queues, { timeoutMs: 60_000 });
  }
  const example = (i: number) => webhook.examples![i]!.body as Record<string, any[]>;
  /** The versions of one activity delivered so far, in the order written. */
  const versions = (summaryId: string) =>
    destination.received.filter((delivery) => delivery.payload.type === "activity" && (delivery.payload as any).data[0].metadata.summary_id === summaryId);
  const record = (delivery: Delivery) => (delivery.payload as any).data[0];
  const version = async (summaryId: string) => (await harness.store.readRecordParts(userId, "activity", summaryId))!.version;
  const bpm = (delivery: Delivery) => record(delivery).heart_rate_data.detailed?.hr_samples.map((s: any) => s.bpm);

  it("summary pushed → details pinged → summary pushed again: three versions in order, the samples kept once the details came", async () => {
    await ingest({ activities: example(6).activities });
    const v1 = await version("21047391582");
    await ingest({ activityDetails: example(2).activityDetails });
    const v2 = await version("21047391582");
    await ingest({ activities: example(6).activities });
    const v3 = await version("21047391582");
    expect(v1 < v2 && v2 < v3).toBe(true);

    const [first, second, third, ...more] = versions("21047391582");
    expect(more).toEqual([]);
    // Each alone in its payload, each after the one before.
    expect([first, second, third].map((delivery) => (delivery!.payload as any).data.length)).toEqual([1, 1, 1]);
    expect(first!.orderingTimestamp < second!.orderingTimestamp && second!.orderingTimestamp < third!.orderingTimestamp).toBe(true);
    // The summary alone: its values, no samples; then the details' five samples, kept by the summary sent again.
    expect(record(first!).metadata).toMatchObject({ name: "Berlin Running", type: 8, start_time: "2026-03-10T17:30:00.000000+01:00" });
    expect(record(first!).calories_data).toEqual({ net_activity_calories: 561 });
    expect(bpm(first!)).toBeUndefined();
    expect(bpm(second!)).toEqual([120, 125, 130, 135, 140]);
    expect(record(third!)).toEqual(record(second!));
  }, 120_000);

  it("details pushed → summary pushed (the activity renamed since): the renamed whole keeps every sample", async () => {
    const id = "21047391999";
    // The run's details as Garmin answers its ping URL, pushed this time about another activity.
    const urls = JSON.parse(readFileSync(join(FIXTURES_DIR, "urls.json"), "utf8")) as Array<{ path: string; body: any[] }>;
    const [details] = urls.find((answer) => answer.path === "/wellness-api/rest/activityDetails")!.body;
    await ingest({
      activityDetails: [{ ...details, summaryId: `${id}-detail`, activityId: Number(id), summary: { ...details.summary, activityId: Number(id) } }],
    });
    const [summary] = example(6).activities!;
    await ingest({ activities: [{ ...summary, summaryId: id, activityId: Number(id), activityName: "Spree Loop" }] });

    const [first, second, ...more] = versions(id);
    expect(more).toEqual([]);
    expect(first!.orderingTimestamp).toBeLessThan(second!.orderingTimestamp);
    expect(record(first!).metadata.name).toBe("Berlin Running");
    expect(record(second!)).toEqual({ ...record(first!), metadata: { ...record(first!).metadata, name: "Spree Loop" } });
    expect(bpm(second!)).toEqual([120, 125, 130, 135, 140]);
  }, 120_000);

  it("an app with only the Activities endpoint (ping): the swim's summary is its Activity", async () => {
    await ingest(example(7));
    const [swim, ...more] = versions("21049920417");
    expect(more).toEqual([]);
    expect(record(swim!).metadata).toMatchObject({
      name: "Pool Swim",
      type: 83,
      start_time: "2026-03-11T08:15:00.000000+01:00",
      end_time: "2026-03-11T08:45:00.000000+01:00",
    });
    expect(record(swim!).heart_rate_data).toEqual({ summary: { avg_hr_bpm: 132, max_hr_bpm: 151 } });
  }, 120_000);

  it("the ride's FIT file (ping) → its summary (push): the file alone first, then the summary's values over the file's 60 samples and lap", async () => {
    await ingest({ activityFiles: example(3).activityFiles });
    const [summary] = example(6).activities!;
    await ingest({
      activities: [
        {
          ...summary,
          summaryId: RIDE_ID,
          activityId: Number(RIDE_ID),
          activityName: "Morning Ride",
          activityType: "ROAD_BIKING",
          startTimeInSeconds: 1773208800,
          durationInSeconds: 60,
          distanceInMeters: 472,
          activeKilocalories: 15,
        },
      ],
    });
    const [file, whole, ...more] = versions(RIDE_ID);
    expect(more).toEqual([]);
    expect(record(file!).metadata.start_time).toBe("2026-03-11T06:00:00.000000+00:00");
    expect(bpm(file!)).toHaveLength(60);
    // 1773208800 = 06:00Z, 07:00 at the summary's +01:00.
    expect(record(whole!).metadata).toMatchObject({ type: 16, start_time: "2026-03-11T07:00:00.000000+01:00", end_time: "2026-03-11T07:01:00.000000+01:00" });
    expect(record(whole!).calories_data.net_activity_calories).toBe(15);
    expect(record(whole!).heart_rate_data.detailed).toEqual(record(file!).heart_rate_data.detailed);
    expect(record(whole!).power_data.power_samples).toHaveLength(60);
    expect(record(whole!).lap_data).toEqual(record(file!).lap_data);
  }, 120_000);
});
