import { describe, expect, it } from "vitest";
import { createRecordMapper, readPush } from "@tributary/core/authoring";
import { AVA, polar } from "./polar.ts";

const definition = polar();
const mapper = createRecordMapper(definition, { userId: "terra-ava", providerUserId: AVA });

async function mapOne(dataType: string, record: Record<string, unknown>): Promise<any> {
  const outcomes = await mapper.map(dataType, dataType, record);
  if (outcomes.length !== 1 || outcomes[0]!.kind !== "record")
    throw new Error(`${dataType} did not map to one record: ${JSON.stringify(outcomes).slice(0, 2000)}`);
  return outcomes[0]!.record;
}

/** An exercise of `GET /v3/exercises?samples=true&zones=true` shaped as Polar's AccessLink reference answers it (our values). */
const referenceExercise = {
  id: "2AC312F",
  upload_time: "2026-03-13T10:40:02.000Z",
  polar_user: "https://www.polaraccesslink/v3/users/475220",
  device: "Polar Vantage V3",
  device_id: "1111AAAA",
  start_time: "2026-03-13T10:40:02",
  start_time_utc_offset: 180,
  duration: "PT2H44M",
  calories: 530,
  distance: 1600,
  heart_rate: { average: 129, maximum: 147 },
  training_load: 143.22,
  sport: "OTHER",
  has_route: true,
  club_id: 999,
  club_name: "Polar Club",
  detailed_sport_info: "WATERSPORTS_WATERSKI",
  fat_percentage: 60,
  carbohydrate_percentage: 38,
  protein_percentage: 2,
  "running-index": 51,
  heart_rate_zones: [{ index: 1, "lower-limit": 110, "upper-limit": 130, "in-zone": "PT4S" }],
  samples: [
    { "recording-rate": 5, "sample-type": "0", data: "100,null,102" },
    // RR intervals have no recording rate, and nulls where the sensor was offline.
    { "recording-rate": null, "sample-type": "11", data: "600,null,610" },
  ],
  route: [{ latitude: 60.21982833, longitude: 25.13925, time: "PT210.026S", satellites: 4, fix: 1 }],
  training_load_pro: { date: "2026-03-13", "cardio-load": 1, "muscle-load": 1, "perceived-load": 1, "user-rpe": "UNKNOWN" },
};

/**
 * Shapes AccessLink really sends that our fixtures (written from the same reference) did not have, in our
 * own values. Where each was seen: Polar's AccessLink reference and the OpenAPI clients generated from it
 * (C#, Ruby, PHP: exercise samples and zones hyphenated, `sample-type` text, sample data that "can contain
 * null-values", `sport` OTHER with the sport in `detailed_sport_info`, a hypnogram code 6 outside the
 * documented 0–5, daily activity from 08:15:30 to 23:59:59, `date` in SLEEP and ACTIVITY_SUMMARY pushes);
 * clients of the hashed-id model reading samples and zones in snake_case (`sample_type` a number,
 * `in_zone`); an open-source platform's Nightly Recharge tests (samples across midnight); a Python client's
 * tests of `/v3/users/physical-info` (an answer with weight and height only).
 */
describe("POLAR real answer shapes", () => {
  it("a session whose `sport` is OTHER takes its type from detailed_sport_info; a sample Polar writes as null is left out, the others keep their time", async () => {
    const ski = await mapOne("activity", referenceExercise);
    // WATERSPORTS_WATERSKI: Water Skiing (132), not Other.
    expect(ski.metadata).toMatchObject({ type: 132, start_time: "2026-03-13T10:40:02.000000+03:00", end_time: "2026-03-13T13:24:02.000000+03:00" });
    // 100 at +0 s, null at +5 s (not delivered), 102 at +10 s; the RR series (type 11) is not read.
    expect(ski.heart_rate_data.detailed.hr_samples).toEqual([
      { timestamp: "2026-03-13T10:40:02.000000+03:00", bpm: 100 },
      { timestamp: "2026-03-13T10:40:12.000000+03:00", bpm: 102 },
    ]);
    expect(ski.heart_rate_data.summary.hr_zone_data).toEqual([{ zone: 1, name: "Zone 2 (110–130 bpm)", duration_seconds: 4 }]);
  });

  it("the sport names of Polar's list map, hyphen included; an unknown detailed name falls back to `sport`, and both unknown is Other", async () => {
    const typeOf = async (sport: string, detailed?: string) =>
      (
        await mapOne("activity", {
          ...referenceExercise,
          samples: [],
          sport,
          ...(detailed ? { detailed_sport_info: detailed } : { detailed_sport_info: undefined }),
        })
      ).metadata.type;
    expect(await typeOf("OTHER", "CROSS-COUNTRY_SKIING")).toBe(67);
    expect(await typeOf("OTHER", "XC_SKIING_CLASSIC")).toBe(67);
    expect(await typeOf("RUNNING", "TRAIL_RUNNING")).toBe(149);
    expect(await typeOf("OTHER", "YOGA")).toBe(100);
    expect(await typeOf("CYCLING", "GRAVEL")).toBe(150);
    expect(await typeOf("RUNNING", "SOME_NEW_RUN")).toBe(8);
    expect(await typeOf("RUNNING")).toBe(8);
    expect(await typeOf("KITE_FLYING", "KITE_FLYING")).toBe(108);
  });

  it("samples and zones in snake_case (sample_type a number, recording_rate, lower_limit, in_zone) read as the hyphenated ones do", async () => {
    const run = await mapOne("activity", {
      ...referenceExercise,
      sport: "RUNNING",
      detailed_sport_info: "RUNNING",
      heart_rate_zones: [{ index: 2, lower_limit: 134, upper_limit: 153, in_zone: "PT6M7S" }],
      samples: [
        { recording_rate: 60, sample_type: 0, data: "140,150" },
        { recording_rate: 60, sample_type: 1, data: "10.8,null" },
      ],
    });
    expect(run.metadata.type).toBe(8);
    // PT6M7S = 367 s
    expect(run.heart_rate_data.summary.hr_zone_data).toEqual([{ zone: 2, name: "Zone 3 (134–153 bpm)", duration_seconds: 367 }]);
    expect(run.heart_rate_data.detailed.hr_samples).toEqual([
      { timestamp: "2026-03-13T10:40:02.000000+03:00", bpm: 140 },
      { timestamp: "2026-03-13T10:41:02.000000+03:00", bpm: 150 },
    ]);
    // 10.8 km/h = 3 m/s
    expect(run.movement_data.speed_samples).toEqual([{ timestamp: "2026-03-13T10:40:02.000000+03:00", speed_meters_per_second: 3 }]);
  });

  it("a night as the reference writes it: asleep after midnight, a stage code outside 0–5 is Unknown, every sample on the night's date at its offset", async () => {
    const night = await mapOne("sleep", {
      polar_user: "https://www.polaraccesslink/v3/users/475220",
      date: "2026-03-14",
      sleep_start_time: "2026-03-14T00:39:07+03:00",
      sleep_end_time: "2026-03-14T09:19:37+03:00",
      device_id: "1111AAAA",
      continuity: 2.1,
      continuity_class: 2,
      light_sleep: 1000,
      deep_sleep: 1000,
      rem_sleep: 1000,
      unrecognized_sleep_stage: 1000,
      sleep_score: 80,
      total_interruption_duration: 1000,
      sleep_charge: 3,
      sleep_goal: 28800,
      sleep_rating: 3,
      short_interruption_duration: 500,
      long_interruption_duration: 300,
      sleep_cycles: 6,
      group_duration_score: 100,
      group_solidity_score: 75,
      group_regeneration_score: 54.2,
      hypnogram: { "00:39": 2, "00:50": 3, "01:23": 6 },
      heart_rate_samples: { "00:41": 76, "00:46": 77, "00:51": 76 },
    });
    // 2 and 3 (lighter and light non-REM) are Light sleep (4); 6 is no documented stage: Unknown (0).
    expect(night.sleep_durations_data.hypnogram_samples).toEqual([
      { timestamp: "2026-03-14T00:39:00.000000+03:00", level: 4 },
      { timestamp: "2026-03-14T00:50:00.000000+03:00", level: 4 },
      { timestamp: "2026-03-14T01:23:00.000000+03:00", level: 0 },
    ]);
    expect(night.heart_rate_data.detailed.hr_samples.map((s: any) => s.timestamp)).toEqual([
      "2026-03-14T00:41:00.000000+03:00",
      "2026-03-14T00:46:00.000000+03:00",
      "2026-03-14T00:51:00.000000+03:00",
    ]);
    expect(night.sleep_durations_data.asleep.duration_asleep_state_seconds).toBe(3000);
  });

  it("a night across the start of summer time: clock times after midnight are on the next date, after 02:00 at the end's offset", async () => {
    // Berlin, 29 March 2026: 02:00 +01:00 became 03:00 +02:00.
    const night = await mapOne("sleep", {
      date: "2026-03-29",
      sleep_start_time: "2026-03-28T23:30:00+01:00",
      sleep_end_time: "2026-03-29T07:10:00+02:00",
      light_sleep: 14000,
      deep_sleep: 5000,
      rem_sleep: 5000,
      hypnogram: { "23:30": 0, "23:41": 2, "01:05": 4, "03:20": 1, "06:55": 0 },
      heart_rate_samples: { "23:35": 61, "01:55": 52, "03:05": 55 },
    });
    expect(night.sleep_durations_data.hypnogram_samples).toEqual([
      { timestamp: "2026-03-28T23:30:00.000000+01:00", level: 1 },
      { timestamp: "2026-03-28T23:41:00.000000+01:00", level: 4 },
      { timestamp: "2026-03-29T01:05:00.000000+01:00", level: 5 },
      { timestamp: "2026-03-29T03:20:00.000000+02:00", level: 6 },
      { timestamp: "2026-03-29T06:55:00.000000+02:00", level: 1 },
    ]);
    // 01:55 +01:00 is 00:55Z and 03:05 +02:00 is 01:05Z: ten minutes apart, as the watch measured them.
    expect(night.heart_rate_data.detailed.hr_samples).toEqual([
      { timestamp: "2026-03-28T23:35:00.000000+01:00", bpm: 61 },
      { timestamp: "2026-03-29T01:55:00.000000+01:00", bpm: 52 },
      { timestamp: "2026-03-29T03:05:00.000000+02:00", bpm: 55 },
    ]);
  });

  it("a Nightly Recharge's HRV and breathing samples, keyed 23:45 → 00:15 → 00:45, cross midnight onto the night's date", async () => {
    const night = await mapOne("sleep", {
      date: "2026-03-15",
      sleep_start_time: "2026-03-14T23:30:00Z",
      sleep_end_time: "2026-03-15T07:00:00Z",
      light_sleep: 14000,
      deep_sleep: 5000,
      rem_sleep: 5000,
      recharge: {
        polar_user: "https://www.polaraccesslink/v3/users/475220",
        date: "2026-03-15",
        heart_rate_avg: 70,
        beat_to_beat_avg: 816,
        heart_rate_variability_avg: 28,
        breathing_rate_avg: 14.1,
        nightly_recharge_status: 3,
        ans_charge: -2,
        ans_charge_status: 2,
        hrv_samples: { "23:45": 14, "00:15": 15, "00:45": 16 },
        breathing_samples: { "23:50": 13.4, "00:10": 13.8 },
      },
    });
    expect(night.heart_rate_data.detailed.hrv_samples_rmssd).toEqual([
      { timestamp: "2026-03-14T23:45:00.000000+00:00", hrv_rmssd: 14 },
      { timestamp: "2026-03-15T00:15:00.000000+00:00", hrv_rmssd: 15 },
      { timestamp: "2026-03-15T00:45:00.000000+00:00", hrv_rmssd: 16 },
    ]);
    expect(night.respiration_data.breaths_data).toEqual({
      avg_breaths_per_min: 14.1,
      samples: [
        { timestamp: "2026-03-14T23:50:00.000000+00:00", breaths_per_min: 13.4 },
        { timestamp: "2026-03-15T00:10:00.000000+00:00", breaths_per_min: 13.8 },
      ],
    });
    expect(night.heart_rate_data.summary).toEqual({ avg_hr_bpm: 70, avg_hrv_rmssd: 28 });
  });

  it("a night whose stage is null keeps the night: the stages it has, no sum", async () => {
    const night = await mapOne("sleep", {
      date: "2026-03-16",
      sleep_start_time: "2026-03-15T23:00:00+01:00",
      sleep_end_time: "2026-03-16T06:00:00+01:00",
      light_sleep: 12000,
      deep_sleep: null,
      rem_sleep: 4000,
    });
    expect(night.sleep_durations_data.asleep).toEqual({ duration_light_sleep_state_seconds: 12000, duration_REM_sleep_state_seconds: 4000 });
  });

  it("a day of activity as the reference writes it (from its first activity to 23:59:59, not midnight to midnight) is delivered at the member's offset", async () => {
    const day = await mapOne("daily", {
      start_time: "2026-03-13T08:15:30",
      end_time: "2026-03-13T23:59:59",
      active_duration: "PT3H11M",
      inactive_duration: "PT18H23M30S",
      daily_activity: 89.1,
      calories: 2500,
      active_calories: 1500,
      steps: 8823,
      inactivity_alert_count: 1,
      distance_from_steps: 4590.53,
      zone: "+01:00",
      end_zone: "+01:00",
    });
    // PT3H11M = 11460 s, PT18H23M30S = 66210 s
    expect(day).toEqual({
      metadata: { start_time: "2026-03-13T08:15:30.000000+01:00", end_time: "2026-03-13T23:59:59.000000+01:00", upload_type: 1, timestamp_localization: 1 },
      active_durations_data: { activity_seconds: 11460, inactivity_seconds: 66210 },
      calories_data: { total_burned_calories: 2500, net_activity_calories: 1500 },
      distance_data: { steps: 8823, distance_meters: 4590.53 },
    });
  });

  it("physical info with weight and height only is dated by Polar's answer; a zero is no measurement", async () => {
    // answered_at is the answer's Date header, which the stream sets beside the record.
    const body = await mapOne("body", { weight: 82.0, height: 180, vo2_max: 0, resting_heart_rate: 0, answered_at: "2026-03-20T08:00:00.000Z" });
    expect(body).toEqual({
      metadata: { start_time: "2026-03-20T08:00:00.000000+00:00", end_time: "2026-03-20T08:00:00.000000+00:00", timestamp_localization: 0 },
      measurements_data: { measurements: [{ measurement_time: "2026-03-20T08:00:00.000000+00:00", weight_kg: 82, height_cm: 180 }] },
    });
  });

  it("pushes as Polar sends them: day events carry `date` (the window pulled), EXERCISE its hashed entity_id, PING and unread events are acknowledged", () => {
    const read = (body: Record<string, unknown>) => readPush(definition.spec.webhook!, body)[0]!;
    const sleep = read({
      event: "SLEEP",
      user_id: 475220,
      date: "2026-03-14",
      timestamp: "2026-03-14T09:22:24Z",
      url: "https://www.polaraccesslink.com/v3/users/sleep/2026-03-14",
    });
    expect(sleep).toMatchObject({ eventType: "SLEEP", providerUserId: AVA, action: { action: "pull_window", dataType: "sleep", date: "/date" } });
    const day = read({
      event: "ACTIVITY_SUMMARY",
      user_id: 475220,
      date: "2026-03-13",
      timestamp: "2026-03-14T14:22:24Z",
      url: "https://www.polaraccesslink.com/v3/users/activities/2026-03-13",
    });
    expect(day).toMatchObject({ providerUserId: AVA, action: { action: "pull_window", dataType: "daily", date: "/date" } });
    const exercise = read({
      event: "EXERCISE",
      user_id: 475220,
      entity_id: "aQlC83",
      timestamp: "2026-03-13T14:22:24Z",
      url: "https://www.polaraccesslink.com/v3/exercises/aQlC83",
    });
    expect(exercise).toMatchObject({ providerUserId: AVA, action: { action: "pull_object", dataType: "activity", id: "/entity_id" } });
    expect(read({ timestamp: "2026-03-01T08:25:10.02Z", event: "PING" }).action).toMatchObject({ action: "ignore" });
    // Events a client may subscribe to that Tributary does not read (a continuous-HR day, SleepWise periods).
    expect(read({ event: "CONTINUOUS_HEART_RATE", user_id: 475220, date: "2026-03-13", timestamp: "2026-03-14T14:22:24Z" }).action).toMatchObject({
      action: "ignore",
    });
    expect(
      read({ event: "SLEEP_WISE_ALERTNESS", user_id: 475220, from: "2026-03-11", to: "2026-03-13", timestamp: "2026-03-13T14:22:24Z" }).action,
    ).toMatchObject({
      action: "ignore",
    });
  });
});
