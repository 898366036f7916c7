import { beforeAll, describe, expect, it } from "vitest";
import { createRecordMapper } from "@tributary/core/authoring";
import type { SpecFixtures } from "@tributary/core/mock-provider";
import { ACTIVITY, JORDAN, mapActivity, xert, xertFixtures } from "./xert.ts";

/**
 * Xert activity (list item + detail with session_data) → Terra Activity, against values computed by hand
 * from the fixtures: the ride's power is 180 + (i mod 40) W for i = 0…599, its spd 8000 + (i mod 10)·100
 * (m/s × 1000), its heart rate 120 + (i mod 30) bpm; the summary distance is in kilometres.
 */
describe("XERT activity → Activity", () => {
  let fixtures: SpecFixtures;
  beforeAll(async () => {
    fixtures = await xertFixtures();
  });

  it("an outdoor ride: km → m, the session's power and calories, work from the samples, spd ÷ 1000, GPS, XSS", async () => {
    const ride = await mapActivity(fixtures, ACTIVITY.gpsRide);
    expect(ride.metadata).toEqual({
      summary_id: ACTIVITY.gpsRide,
      name: "Morning Ride",
      type: 1,
      upload_type: 6,
      start_time: "2026-03-02T06:10:00.000000+00:00",
      // duration 600 s
      end_time: "2026-03-02T06:20:00.000000+00:00",
      timestamp_localization: 0,
    });
    expect(ride.active_durations_data).toEqual({ activity_seconds: 600 });
    expect(ride.distance_data.summary).toEqual({ distance_meters: 5400, elevation: { gain_actual_meters: 30, max_meters: 129.9, min_meters: 100 } });
    expect(ride.calories_data).toEqual({ total_burned_calories: 121 });
    expect(ride.power_data).toMatchObject({ avg_watts: 199.5, max_watts: 219 });
    // Σ power = 600 × 180 + 15 × (0 + … + 39) = 108000 + 11700 = 119700 J
    expect(ride.work_data).toEqual({ work_kilojoules: 119.7 });
    // spd 8000…8900 → 8.0…8.9 m/s, averaging 8.45; cadence 85…94 averaging 89.5
    expect(ride.movement_data).toMatchObject({
      avg_speed_meters_per_second: 8.45,
      max_speed_meters_per_second: 8.9,
      avg_cadence_rpm: 89.5,
      max_cadence_rpm: 94,
    });
    // 120…149 bpm in 20 whole cycles
    expect(ride.heart_rate_data.summary).toEqual({ avg_hr_bpm: 134.5, max_hr_bpm: 149, min_hr_bpm: 120 });
    for (const samples of [
      ride.power_data.power_samples,
      ride.heart_rate_data.detailed.hr_samples,
      ride.movement_data.speed_samples,
      ride.movement_data.cadence_samples,
      ride.position_data.position_samples,
      ride.distance_data.detailed.distance_samples,
    ]) {
      expect(samples).toHaveLength(600);
    }
    expect(ride.power_data.power_samples[1]).toEqual({ timestamp: "2026-03-02T06:10:01.000000+00:00", watts: 181 });
    expect(ride.movement_data.speed_samples[1]).toEqual({ timestamp: "2026-03-02T06:10:01.000000+00:00", speed_meters_per_second: 8.1 });
    // dist is metres: 8.0 + 8.1 after two seconds
    expect(ride.distance_data.detailed.distance_samples[1]).toEqual({ timestamp: "2026-03-02T06:10:01.000000+00:00", distance_meters: 16.1 });
    expect(ride.position_data.start_pos_lat_lng_deg).toEqual([45.42, -75.69]);
    expect(ride.position_data.end_pos_lat_lng_deg).toEqual(ride.position_data.position_samples.at(-1).coords_lat_lng_deg);
    expect(ride.TSS_data).toEqual({ TSS_samples: [{ actual: 18.4, method: "Xert XSS" }] });
  });

  it("a trainer ride has no distance, speed or GPS; a run has no power: what is absent stays absent", async () => {
    const trainer = await mapActivity(fixtures, ACTIVITY.trainer);
    expect(trainer.metadata.type).toBe(18);
    expect(trainer.distance_data.summary).toBeUndefined();
    expect(trainer.position_data.start_pos_lat_lng_deg).toBeUndefined();
    expect(trainer.power_data.power_samples).toHaveLength(300);
    const run = await mapActivity(fixtures, ACTIVITY.run);
    expect(run.metadata.type).toBe(8);
    expect(run.distance_data.summary.distance_meters).toBe(768);
    expect(run.power_data.avg_watts).toBeUndefined();
    expect(run.work_data).toBeUndefined();
    expect(run.movement_data).toMatchObject({ avg_speed_meters_per_second: 3.2, avg_cadence_rpm: 86 });
  });

  it("tolerates absent keys: a summary without a session, and a detail with neither summary nor samples", async () => {
    const manual = await mapActivity(fixtures, ACTIVITY.manual);
    expect(manual).toEqual({
      metadata: {
        summary_id: ACTIVITY.manual,
        name: "Gym bike (manual)",
        type: 1,
        upload_type: 6,
        start_time: "2026-03-25T17:00:00.000000+00:00",
        end_time: "2026-03-25T17:30:00.000000+00:00",
        timestamp_localization: 0,
      },
      active_durations_data: { activity_seconds: 1800 },
      distance_data: { summary: { distance_meters: 15000 } },
    });
    const bare = await mapActivity(fixtures, ACTIVITY.bare);
    // Terra requires an end time: without a duration the activity ends where it starts.
    expect(bare).toEqual({
      metadata: {
        summary_id: ACTIVITY.bare,
        name: "Imported ride",
        type: 1,
        upload_type: 6,
        start_time: "2026-03-28T09:00:00.000000+00:00",
        end_time: "2026-03-28T09:00:00.000000+00:00",
        timestamp_localization: 0,
      },
    });
  });

  it("reads the list's PHP date (UTC) when the detail gives no start", async () => {
    const mapper = createRecordMapper(xert(), { userId: "test-user", providerUserId: JORDAN });
    const [outcome] = await mapper.map("activity", "activity", {
      name: "List only",
      path: "abcdef0123456789",
      activity_type: "Indoor Cycling",
      start_date: { date: "2026-03-05 07:08:09.000000", timezone_type: 3, timezone: "UTC" },
      detail: { success: true },
    });
    expect(outcome).toMatchObject({ kind: "record", record: { metadata: { start_time: "2026-03-05T07:08:09.000000+00:00", type: 18, name: "List only" } } });
  });

  it("training_info → Athlete: the account, which is all of it Terra's Athlete has a place for", async () => {
    const mapper = createRecordMapper(xert(), { userId: "test-user", providerUserId: JORDAN });
    const info = (fixtures.streams!.training_info!.records as Record<string, unknown[]>)[JORDAN]![0]!;
    expect(await mapper.map("athlete", "athlete", info as Record<string, unknown>)).toMatchObject([{ kind: "record", record: { provider_user_id: JORDAN } }]);
  });
});
