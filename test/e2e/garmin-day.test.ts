import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "@tributary/core/log";
import { waitForIdle } from "@tributary/core/runtime";
import sqlPlugin from "@tributary/destination-sql";
import type { RuntimeHarness } from "@tributary/test-kit";
import { garminIngestJob, startGarminStage, type GarminStage } from "./garmin-stage.ts";
import { aboutBrokenRide, BROKEN_RIDE_ID, garmin, RIDE_ID } from "../../connectors/garmin/test/garmin.ts";
import { createReadBack, POSTGRES_URL, type ReadBack } from "../kit/read-back/index.ts";
import { until } from "../kit/until.ts";

/**
 * Garmin's day through the runtime to a SQL destination: its summary, epochs and user metrics arrive as
 * separate pings, and the warehouse holds one Daily with all of them; a revised epoch replaces its slice; a
 * ride's FIT file becomes its Activity, a broken one is quarantined; a deregistration deauthorizes the
 * user and the day's kept parts go with the connection.
 */
describe("GARMIN: a day in parts, activity files, deregistration — to a warehouse", () => {
  const definition = garmin();
  const webhook = definition.spec.webhook!;
  const sqlOptions = { dialect: "postgres" as const, url: POSTGRES_URL, schema: `garmin_${randomUUID().slice(0, 8)}` };
  let stage: GarminStage;
  let harness: RuntimeHarness;
  let readBack: ReadBack;
  let userId: string;

  beforeAll(async () => {
    readBack = createReadBack();
    stage = await startGarminStage({ warehouse: sqlPlugin.create(sqlOptions, { name: "warehouse", log: silentLogger(), lookup: () => undefined }) });
    ({ harness, userId } = stage);
  }, 60_000);

  afterAll(async () => {
    await stage?.close();
    await readBack?.dropSql(sqlOptions);
    await readBack?.close();
  });

  /** One notification of a push body (by event type) as the ingress queues it, then everything it causes. */
  async function ingest(
    body: unknown,
    eventType: string,
    change: (document: Record<string, unknown>) => Record<string, unknown> = (d) => d,
    idle = true,
  ): Promise<void> {
    const job = garminIngestJob(userId, body, { eventType, change });
    // One notification: the first of that type in the body.
    job.data.notifications.splice(1);
    await harness.runtime.ctx.queues.ingest.add(job.name, job.data);
    if (idle) await waitForIdle(harness.runtime.ctx.queues, { timeoutMs: 60_000 });
  }
  const stored = async (type: string) => (await readBack.sql(sqlOptions, userId)).filter((row) => row.type === type);
  const example = (i: number) => webhook.examples![i]!.body;

  it("the day's summary, epochs and user metrics, each pinged on its own, are one Daily in the warehouse; a revised epoch replaces its slice", async () => {
    await ingest(example(2), "dailies");
    await ingest(example(3), "epochs");
    await ingest(example(3), "userMetrics");
    const [day, ...more] = await stored("daily");
    expect(more).toEqual([]);
    expect(day!.key).toBe("2026-03-10");
    const record = day!.record as any;
    // The summary's totals, untouched by the epochs; the epochs' samples; the user metrics' VO2 max.
    expect(record.metadata.start_time).toBe("2026-03-10T00:00:00.000000+01:00");
    expect(record.distance_data.steps).toBe(11873);
    expect(record.MET_data.MET_samples.map((s: any) => [s.timestamp.slice(11, 16), s.level])).toEqual([
      ["08:30", 1],
      ["08:30", 3.3],
      ["08:45", 9.8],
    ]);
    expect(record.oxygen_data).toEqual({ vo2max_ml_per_min_per_kg: 48 });

    // Push mode: the 08:45 epoch again, revised — it replaces its part, nothing is added.
    await ingest(example(4), "epochs");
    const [revised, ...again] = await stored("daily");
    expect(again).toEqual([]);
    expect((revised!.record as any).MET_data.MET_samples.map((s: any) => [s.timestamp.slice(11, 16), s.level])).toEqual([
      ["08:30", 1],
      ["08:30", 3.3],
      ["08:45", 10.1],
    ]);
    expect((revised!.record as any).distance_data.steps).toBe(11873);
  }, 120_000);

  it("an activity file: the FIT file is fetched and decoded into the ride's Activity; one that does not decode is quarantined, nothing delivered", async () => {
    await ingest(example(3), "activityFiles");
    await ingest(example(3), "activityFiles", aboutBrokenRide);
    const activities = await stored("activity");
    expect(activities.map((row) => row.key)).toEqual([RIDE_ID]);
    expect((activities[0]!.record as any).heart_rate_data.detailed.hr_samples).toHaveLength(60);
    const [quarantined, ...others] = await harness.store.listQuarantine({ userId });
    expect(others).toEqual([]);
    expect(quarantined).toMatchObject({ data_type: "activity", raw: { activityId: Number(BROKEN_RIDE_ID), fit: { size_bytes: 100 } } });
    expect(quarantined!.issues).toEqual([expect.objectContaining({ rule: "decode", message: expect.stringContaining("not a readable FIT activity file") })]);
  }, 120_000);

  it("a deregistration deauthorizes the user: the warehouse erases the user's data, and the day's kept parts are gone", async () => {
    expect((await stored("daily")).length).toBe(1);
    // Not waiting for idle queues: the deauth leaves a delayed second erase (after twice the longest write timeout).
    await ingest(example(5), "deregistrations", undefined, false);
    await until("the warehouse to erase the user's data", async () => ((await readBack.sql(sqlOptions, userId)).length === 0 ? true : undefined));
    expect((await harness.store.getConnection(userId))?.active).toBe(false);
    const { rows } = await harness.store.db.query("SELECT count(*)::int AS n FROM record_parts WHERE user_id = $1", [userId]);
    expect(rows[0]).toEqual({ n: 0 });
  }, 120_000);
});
