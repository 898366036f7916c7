import { beforeAll, describe, expect, it } from "vitest";
import { createRecordMapper } from "@tributary/core/authoring";
import type { SpecFixtures } from "@tributary/core/mock-provider";
import { fitbit, fitbitFixtures, fixtureRecords, LENA, mapOne, profileOf, SAM } from "./fitbit.ts";

/**
 * Fitbit Web API records → Terra, against values computed by hand from the fixtures. Durations are
 * milliseconds or minutes, distances follow distanceUnit, and sleep, weight and day times are local
 * without an offset: the profile's time zone (Berlin for Lena, New York for Sam) places them.
 */
describe("FITBIT → Terra", () => {
  let fixtures: SpecFixtures;
  const find = (stream: string, user: string, key: string, value: unknown) => fixtureRecords(fixtures, stream, user).find((r) => r[key] === value)!;
  const withProfile = (record: Record<string, unknown>, user = LENA) => ({ ...record, profile: profileOf(fixtures, user) });
  beforeAll(async () => {
    fixtures = await fitbitFixtures();
  });

  it("an exercise log → Activity: ms → s, km → m, intensity minutes → seconds, zone minutes, speed from distance and active time", async () => {
    const run = await mapOne("activity", find("activity_logs", LENA, "logId", 52375441234));
    expect(run.metadata).toEqual({
      summary_id: "52375441234",
      name: "Run",
      type: 8,
      upload_type: 1,
      start_time: "2026-03-03T07:00:00.000000+01:00",
      end_time: "2026-03-03T07:30:00.000000+01:00",
      timestamp_localization: 1,
    });
    // duration 1,800,000 ms, active 1,740,000 ms; activityLevel 0/2/3/25 minutes
    expect(run.active_durations_data).toEqual({
      activity_seconds: 1740,
      rest_seconds: 60,
      inactivity_seconds: 0,
      low_intensity_seconds: 120,
      moderate_intensity_seconds: 180,
      vigorous_intensity_seconds: 1500,
    });
    expect(run.distance_data.summary).toEqual({ distance_meters: 5200, steps: 4800, elevation: { gain_actual_meters: 45 } });
    // 5200 m / 1740 s
    expect(run.movement_data).toEqual({ avg_speed_meters_per_second: 2.989 });
    expect(run.heart_rate_data.summary.avg_hr_bpm).toBe(155);
    expect(run.heart_rate_data.summary.hr_zone_data.map((z: any) => [z.zone, z.duration_seconds])).toEqual([
      [0, 0],
      [1, 300],
      [2, 1200],
      [3, 300],
    ]);
    expect(run.device_data).toEqual({ name: "Charge 6" });
  });

  it("miles for a US user (2.1 mi = 3379.6 m) at New York's offset; a manual yoga log has no distance", async () => {
    const walk = await mapOne("activity", find("activity_logs", SAM, "logId", 60400000021), SAM);
    expect(walk.distance_data.summary.distance_meters).toBe(3379.6);
    // 3379.6 m / 2280 s
    expect(walk.movement_data.avg_speed_meters_per_second).toBe(1.482);
    expect(walk.metadata.start_time).toBe("2026-03-09T08:00:00.000000-04:00");
    const yoga = await mapOne("activity", find("activity_logs", LENA, "logId", 52402113305));
    expect(yoga.metadata).toMatchObject({ type: 100, upload_type: 2 });
    expect(yoga.distance_data).toBeUndefined();
    expect(yoga.heart_rate_data).toBeUndefined();
  });

  it("the day's summary → Daily: midnight to midnight in Berlin, totals, minutes → seconds, and 1,440 minutes of heart rate", async () => {
    const heart = fixtures.streams!.daily_summary!.details!.heart!;
    const user = fixtures.users.find((u) => u.id === LENA)!;
    const tenth = find("daily_summary", LENA, "date", "2026-03-10");
    const daily = await mapOne("daily", { ...withProfile(tenth), heart: heart(tenth, user) });
    expect(daily.metadata).toEqual({
      start_time: "2026-03-10T00:00:00.000000+01:00",
      end_time: "2026-03-11T00:00:00.000000+01:00",
      upload_type: 1,
      timestamp_localization: 1,
    });
    // d = 10: 6000 + 10 × 250 steps; 8500 × 0.75 m rounded to 6.38 km
    expect(daily.distance_data).toEqual({ steps: 8500, distance_meters: 6380, floors_climbed: 10, elevation: { gain_actual_meters: 30.48 } });
    expect(daily.calories_data).toEqual({ total_burned_calories: 2450, BMR_calories: 1450, net_activity_calories: 1000 });
    // lightly 190, fairly 15, very 20, sedentary 690 minutes
    expect(daily.active_durations_data).toEqual({
      activity_seconds: 13500,
      inactivity_seconds: 41400,
      low_intensity_seconds: 11400,
      moderate_intensity_seconds: 900,
      vigorous_intensity_seconds: 1200,
    });
    expect(daily.heart_rate_data.summary.resting_hr_bpm).toBe(58);
    const samples = daily.heart_rate_data.detailed.hr_samples;
    expect(samples).toHaveLength(1440);
    // minute 61 is 01:01 local, 60 + 61 mod 30 bpm
    expect(samples[61]).toEqual({ timestamp: "2026-03-10T01:01:00.000000+01:00", bpm: 61 });
    expect(samples[1439]).toEqual({ timestamp: "2026-03-10T23:59:00.000000+01:00", bpm: 89 });
  });

  it("the day summer time starts is 23 hours long: midnight +01:00 to the next midnight +02:00; without intraday access only the resting rate", async () => {
    const daily = await mapOne("daily", withProfile(find("daily_summary", LENA, "date", "2026-03-29")));
    expect(daily.metadata).toMatchObject({ start_time: "2026-03-29T00:00:00.000000+01:00", end_time: "2026-03-30T00:00:00.000000+02:00" });
    expect(daily.heart_rate_data.detailed).toBeUndefined();
    expect(daily.heart_rate_data.summary.resting_hr_bpm).toBe(57);
  });

  it("a night with stages → Sleep: local times in the profile's zone, minutes → seconds, a hypnogram of 11 stages; a classic nap is a nap", async () => {
    const sleep = await mapOne("sleep", withProfile(find("sleep_logs", LENA, "logId", 26013218219)));
    expect(sleep.metadata).toEqual({
      summary_id: "26013218219",
      start_time: "2026-03-09T23:21:30.000000+01:00",
      end_time: "2026-03-10T07:03:30.000000+01:00",
      is_nap: false,
      upload_type: 1,
      timestamp_localization: 1,
    });
    expect(sleep.sleep_durations_data).toMatchObject({
      sleep_efficiency: 96,
      asleep: {
        duration_asleep_state_seconds: 25140,
        duration_deep_sleep_state_seconds: 4200,
        duration_light_sleep_state_seconds: 13440,
        duration_REM_sleep_state_seconds: 3000,
        num_REM_events: 11,
      },
      awake: { duration_awake_state_seconds: 2580, num_wakeup_events: 30, sleep_latency_seconds: 0, wake_up_latency_seconds: 120 },
      other: { duration_in_bed_seconds: 27720 },
    });
    const hypnogram = sleep.sleep_durations_data.hypnogram_samples;
    expect(hypnogram).toHaveLength(11);
    // wake for 630 s, then light
    expect(hypnogram.slice(0, 2)).toEqual([
      { timestamp: "2026-03-09T23:21:30.000000+01:00", level: 1 },
      { timestamp: "2026-03-09T23:32:00.000000+01:00", level: 4 },
    ]);
    const nap = await mapOne("sleep", withProfile(find("sleep_logs", LENA, "logId", 26013299001)));
    expect(nap.metadata.is_nap).toBe(true);
    expect(nap.sleep_durations_data.hypnogram_samples.map((s: any) => s.level)).toEqual([1, 2]);
  });

  it("nights across the switch to summer time: Berlin's is at +02:00 after 29 March; New York's starts at -05:00 and ends at -04:00", async () => {
    const berlin = await mapOne("sleep", withProfile(find("sleep_logs", LENA, "logId", 26014500004)));
    expect(berlin.metadata.start_time).toBe("2026-03-29T23:00:00.000000+02:00");
    const newYork = await mapOne("sleep", withProfile(find("sleep_logs", SAM, "logId", 31000000042), SAM), SAM);
    expect([newYork.metadata.start_time, newYork.metadata.end_time]).toEqual(["2026-03-07T23:30:00.000000-05:00", "2026-03-08T07:12:00.000000-04:00"]);
  });

  it("a profile zone this runtime does not know: local times at the profile's offsetFromUTCMillis, else UTC (timestamp_localization 0); delivered, not quarantined", async () => {
    const heart = fixtures.streams!.daily_summary!.details!.heart!;
    const user = fixtures.users.find((u) => u.id === LENA)!;
    const tenth = find("daily_summary", LENA, "date", "2026-03-10");
    const cases = [
      // A misspelling and a name no zone has, beside Lena's offset (+01:00 in March): her local times at it.
      { profile: { timezone: "Europe/Berlni", offsetFromUTCMillis: 3_600_000 }, at: "+01:00", localization: 1 },
      { profile: { timezone: "Etc/Unknown", offsetFromUTCMillis: 3_600_000 }, at: "+01:00", localization: 1 },
      // No zone and no offset: the wall-clock times read as UTC, and said to be.
      { profile: { timezone: "" }, at: "+00:00", localization: 0 },
      { profile: { timezone: "Etc/Unknown", offsetFromUTCMillis: null }, at: "+00:00", localization: 0 },
    ];
    for (const { profile: said, at, localization } of cases) {
      const profile = { ...profileOf(fixtures, LENA), offsetFromUTCMillis: undefined, ...said };
      const daily = await mapOne("daily", { ...tenth, profile, heart: heart(tenth, user) });
      expect(daily.metadata, JSON.stringify(said)).toMatchObject({
        start_time: `2026-03-10T00:00:00.000000${at}`,
        end_time: `2026-03-11T00:00:00.000000${at}`,
        timestamp_localization: localization,
      });
      expect(daily.heart_rate_data.detailed.hr_samples[61]).toEqual({ timestamp: `2026-03-10T01:01:00.000000${at}`, bpm: 61 });
      const sleep = await mapOne("sleep", { ...find("sleep_logs", LENA, "logId", 26013218219), profile });
      expect(sleep.metadata).toMatchObject({
        start_time: `2026-03-09T23:21:30.000000${at}`,
        end_time: `2026-03-10T07:03:30.000000${at}`,
        timestamp_localization: localization,
      });
      expect(sleep.sleep_durations_data.hypnogram_samples[1]).toEqual({ timestamp: `2026-03-09T23:32:00.000000${at}`, level: 4 });
      const body = await mapOne("body", { ...find("weight_logs", LENA, "logId", 1772605299000), profile });
      expect(body.metadata).toEqual({
        start_time: `2026-03-04T07:41:39.000000${at}`,
        end_time: `2026-03-04T07:41:39.000000${at}`,
        timestamp_localization: localization,
      });
      expect(body.measurements_data.measurements[0].measurement_time).toBe(`2026-03-04T07:41:39.000000${at}`);
      const nutrition = await mapOne("nutrition", { ...find("food_logs", LENA, "date", "2026-03-11"), profile });
      expect(nutrition.metadata).toEqual({
        start_time: `2026-03-11T00:00:00.000000${at}`,
        end_time: `2026-03-12T00:00:00.000000${at}`,
        timestamp_localization: localization,
      });
      expect(nutrition.meals[0].timestamp).toBe(`2026-03-11T00:00:00.000000${at}`);
    }
  });

  it("a weigh-in → Body at its local time, with fat and BMI", async () => {
    const body = await mapOne("body", withProfile(find("weight_logs", LENA, "logId", 1772605299000)));
    expect(body).toEqual({
      metadata: { start_time: "2026-03-04T07:41:39.000000+01:00", end_time: "2026-03-04T07:41:39.000000+01:00", timestamp_localization: 1 },
      measurements_data: { measurements: [{ measurement_time: "2026-03-04T07:41:39.000000+01:00", weight_kg: 64.2, BMI: 22.75, bodyfat_percentage: 24.1 }] },
      device_data: { name: "Aria" },
    });
  });

  it("a day's food log → Nutrition: the summary's macros and water, one meal per food with Fitbit's meal type and unit; an empty day is not delivered", async () => {
    const nutrition = await mapOne("nutrition", withProfile(find("food_logs", LENA, "date", "2026-03-11")));
    expect(nutrition.metadata).toEqual({
      start_time: "2026-03-11T00:00:00.000000+01:00",
      end_time: "2026-03-12T00:00:00.000000+01:00",
      timestamp_localization: 1,
    });
    // 310 + 420 + 95 kcal; 52.5 + 58 + 25 g carbohydrates
    expect(nutrition.summary).toEqual({
      macros: { calories: 825, carbohydrates_g: 135.5, fat_g: 16, fiber_g: 26.7, protein_g: 35.5, sodium_mg: 994 },
      water_ml: 1750,
    });
    expect(nutrition.meals.map((m: any) => [m.name, m.type, m.quantity])).toEqual([
      ["Porridge with blueberries", 1, { amount: 250, unit: 1 }],
      ["Lentil soup", 3, { amount: 1.5, unit: 4 }],
      ["Apple", 4, { amount: 1, unit: 0 }],
    ]);
    expect(nutrition.meals[0]).toMatchObject({
      id: "20412530001",
      timestamp: "2026-03-11T00:00:00.000000+01:00",
      macros: { calories: 310, protein_g: 10.4 },
      micros: {},
    });
    const empty = await createRecordMapper(fitbit(), { userId: "test-user", providerUserId: LENA }).map(
      "nutrition",
      "nutrition",
      withProfile(find("food_logs", LENA, "date", "2026-03-12")),
    );
    expect(empty).toEqual([{ kind: "skip" }]);
  });
});
