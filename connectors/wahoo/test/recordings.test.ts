import { describe, expect, it } from "vitest";
import { loadRecordings, recordedTransport } from "@tributary/core/recordings";
import { connectorClient, connectorRun, inStableOrder, payloadOutline, pullAndMap, type PullResult } from "@tributary/test-kit/connector";
import { CONNECTOR_DIR, RECORDINGS_DIR, SAM, wahoo } from "./wahoo.ts";

/**
 * `recordings/` is Sam's workout list as the Wahoo Cloud API answers it (three pages of 30, total 70,
 * summaries with their numbers as text) and the two workout files on Wahoo's CDN (a FIT file, and an error
 * page where the run's file should be). What `tributary connector run connectors/wahoo --recorded
 * connectors/wahoo/recordings --from 2026-01-01 --to 2026-04-01 --user 60462` replays.
 */
describe("WAHOO recordings", () => {
  let pull: PullResult;

  it("replay 70 valid activities with no network, numbers read from their text, the ride's samples from its FIT file", async () => {
    const definition = wahoo();
    const client = connectorClient(definition, { transport: recordedTransport(await loadRecordings(RECORDINGS_DIR)) });
    pull = await pullAndMap(definition, client, {
      window: { start: new Date("2026-01-01T00:00:00Z"), end: new Date("2026-04-01T00:00:00Z") },
      providerUserId: SAM,
      now: () => Date.parse("2026-04-15T00:00:00Z"),
    });
    expect(pull.failures()).toEqual([]);
    expect(pull.delivered()).toHaveLength(70);
    // The ride's FIT file, decoded: 60 one-second records (heart rate 130 + (i mod 10), power 200 + i,
    // speed 9.0 + (i mod 5) × 0.1, cadence 85 + (i mod 3), 9 m a second).
    const ride = pull.delivered()[0] as any;
    const hr = ride.heart_rate_data.detailed.hr_samples;
    expect(hr).toHaveLength(60);
    expect(hr[9]).toEqual({ timestamp: "2026-03-31T07:00:09.000000+00:00", bpm: 139, timer_duration_seconds: 9 });
    expect(ride.power_data.power_samples[59]).toMatchObject({ timestamp: "2026-03-31T07:00:59.000000+00:00", watts: 259 });
    expect(ride.movement_data.speed_samples.slice(0, 5).map((s: any) => s.speed_meters_per_second)).toEqual([9, 9.1, 9.2, 9.3, 9.4]);
    expect(ride.movement_data.cadence_samples.slice(0, 4).map((s: any) => s.cadence_rpm)).toEqual([85, 86, 87, 85]);
    expect(ride.distance_data.detailed.distance_samples[2]).toMatchObject({ distance_meters: 18 });
    expect(ride.position_data.position_samples).toHaveLength(60);
    // The run's "file" was an HTML error page: skipped, the run keeps its summary.
    expect(pull.stats.workouts).toMatchObject({ detailRequests: 2, detailFailures: 1 });
    const { heart_rate_data, power_data, movement_data, distance_data, position_data, ...summary } = ride;
    // "756000.0" J = 756 kJ; 3660 s total; "9.778" m/s; TSS and NP from the head unit.
    expect({
      ...summary,
      heart_rate_data: { summary: heart_rate_data.summary },
      power_data: { avg_watts: power_data.avg_watts },
      movement_data: { avg_cadence_rpm: movement_data.avg_cadence_rpm, avg_speed_meters_per_second: movement_data.avg_speed_meters_per_second },
      distance_data: { summary: distance_data.summary },
    }).toEqual({
      metadata: {
        summary_id: "774300",
        name: "Morning Ride",
        type: 16,
        upload_type: 1,
        start_time: "2026-03-31T07:00:00.000000+00:00",
        end_time: "2026-03-31T08:01:00.000000+00:00",
        timestamp_localization: 0,
      },
      active_durations_data: { activity_seconds: 3600, rest_seconds: 60 },
      calories_data: { total_burned_calories: 780 },
      distance_data: { summary: { distance_meters: 35200, elevation: { gain_actual_meters: 250 } } },
      heart_rate_data: { summary: { avg_hr_bpm: 142 } },
      movement_data: { avg_cadence_rpm: 85, avg_speed_meters_per_second: 9.778 },
      power_data: { avg_watts: 210 },
      work_data: { work_kilojoules: 756 },
      TSS_data: { TSS_samples: [{ actual: 78, normalized_power_watts: 230, method: "Wahoo TSS" }] },
    });
    expect(position_data.position_samples[1].coords_lat_lng_deg.map((d: number) => Math.round(d * 10000) / 10000)).toEqual([45.5001, -73.5999]);
    // A run: no power, no work, so neither is written.
    expect(pull.delivered()[1]).not.toHaveProperty("power_data");
    expect(pull.delivered()[1]).not.toHaveProperty("work_data");
  });

  it("`tributary connector run` over them prints exactly those records, each payload valid", async () => {
    const run = await connectorRun(CONNECTOR_DIR, RECORDINGS_DIR, { from: "2026-01-01", to: "2026-04-01", user: SAM });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`✓ WAHOO: ${pull.delivered().length} valid records`);
    expect(inStableOrder(run.records)).toEqual(inStableOrder(pull.delivered()));
  }, 120_000);

  it("`tributary connector run --pushes` fetches the workout the example push names, with its FIT file's samples", async () => {
    const run = await connectorRun(CONNECTOR_DIR, RECORDINGS_DIR, { pushes: true });
    expect(run.code, run.stderr).toBe(0);
    expect(payloadOutline(run)).toEqual([["activity", ["774300"]]]);
    expect(run.records[0]).toEqual(pull.delivered().find((record: any) => record.metadata.summary_id === "774300"));
  }, 120_000);

  it("hold no credentials", async () => {
    const text = JSON.stringify((await loadRecordings(RECORDINGS_DIR)).files);
    expect(text).not.toMatch(/access_token|refresh_token|authorization|mock-client/i);
    expect(text).not.toMatch(/bearer/i);
  });
});
