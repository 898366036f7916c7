import { beforeAll, describe, expect, it } from "vitest";
import type { SpecFixtures } from "@tributary/core/mock-provider";
import { CYCLE_OF_THE_10TH, fixtureRecords, JONAS, mapAll, mapOne, MIA, SLEEP_OF_THE_10TH, whoopFixtures, WORKOUT } from "./whoop.ts";

/**
 * WHOOP API v2 records → Terra, against values computed by hand from the fixtures: times are UTC with a
 * timezone_offset, durations milliseconds, energy kilojoules (÷ 4.184 for kcal). Cycle d starts at 23:25:44.774
 * (+01:00) the evening before day d; its strain is 5.2951527 + 0.25·d, its energy 8288.297 + 10·d kJ, its
 * recovery 40 + d with an HRV of 31.81 + d ms.
 */
describe("WHOOP → Terra", () => {
  let fixtures: SpecFixtures;
  const byId = (stream: string, id: unknown, user = JONAS) => fixtureRecords(fixtures, stream, user).find((r) => r.id === id)!;
  const recoveryOf = (cycle: Record<string, unknown>) => fixtures.streams!.cycles!.details!.recovery!(cycle, fixtures.users[0]!);
  beforeAll(async () => {
    fixtures = await whoopFixtures();
  });

  it("a cycle with its recovery → Daily: the cycle's bounds at its offset, strain, kJ → kcal, heart rate, HRV, SpO2, the recovery score", async () => {
    const cycle = byId("cycles", CYCLE_OF_THE_10TH);
    const daily = await mapOne("daily", { ...cycle, recovery: recoveryOf(cycle) });
    expect(daily).toEqual({
      metadata: { start_time: "2026-03-09T23:25:44.774000+01:00", end_time: "2026-03-10T23:25:44.774000+01:00", upload_type: 1, timestamp_localization: 1 },
      // 5.2951527 + 2.5, to two places
      strain_data: { strain_level: 7.8 },
      // 8388.297 kJ ÷ 4.184
      calories_data: { total_burned_calories: 2004.9 },
      heart_rate_data: { summary: { avg_hr_bpm: 68, max_hr_bpm: 141, resting_hr_bpm: 64, avg_hrv_rmssd: 41.81 } },
      oxygen_data: { avg_saturation_percentage: 95.69 },
      scores: { recovery: 50 },
    });
  });

  it("the open cycle (no end yet) is not delivered; a cycle still being scored has its bounds only", async () => {
    const open = fixtureRecords(fixtures, "cycles").find((c) => c.end === null)!;
    expect(await mapAll("daily", open)).toEqual([{ kind: "skip" }]);
    const pending = await mapOne("daily", byId("cycles", 93820));
    expect(pending).toEqual({
      metadata: { start_time: "2026-03-19T23:25:44.774000+01:00", end_time: "2026-03-20T23:25:44.774000+01:00", upload_type: 1, timestamp_localization: 1 },
    });
  });

  it("a recovery notification's sleep with its cycle and recovery attached maps to the same Daily as the listed cycle", async () => {
    const cycle = byId("cycles", CYCLE_OF_THE_10TH);
    const viaSleep = await mapOne("daily", { ...byId("sleeps", SLEEP_OF_THE_10TH), cycle, sleep_recovery: recoveryOf(cycle) });
    expect(viaSleep).toEqual(await mapOne("daily", { ...cycle, recovery: recoveryOf(cycle) }));
  });

  it("a sleep → Sleep: milliseconds → seconds, asleep = light + slow wave + REM, disturbances, respiration, performance", async () => {
    const sleep = await mapOne("sleep", byId("sleeps", SLEEP_OF_THE_10TH));
    expect(sleep).toEqual({
      metadata: {
        summary_id: SLEEP_OF_THE_10TH,
        start_time: "2026-03-09T23:25:44.774000+01:00",
        end_time: "2026-03-10T07:25:44.774000+01:00",
        is_nap: false,
        upload_type: 1,
        timestamp_localization: 1,
      },
      sleep_durations_data: {
        sleep_efficiency: 95.1,
        // 14,905,851 + 6,630,370 + 5,860,272 ms
        asleep: {
          duration_asleep_state_seconds: 27396.493,
          duration_light_sleep_state_seconds: 14905.851,
          duration_deep_sleep_state_seconds: 6630.37,
          duration_REM_sleep_state_seconds: 5860.272,
        },
        awake: { duration_awake_state_seconds: 1403.507, num_wakeup_events: 12 },
        other: { duration_in_bed_seconds: 28800, duration_unmeasurable_sleep_seconds: 0 },
      },
      respiration_data: { breaths_data: { avg_breaths_per_min: 16.11 } },
      scores: { sleep: 90 },
    });
    const nap = await mapOne("sleep", byId("sleeps", "9a7b6c5d-4e3f-4a1b-8c2d-3e4f5a6b7c8d"));
    expect(nap.metadata).toMatchObject({ is_nap: true, start_time: "2026-03-14T14:00:00.000000+01:00", end_time: "2026-03-14T14:40:00.000000+01:00" });
    expect(nap.sleep_durations_data.asleep.duration_asleep_state_seconds).toBe(2100);
    const mia = await mapOne("sleep", byId("sleeps", "mia08c6a-4661-442f-a9a4-f160dd7afae8", MIA), MIA);
    expect(mia.metadata.start_time).toBe("2026-03-07T23:30:00.000000-04:00");
  });

  it("a workout → Activity: sport, strain, kJ → kcal, heart rate, six zones in seconds, distance and climb; a workout not scored yet has its bounds only", async () => {
    const run = await mapOne("activity", byId("workouts", WORKOUT.run));
    expect(run).toEqual({
      metadata: {
        summary_id: WORKOUT.run,
        name: "running",
        type: 8,
        upload_type: 1,
        start_time: "2026-03-11T18:00:00.000000+01:00",
        end_time: "2026-03-11T18:45:00.000000+01:00",
        timestamp_localization: 1,
      },
      strain_data: { strain_level: 8.25 },
      // 1569.34 kJ ÷ 4.184
      calories_data: { total_burned_calories: 375.1 },
      heart_rate_data: {
        summary: {
          avg_hr_bpm: 143,
          max_hr_bpm: 176,
          hr_zone_data: [0, 1, 2, 3, 4, 5].map((zone, i) => ({ zone, duration_seconds: [120, 300, 600, 900, 600, 180][i] })),
        },
      },
      distance_data: { summary: { distance_meters: 8012.6, elevation: { gain_actual_meters: 46.64 } } },
    });
    const lift = await mapOne("activity", byId("workouts", WORKOUT.lift));
    expect(lift.metadata.type).toBe(97);
    expect(lift.calories_data.total_burned_calories).toBe(300);
    expect(lift.distance_data).toBeUndefined();
    const pending = await mapOne("activity", byId("workouts", WORKOUT.pending));
    expect(Object.keys(pending)).toEqual(["metadata"]);
  });

  it("body measurement → Body dated by when WHOOP answered (the stream's measured_at): kg, m → cm, the maximum heart rate", async () => {
    const body = await mapOne("body", { ...fixtureRecords(fixtures, "body_measurement")[0]!, measured_at: "2026-03-16T07:30:00.000Z" });
    expect(body.metadata).toMatchObject({ start_time: "2026-03-16T07:30:00.000000+00:00", end_time: "2026-03-16T07:30:00.000000+00:00" });
    expect(body.measurements_data).toEqual({ measurements: [{ measurement_time: "2026-03-16T07:30:00.000000+00:00", weight_kg: 90.7185, height_cm: 182.9 }] });
    expect(body.heart_data).toEqual({ heart_rate_data: { summary: { user_max_hr_bpm: 200 } } });
    // Without it (no Date header reached the stream) there is no time to give the record: refused, not dated by our clock.
    const [undated] = await mapAll("body", fixtureRecords(fixtures, "body_measurement")[0]!);
    expect(undated).toMatchObject({ kind: expect.not.stringMatching(/^record$/) });
    expect(JSON.stringify(undated)).toContain("start_time");
  });
});
