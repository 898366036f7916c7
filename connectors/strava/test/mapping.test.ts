import { beforeAll, describe, expect, it } from "vitest";
import { createRecordMapper } from "@tributary/core/authoring";
import type { SpecFixtures } from "@tributary/core/mock-provider";
import { ACTIVITY, MAYA, mapActivity, strava, stravaFixtures } from "./strava.ts";

/**
 * Strava SummaryActivity + DetailedActivity + streams (key_by_type) → Terra Activity, against values
 * computed by hand from the fixtures. The ride's streams are 720 samples five seconds apart: watts
 * 150 + (i mod 50), heart rate 110 + (i mod 40), cadence 80 + (i mod 15), velocity 7.5 + (i mod 10)·0.1 m/s,
 * distance the running sum of velocity × 5 s, altitude 20 + (i mod 60)·0.5 m.
 */
describe("STRAVA activity → Activity", () => {
  let fixtures: SpecFixtures;
  beforeAll(async () => {
    fixtures = await stravaFixtures();
  });

  it("a ride: local times at utc_offset (+01:00), moving vs elapsed time, calories from the detail, every stream on the sample's own second", async () => {
    const ride = await mapActivity(fixtures, ACTIVITY.ride);
    expect(ride.metadata).toEqual({
      summary_id: "17001000001",
      name: "Morning Ride",
      type: 1,
      upload_type: 1,
      // start_date 06:30:00Z, utc_offset 3600; elapsed_time 3600 s
      start_time: "2026-03-03T07:30:00.000000+01:00",
      end_time: "2026-03-03T08:30:00.000000+01:00",
      timestamp_localization: 1,
    });
    // moving 3480 s of 3600 elapsed
    expect(ride.active_durations_data).toEqual({ activity_seconds: 3480, rest_seconds: 120 });
    expect(ride.calories_data).toEqual({ total_burned_calories: 677.2 });
    expect(ride.work_data).toEqual({ work_kilojoules: 607.3 });
    expect(ride.device_data).toEqual({ name: "Garmin Edge 540" });
    expect(ride.power_data).toMatchObject({ avg_watts: 174.5, max_watts: 199 });
    expect(ride.heart_rate_data.summary).toEqual({ avg_hr_bpm: 129.5, max_hr_bpm: 149 });
    expect(ride.distance_data.summary.elevation).toEqual({ gain_actual_meters: 214.5, max_meters: 49.5, min_meters: 20 });
    for (const samples of [
      ride.power_data.power_samples,
      ride.heart_rate_data.detailed.hr_samples,
      ride.movement_data.cadence_samples,
      ride.movement_data.speed_samples,
      ride.position_data.position_samples,
      ride.distance_data.detailed.distance_samples,
      ride.distance_data.detailed.elevation_samples,
    ]) {
      expect(samples).toHaveLength(720);
    }
    // i = 1: t = 5 s
    expect(ride.power_data.power_samples[1]).toEqual({ timestamp: "2026-03-03T07:30:05.000000+01:00", watts: 151 });
    expect(ride.movement_data.speed_samples[1]).toEqual({ timestamp: "2026-03-03T07:30:05.000000+01:00", speed_meters_per_second: 7.6 });
    // distance after two steps: 7.6 × 5 + 7.7 × 5 = 76.5 m
    expect(ride.distance_data.detailed.distance_samples[2]).toEqual({ timestamp: "2026-03-03T07:30:10.000000+01:00", distance_meters: 76.5 });
    expect(ride.distance_data.detailed.elevation_samples[1]).toEqual({ timestamp: "2026-03-03T07:30:05.000000+01:00", elev_meters: 20.5 });
    // i = 719: t = 3595 s, 110 + 719 mod 40 = 149 bpm
    expect(ride.heart_rate_data.detailed.hr_samples[719]).toEqual({ timestamp: "2026-03-03T08:29:55.000000+01:00", bpm: 149 });
    expect(ride.position_data.position_samples[0]).toEqual({ timestamp: "2026-03-03T07:30:00.000000+01:00", coords_lat_lng_deg: [59.33, 18.06] });
    expect(ride.position_data.start_pos_lat_lng_deg).toEqual([59.33, 18.06]);
    expect(ride.position_data.end_pos_lat_lng_deg).toEqual(ride.position_data.position_samples[719].coords_lat_lng_deg);
    expect(ride.polyline_map_data.summary_polyline).toBe("_p~iF~ps|U_ulLnnqC_mqNvxq`@");
  });

  it('a run has no power at all; a virtual ride has no position or polyline (Strava\'s [] and "" stay absent)', async () => {
    const run = await mapActivity(fixtures, ACTIVITY.run);
    expect(run.metadata.type).toBe(8);
    expect(run.power_data).toBeUndefined();
    expect(run.work_data).toBeUndefined();
    expect(run.heart_rate_data.detailed.hr_samples).toHaveLength(240);
    // 240 samples ten seconds apart, 32 m each
    expect(run.distance_data.detailed.distance_samples[239]).toEqual({ timestamp: "2026-03-05T07:49:50.000000+01:00", distance_meters: 7648 });
    const zwift = await mapActivity(fixtures, ACTIVITY.virtualRide);
    expect(zwift.metadata.type).toBe(18);
    expect(zwift.position_data).toBeUndefined();
    expect(zwift.polyline_map_data).toBeUndefined();
    expect(zwift.power_data.power_samples).toHaveLength(300);
    // every 2 s: the 10th sample is at 18 s, 200 + 9 × 2 W
    expect(zwift.power_data.power_samples[9]).toEqual({ timestamp: "2026-03-12T18:45:18.000000+01:00", watts: 218 });
  });

  it("a manual entry: upload type Manual, no samples; a run after the switch to summer time is at +02:00", async () => {
    const gym = await mapActivity(fixtures, ACTIVITY.manualGym);
    expect(gym).toEqual({
      metadata: {
        summary_id: "17001000004",
        name: "Gym: legs",
        type: 80,
        upload_type: 2,
        start_time: "2026-03-18T17:00:00.000000+01:00",
        end_time: "2026-03-18T17:45:00.000000+01:00",
        timestamp_localization: 1,
      },
      active_durations_data: { activity_seconds: 2700, rest_seconds: 0 },
      calories_data: { total_burned_calories: 210 },
      distance_data: { summary: { distance_meters: 0, elevation: { gain_actual_meters: 0 } } },
      movement_data: { avg_speed_meters_per_second: 0, max_speed_meters_per_second: 0 },
    });
    const evening = await mapActivity(fixtures, ACTIVITY.summerTimeRun);
    expect(evening.metadata.start_time).toBe("2026-03-30T18:00:00.000000+02:00");
    expect(evening.heart_rate_data.detailed.hr_samples).toHaveLength(60);
    // i = 59: 30 × 59 = 1770 s after 18:00, 120 + 59 bpm
    expect(evening.heart_rate_data.detailed.hr_samples[59]).toEqual({ timestamp: "2026-03-30T18:29:30.000000+02:00", bpm: 179 });
  });

  it("sport_type wins over the legacy type, and an unknown sport is Other", async () => {
    const mapper = createRecordMapper(strava(), { userId: "test-user", providerUserId: MAYA });
    const base = { id: 1, name: "x", start_date: "2026-03-01T10:00:00Z", utc_offset: 0, elapsed_time: 60, moving_time: 60, manual: false };
    const typeOf = async (extra: Record<string, unknown>) => ((await mapper.map("activity", "activity", { ...base, ...extra }))[0] as any).record.metadata.type;
    expect(await typeOf({ type: "Ride", sport_type: "GravelRide" })).toBe(150);
    expect(await typeOf({ type: "Ride" })).toBe(1);
    expect(await typeOf({ type: "Workout", sport_type: "Pickleball" })).toBe(108);
  });

  it("athlete → Athlete: the id as text, names, sex M/F → male/female, home town, account creation", async () => {
    const mapper = createRecordMapper(strava(), { userId: "test-user", providerUserId: MAYA });
    const athlete = (fixtures.streams!.athlete!.records as Record<string, unknown[]>)[MAYA]![0]!;
    expect(await mapper.map("athlete", "athlete", athlete as Record<string, unknown>)).toMatchObject([
      {
        kind: "record",
        record: {
          provider_user_id: MAYA,
          first_name: "Maya",
          last_name: "Lindqvist",
          sex: "female",
          city: "Stockholm",
          country: "Sweden",
          account_creation_date: "2019-04-11T18:22:05.000000+00:00",
        },
      },
    ]);
  });
});
