import { beforeAll, describe, expect, it } from "vitest";
import type { SpecFixtures } from "@tributary/core/mock-provider";
import { fixtureRecords, mapOne, NIGHT_OF_THE_10TH, ouraFixtures, withDetails, WORKOUT } from "./oura.ts";

/**
 * Oura API v2 documents → Terra, against values computed by hand from the fixtures. Sleep periods carry
 * heart rate and HRV every 300 s from bedtime_start (50 + i mod 8 bpm, 110 + i mod 20 ms, the first null)
 * and a hypnogram digit every 5 minutes; a day's activity carries MET levels every 60 s; durations are
 * seconds; the ride's heart rate is 720 samples of 110 + (i mod 40) bpm.
 */
describe("OURA → Terra", () => {
  let fixtures: SpecFixtures;
  const byId = (stream: string, id: string) => fixtureRecords(fixtures, stream).find((r) => r.id === id)!;
  beforeAll(async () => {
    fixtures = await ouraFixtures();
  });

  it("a night → Sleep: bedtimes with their offset, seconds as they are, 99 heart-rate and HRV samples (the null left out), a hypnogram of 100 five-minute stages", async () => {
    const sleep = await mapOne("sleep", byId("sleep_periods", NIGHT_OF_THE_10TH));
    expect(sleep.metadata).toEqual({
      summary_id: NIGHT_OF_THE_10TH,
      start_time: "2026-03-09T23:05:14.000000+01:00",
      end_time: "2026-03-10T07:25:14.000000+01:00",
      is_nap: false,
      upload_type: 1,
      timestamp_localization: 1,
    });
    expect(sleep.sleep_durations_data).toMatchObject({
      sleep_efficiency: 84,
      asleep: {
        duration_asleep_state_seconds: 25200,
        duration_deep_sleep_state_seconds: 4170,
        duration_light_sleep_state_seconds: 18750,
        duration_REM_sleep_state_seconds: 2280,
      },
      awake: { duration_awake_state_seconds: 4800, sleep_latency_seconds: 540 },
      other: { duration_in_bed_seconds: 30000 },
    });
    const { hr_samples, hrv_samples_rmssd } = sleep.heart_rate_data.detailed;
    expect(hr_samples).toHaveLength(99);
    // item 1: 300 s after bedtime, 50 + 1 bpm; item 99: 29,700 s after, 50 + 99 mod 8
    expect(hr_samples[0]).toEqual({ timestamp: "2026-03-09T23:10:14.000000+01:00", bpm: 51 });
    expect(hr_samples[98]).toEqual({ timestamp: "2026-03-10T07:20:14.000000+01:00", bpm: 53 });
    expect(hrv_samples_rmssd[0]).toEqual({ timestamp: "2026-03-09T23:10:14.000000+01:00", hrv_rmssd: 111 });
    expect(sleep.heart_rate_data.summary).toEqual({ avg_hr_bpm: 52.25, resting_hr_bpm: 48, avg_hrv_rmssd: 117 });
    const hypnogram = sleep.sleep_durations_data.hypnogram_samples;
    expect(hypnogram).toHaveLength(100);
    // "44111222223322…": awake, awake, deep …
    expect(hypnogram.slice(0, 3).map((s: any) => s.level)).toEqual([1, 1, 5]);
    expect(hypnogram[2].timestamp).toBe("2026-03-09T23:15:14.000000+01:00");
    expect(sleep.respiration_data).toEqual({ breaths_data: { avg_breaths_per_min: 12.625 } });
    expect(sleep.readiness_data).toEqual({ readiness: 72 });
    expect(sleep.temperature_data).toEqual({ delta: -0.1 });
  });

  it("a late nap is a nap with no HRV; the night summer time starts begins at +01:00 and ends at +02:00", async () => {
    const nap = await mapOne("sleep", byId("sleep_periods", "nap-noor-2026-03-14"));
    expect(nap.metadata).toMatchObject({ is_nap: true, start_time: "2026-03-14T14:00:00.000000+01:00", end_time: "2026-03-14T14:40:00.000000+01:00" });
    expect(nap.sleep_durations_data.hypnogram_samples.map((s: any) => s.level)).toEqual([1, 4, 4, 4, 4, 4, 4, 1]);
    expect(nap.heart_rate_data.detailed.hr_samples).toHaveLength(7);
    expect(nap.heart_rate_data.detailed.hrv_samples_rmssd).toBeUndefined();
    expect(nap.readiness_data).toBeUndefined();
    const switchNight = await mapOne("sleep", byId("sleep_periods", "sleep-noor-2026-03-29"));
    expect([switchNight.metadata.start_time, switchNight.metadata.end_time]).toEqual(["2026-03-28T23:05:14.000000+01:00", "2026-03-29T08:25:14.000000+02:00"]);
  });

  it("a day's activity with its readiness and sleep score → one Daily from 4 am: totals, seconds of each intensity, MET minutes and samples, three scores", async () => {
    const tenth = byId("daily_activity", "daily-noor-2026-03-10");
    const daily = await mapOne("daily", withDetails(fixtures, "daily_activity", tenth));
    expect(daily.metadata).toEqual({
      start_time: "2026-03-10T04:00:00.000000+01:00",
      end_time: "2026-03-11T04:00:00.000000+01:00",
      upload_type: 1,
      timestamp_localization: 1,
    });
    // d = 10: 7000 + 3000 steps, 6000 + 2000 m, 2100 + 100 kcal
    expect(daily.distance_data).toEqual({ steps: 10000, distance_meters: 8000 });
    expect(daily.calories_data).toEqual({ total_burned_calories: 2200, net_activity_calories: 500 });
    expect(daily.active_durations_data).toEqual({
      activity_seconds: 14400,
      vigorous_intensity_seconds: 600,
      moderate_intensity_seconds: 3000,
      low_intensity_seconds: 10800,
      inactivity_seconds: 43200,
      rest_seconds: 27000,
    });
    // 1440 levels 0.9 … 1.8 repeating: their average is 1.35
    expect(daily.MET_data).toMatchObject({
      avg_level: 1.35,
      num_high_intensity_minutes: 10,
      num_moderate_intensity_minutes: 50,
      num_low_intensity_minutes: 180,
      num_inactive_minutes: 720,
    });
    expect(daily.MET_data.MET_samples).toHaveLength(1440);
    expect(daily.MET_data.MET_samples[61]).toEqual({ timestamp: "2026-03-10T05:01:00.000000+01:00", level: 1 });
    // activity 80 + 10 mod 10; readiness 70 + 10 mod 5; sleep 60 + 10 mod 7
    expect(daily.scores).toEqual({ activity: 80, recovery: 70, sleep: 63 });
    // No sleep score on the 20th: the day is delivered without it.
    const twentieth = await mapOne("daily", withDetails(fixtures, "daily_activity", byId("daily_activity", "daily-noor-2026-03-20")));
    expect(twentieth.scores).toEqual({ activity: 80, recovery: 70 });
  });

  it("a day ends at 4 am the next day at the offset the next day starts at (read beside it), else at its own", async () => {
    // Amsterdam went to CEST on 2026-03-29 at 02:00: the day from 4 am on the 28th lasts 23 hours.
    const day28 = { ...byId("daily_activity", "daily-noor-2026-03-10"), day: "2026-03-28", timestamp: "2026-03-28T04:00:00+01:00" };
    const endOf = async (record: Record<string, unknown>) => (await mapOne("daily", record)).metadata.end_time;
    expect(await endOf({ ...day28, next_day_start: "2026-03-29T04:00:00+02:00" })).toBe("2026-03-29T04:00:00.000000+02:00");
    // The record after it is two days later (the ring was not worn on the 29th), or there is none: its own offset.
    expect(await endOf({ ...day28, next_day_start: "2026-03-30T04:00:00+02:00" })).toBe("2026-03-29T04:00:00.000000+01:00");
    expect(await endOf(day28)).toBe("2026-03-29T04:00:00.000000+01:00");
  });

  it("workouts → Activity: the ride's label, distance and calories, heart rate from its 720 samples; a manual yoga with no distance", async () => {
    const ride = await mapOne("activity", withDetails(fixtures, "workouts", byId("workouts", WORKOUT.ride)));
    expect(ride.metadata).toEqual({
      summary_id: WORKOUT.ride,
      name: "Commute home",
      type: 1,
      upload_type: 1,
      start_time: "2026-03-12T18:00:00.000000+01:00",
      end_time: "2026-03-12T19:00:00.000000+01:00",
      timestamp_localization: 1,
    });
    expect(ride.calories_data).toEqual({ total_burned_calories: 520 });
    expect(ride.distance_data).toEqual({ summary: { distance_meters: 21500.5 } });
    // 18 whole cycles of 110 … 149
    expect(ride.heart_rate_data.summary).toEqual({ avg_hr_bpm: 129.5, max_hr_bpm: 149, min_hr_bpm: 110 });
    expect(ride.heart_rate_data.detailed.hr_samples).toHaveLength(720);
    expect(ride.heart_rate_data.detailed.hr_samples[1]).toEqual({ timestamp: "2026-03-12T17:00:05.000000+00:00", bpm: 111 });
    const yoga = await mapOne("activity", withDetails(fixtures, "workouts", byId("workouts", WORKOUT.yoga)));
    expect(yoga).toEqual({
      metadata: {
        summary_id: WORKOUT.yoga,
        name: "yoga",
        type: 100,
        upload_type: 2,
        start_time: "2026-03-16T08:00:00.000000+01:00",
        end_time: "2026-03-16T08:45:00.000000+01:00",
        timestamp_localization: 1,
      },
      calories_data: { total_burned_calories: 140 },
      heart_rate_data: { detailed: { hr_samples: [] } },
    });
  });
});
