import { describe, expect, it } from "vitest";
import { mapAll, mapOne } from "./whoop.ts";

/**
 * Shapes WHOOP really answers that our fixtures (written from the API reference) do not have, rewritten in
 * our own values after public clients' test data: records not scored yet (score_state PENDING_SCORE or
 * UNSCORABLE, with `score` null or absent), the open cycle (`end` null), and workouts that name their sport
 * only by `sport_id`.
 */
describe("WHOOP real answer shapes", () => {
  it("a workout with no sport_name (sport_id only, score null while PENDING_SCORE) is delivered as Other, not quarantined", async () => {
    const workout = await mapOne("activity", {
      id: "0b6e7f41-5c2a-4d1e-9f80-2a7d3c1e9b55",
      user_id: 10129,
      start: "2026-03-15T10:00:00.000Z",
      end: "2026-03-15T11:00:00.000Z",
      timezone_offset: "-05:00",
      sport_id: 44,
      score_state: "PENDING_SCORE",
      score: null,
    });
    expect(workout.metadata).toEqual({
      summary_id: "0b6e7f41-5c2a-4d1e-9f80-2a7d3c1e9b55",
      type: 108,
      upload_type: 1,
      start_time: "2026-03-15T05:00:00.000000-05:00",
      end_time: "2026-03-15T06:00:00.000000-05:00",
      timestamp_localization: 1,
    });
  });

  it("a sleep not scored yet (no score at all) is delivered with its times; an UNSCORABLE one with empty score parts too", async () => {
    const pending = await mapOne("sleep", {
      id: "5e1d2c3b-4a59-4687-9a1b-0c2d3e4f5a6b",
      cycle_id: 93846,
      start: "2026-03-10T21:30:00.000Z",
      end: "2026-03-11T04:45:00.000Z",
      timezone_offset: "+02:00",
      nap: false,
      score_state: "PENDING_SCORE",
    });
    expect(pending.metadata).toMatchObject({ start_time: "2026-03-10T23:30:00.000000+02:00", end_time: "2026-03-11T06:45:00.000000+02:00", is_nap: false });
    expect(pending.sleep_durations_data).toBeUndefined();
    const unscorable = await mapOne("sleep", {
      id: "6f2e3d4c-5b6a-4798-8b2c-1d3e4f5a6b7c",
      start: "2026-03-12T12:00:00.000Z",
      end: "2026-03-12T12:40:00.000Z",
      timezone_offset: "+02:00",
      nap: true,
      score_state: "UNSCORABLE",
      score: { stage_summary: {}, sleep_needed: {}, respiratory_rate: null, sleep_performance_percentage: null, sleep_efficiency_percentage: null },
    });
    expect(unscorable.metadata.is_nap).toBe(true);
    expect(unscorable.scores).toBeUndefined();
  });

  it("the open cycle (end null, PENDING_SCORE, no score) is held back; a cycle whose recovery is not scored keeps its strain", async () => {
    expect(await mapAll("daily", { id: 93850, start: "2026-03-20T02:58:17.049Z", end: null, timezone_offset: "+02:00", score_state: "PENDING_SCORE" })).toEqual(
      [{ kind: "skip" }],
    );
    const day = await mapOne("daily", {
      id: 93849,
      start: "2026-03-18T21:00:00.000Z",
      end: "2026-03-19T21:30:00.000Z",
      timezone_offset: "+02:00",
      score_state: "SCORED",
      score: { strain: 12.5, kilojoule: 10878.4, average_heart_rate: 75, max_heart_rate: 165 },
      recovery: { cycle_id: 93849, sleep_id: "7a3f4e5d-6c7b-48a9-9c3d-2e4f5a6b7c8d", score_state: "PENDING_SCORE", score: null },
    });
    expect(day.strain_data).toEqual({ strain_level: 12.5 });
    // 10878.4 kJ ÷ 4.184 = 2600 kcal
    expect(day.calories_data).toEqual({ total_burned_calories: 2600 });
    expect(day.scores).toBeUndefined();
  });
  it("sport names as WHOOP writes them, lower-case with hyphens (functional-fitness, ice-hockey, mountain-biking), map to their types", async () => {
    const typeOf = async (sport_name: string) =>
      (
        await mapOne("activity", {
          id: `w-${sport_name}`,
          start: "2026-03-15T10:00:00.000Z",
          end: "2026-03-15T10:45:00.000Z",
          timezone_offset: "+01:00",
          sport_name,
          score_state: "SCORED",
          score: { strain: 11.2, average_heart_rate: 141, max_heart_rate: 172, kilojoule: 1569.34, percent_recorded: 100 },
        })
      ).metadata.type;
    expect(await typeOf("functional-fitness")).toBe(113);
    expect(await typeOf("ice-hockey")).toBe(36);
    expect(await typeOf("mountain-biking")).toBe(15);
    expect(await typeOf("Functional Fitness")).toBe(113);
    expect(await typeOf("future-sport")).toBe(108);
  });
});
