import { describe, expect, it } from "vitest";
import { loadRecordings, recordedTransport } from "@tributary/core/recordings";
import { connectorClient, pullAndMap } from "@tributary/test-kit/connector";
import { RECORDINGS_DIR, SAM, wahoo } from "./wahoo.ts";

/**
 * `recordings/` is Sam's workout list as the Wahoo Cloud API answers it (three pages of 30, total 70,
 * summaries with their numbers as text). What `tributary connector run WAHOO --recorded
 * connectors/wahoo/recordings --from 2026-01-01 --to 2026-04-01 --user 60462` replays.
 */
describe("WAHOO recordings", () => {
  it("replay 70 valid activities with no network, numbers read from their text", async () => {
    const definition = wahoo();
    const client = connectorClient(definition, { transport: recordedTransport(await loadRecordings(RECORDINGS_DIR)) });
    const pull = await pullAndMap(definition, client, { window: { start: new Date("2026-01-01T00:00:00Z"), end: new Date("2026-04-01T00:00:00Z") }, providerUserId: SAM, now: () => Date.parse("2026-04-15T00:00:00Z") });
    expect(pull.failures()).toEqual([]);
    expect(pull.delivered()).toHaveLength(70);
    // "756000.0" J = 756 kJ; 3660 s total; "9.778" m/s; TSS and NP from the head unit.
    expect(pull.delivered()[0]).toEqual({
      metadata: { summary_id: "774300", name: "Morning Ride", type: 16, upload_type: 1, start_time: "2026-03-31T07:00:00.000000+00:00", end_time: "2026-03-31T08:01:00.000000+00:00", timestamp_localization: 0 },
      active_durations_data: { activity_seconds: 3600, rest_seconds: 60 },
      calories_data: { total_burned_calories: 780 },
      distance_data: { summary: { distance_meters: 35200, elevation: { gain_actual_meters: 250 } } },
      heart_rate_data: { summary: { avg_hr_bpm: 142 } },
      movement_data: { avg_cadence_rpm: 85, avg_speed_meters_per_second: 9.778 },
      power_data: { avg_watts: 210 },
      work_data: { work_kilojoules: 756 },
      TSS_data: { TSS_samples: [{ actual: 78, normalized_power_watts: 230, method: "Wahoo TSS" }] },
    });
    // A run: no power, no work, so neither is written.
    expect(pull.delivered()[1]).not.toHaveProperty("power_data");
    expect(pull.delivered()[1]).not.toHaveProperty("work_data");
  });

  it("hold no credentials", async () => {
    const text = JSON.stringify((await loadRecordings(RECORDINGS_DIR)).files);
    expect(text).not.toMatch(/access_token|refresh_token|authorization|mock-client/i);
  });
});
