import { describe, expect, it } from "vitest";
import { createRecordMapper, readPush, type MappedRecord } from "@tributary/core/authoring";
import { SAM, wahoo } from "./wahoo.ts";

const mapper = createRecordMapper(wahoo(), { userId: "terra-sam", providerUserId: SAM });

/** Each workout mapped as the stream hands it to the mapping; every one must be delivered. */
async function mapped(...workouts: unknown[]): Promise<any[]> {
  const out: MappedRecord[] = [];
  for (const workout of workouts) out.push(...(await mapper.map("activity", "activity", workout)));
  expect(out.filter((m) => m.kind !== "record")).toEqual([]);
  return out.map((m) => (m as Extract<MappedRecord, { kind: "record" }>).record);
}

/**
 * Workouts shaped like the Wahoo Cloud API answers that integrations keep in their tests and types (values
 * and ids are ours): summaries whose numbers are text or null (a trainer ride has no heart rate, a run no
 * power), `file` null, no summary yet. Each record must be delivered, with the values worked out by hand.
 */
describe("WAHOO real answer shapes", () => {
  it("a summary whose totals are null is delivered: the end falls back on the workout's minutes, the null totals are left out", async () => {
    // Summary fields typed `string | null` in an open-source Wahoo integration; a run recorded by a phone app without totals yet.
    const [run] = await mapped({
      id: 774520,
      starts: "2026-03-24T07:00:00.000Z",
      minutes: 30,
      name: "Run",
      plan_id: null,
      workout_token: "app:9f3e",
      workout_type_id: 1,
      created_at: "2026-03-24T07:31:00.000Z",
      updated_at: "2026-03-24T07:31:00.000Z",
      workout_summary: {
        id: 881400,
        ascent_accum: null,
        cadence_avg: null,
        calories_accum: null,
        distance_accum: "5012.4",
        duration_active_accum: null,
        duration_paused_accum: null,
        duration_total_accum: null,
        heart_rate_avg: null,
        power_avg: null,
        speed_avg: null,
        work_accum: null,
        file: null,
      },
    });
    expect(run.metadata).toMatchObject({
      summary_id: "774520",
      type: 8,
      start_time: "2026-03-24T07:00:00.000000+00:00",
      end_time: "2026-03-24T07:30:00.000000+00:00",
    });
    expect(run.distance_data).toEqual({ summary: { distance_meters: 5012.4 } });
    expect(run.active_durations_data).toBeUndefined();
  });
  it("a ride without a power meter (TSS and normalized power null) has no TSS sample, not one that says only its method", async () => {
    // A trainer ride's summary as an open-source Wahoo integration types it: power fields `string | null`, file null, files [].
    const [ride] = await mapped({
      id: 774521,
      starts: "2026-03-23T07:00:00.000Z",
      minutes: 60,
      name: "Trainer ride",
      workout_type_id: 61,
      workout_summary: {
        id: 881401,
        ascent_accum: "0.0",
        cadence_avg: null,
        calories_accum: "650.0",
        distance_accum: "30000.0",
        duration_active_accum: "3600.0",
        duration_paused_accum: "0.0",
        duration_total_accum: "3600.0",
        heart_rate_avg: "131.0",
        power_bike_np_last: null,
        power_bike_tss_last: null,
        power_avg: null,
        speed_avg: "8.333",
        work_accum: null,
        manual: false,
        edited: null,
        file: null,
        files: [],
        fitness_app_id: 3,
      },
    });
    expect(ride.TSS_data).toBeUndefined();
    expect(ride.power_data).toBeUndefined();
    expect(ride.metadata).toMatchObject({ type: 18, end_time: "2026-03-23T08:00:00.000000+00:00" });
    expect(ride.movement_data).toEqual({ avg_speed_meters_per_second: 8.333 });
  });
  it("a workout without workout_type_id, or with a type id Wahoo added after this list, is Other (108)", async () => {
    // The workout object of a webhook as an open-source integration types it (every field optional); 200 stands for a type id this spec does not know.
    const [untyped, unknown] = await mapped(
      { id: 774522, starts: "2026-03-25T17:00:00.000Z", minutes: 45, name: "Imported", workout_summary: null },
      { id: 774523, starts: "2026-03-26T17:00:00.000Z", minutes: 45, name: "New sport", workout_type_id: 200, workout_summary: null },
    );
    expect([untyped.metadata.type, unknown.metadata.type]).toEqual([108, 108]);
    expect(untyped.metadata).toMatchObject({ summary_id: "774522", end_time: "2026-03-25T17:45:00.000000+00:00" });
  });
  it("webhook bodies with and without `file` (and with the summary's started_at, time_zone, fitness_app_id) each name the workout to fetch", () => {
    // Body shapes a Python Wahoo integration's webhook tests post; the second as a ride still uploading its file arrives.
    const body = (file: unknown) => ({
      event_type: "workout_summary",
      webhook_token: "t0k3n",
      user: { id: 60462 },
      workout_summary: {
        id: 881402,
        started_at: "2026-04-25T09:36:48.000Z",
        duration_total_accum: "4521.0",
        time_zone: "Europe/Helsinki",
        fitness_app_id: 1,
        ...(file === undefined ? {} : { file }),
        workout: { id: 774524, starts: "2026-04-25T09:36:48.000Z", minutes: 75, name: "Gravel", workout_type_id: 0, fitness_app_id: 1 },
      },
    });
    const webhook = wahoo().spec.webhook!;
    for (const file of [{ url: "https://cdn.wahooligan.com/x/ride.fit" }, null, undefined]) {
      const [notification] = readPush(webhook, body(file));
      expect(notification).toMatchObject({ providerUserId: SAM, action: { action: "pull_object", id: "/workout_summary/workout/id" } });
      expect((notification!.document as any).workout_summary.workout.id).toBe(774524);
    }
  });
});
