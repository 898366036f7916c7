import { describe, expect, it } from "vitest";
import { createRecordMapper } from "@tributary/core/authoring";
import { mapOne, NOOR, oura } from "./oura.ts";

/**
 * Shapes Oura really answers that our fixtures (written from the API reference) do not have, rewritten
 * in our own values. Where each was seen: Oura's OpenAPI models as public clients generate them (ex_oura's
 * PublicModifiedSleepModel: nearly every sleep field nullable, `type` one of deleted/sleep/long_sleep/
 * late_nap/rest) and a public dashboard's tests over a real account's workouts (camelCase activities).
 */
describe("OURA real answer shapes", () => {
  it("a rest period with every optional field null (no hypnogram, heart rate, HRV or readiness) is delivered with what it has", async () => {
    const rest = await mapOne("sleep", {
      id: "rest-0302",
      day: "2026-03-02",
      type: "rest",
      period: 1,
      bedtime_start: "2026-03-02T14:10:00+01:00",
      bedtime_end: "2026-03-02T14:40:00+01:00",
      time_in_bed: 1800,
      total_sleep_duration: null,
      deep_sleep_duration: null,
      light_sleep_duration: null,
      rem_sleep_duration: null,
      awake_time: null,
      latency: null,
      efficiency: null,
      average_breath: null,
      average_heart_rate: null,
      average_hrv: null,
      lowest_heart_rate: null,
      heart_rate: null,
      hrv: null,
      readiness: null,
      readiness_score_delta: null,
      sleep_score_delta: null,
      sleep_phase_5_min: null,
      movement_30_sec: null,
      low_battery_alert: false,
      sleep_algorithm_version: "v2",
    });
    expect(rest.metadata).toMatchObject({ summary_id: "rest-0302", is_nap: true, start_time: "2026-03-02T14:10:00.000000+01:00" });
    expect(rest.sleep_durations_data).toEqual({ other: { duration_in_bed_seconds: 1800 } });
  });

  it("a sleep period the member deleted (type deleted) is not delivered", async () => {
    const outcomes = await createRecordMapper(oura(), { userId: "test-user", providerUserId: NOOR }).map("sleep", "sleep", {
      id: "deleted-0302",
      day: "2026-03-02",
      type: "deleted",
      period: 0,
      bedtime_start: "2026-03-01T23:00:00+01:00",
      bedtime_end: "2026-03-02T07:00:00+01:00",
      time_in_bed: 28800,
      sleep_phase_5_min: "4422",
      heart_rate: { interval: 300.0, items: [null, 55, 54.0], timestamp: "2026-03-01T23:00:00.000+01:00" },
      low_battery_alert: false,
    });
    expect(outcomes).toEqual([{ kind: "skip" }]);
  });

  it("workouts name their activity in camelCase (strengthTraining, houseWork, crossCountrySkiing) with null calories, distance and label", async () => {
    const workout = (id: string, activity: string) =>
      mapOne("activity", {
        id,
        activity,
        calories: null,
        distance: null,
        label: null,
        day: "2026-03-02",
        intensity: "moderate",
        source: "workout_heart_rate",
        start_datetime: "2026-03-02T18:00:00.000-05:00",
        end_datetime: "2026-03-02T18:45:00.000-05:00",
        heartrate: [],
      });
    const strength = await workout("w-strength", "strengthTraining");
    expect(strength.metadata).toMatchObject({ name: "strengthTraining", type: 80, upload_type: 1, end_time: "2026-03-02T18:45:00.000000-05:00" });
    expect(strength.calories_data).toBeUndefined();
    expect((await workout("w-house", "houseWork")).metadata.type).toBe(38);
    expect((await workout("w-xc", "crossCountrySkiing")).metadata.type).toBe(67);
    // The snake_case spelling of Oura's reference still maps, and an activity Oura adds later is Other.
    expect((await workout("w-snake", "strength_training")).metadata.type).toBe(80);
    expect((await workout("w-new", "pickleball")).metadata.type).toBe(108);
  });
});
