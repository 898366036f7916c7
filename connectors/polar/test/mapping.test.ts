import { describe, expect, it } from "vitest";
import { loadRecordings, recordedTransport } from "@tributary/core/recordings";
import { connectorClient, connectorRun, inStableOrder, pullAndMap, type PullResult } from "@tributary/test-kit/connector";
import { AVA, CONNECTOR_DIR, MARCH, RECORDINGS_DIR, polar } from "./polar.ts";

/**
 * Ava's March through the recordings (AccessLink's documented shapes: exercises with samples and zones,
 * nights with their Nightly Recharge, daily activity), against values computed by hand. What `tributary
 * connector run connectors/polar --recorded connectors/polar/recordings --from 2026-03-01 --to 2026-03-31
 * --user 475220` prints (as of --to: AccessLink serves the last 30 days).
 */
describe("POLAR mapping, by hand", () => {
  let pull: PullResult;
  const of = (stream: string) =>
    pull.records.filter((r) => r.stream === stream).flatMap((r) => r.mapped.flatMap((m: any) => (m.kind === "record" ? [m.record] : [])));

  it("replays March with no network and quarantines nothing", async () => {
    const definition = polar();
    pull = await pullAndMap(definition, connectorClient(definition, { transport: recordedTransport(await loadRecordings(RECORDINGS_DIR)) }), {
      window: { start: MARCH.start, end: new Date("2026-03-31T00:00:00Z") },
      providerUserId: AVA,
      now: () => Date.parse("2026-03-31T12:00:00Z"),
    });
    expect(pull.failures()).toEqual([]);
    expect(pull.delivered()).toHaveLength(8);
  });

  it("an exercise → Activity: local start at its UTC offset, ISO duration, zones, one sample a recording-rate, km/h → m/s", () => {
    const [run, ride, yoga] = of("exercises");
    // 18:00 at +60 min, PT10M
    expect(run.metadata).toEqual({
      summary_id: "475220-20260310T170000Z",
      type: 8,
      upload_type: 1,
      start_time: "2026-03-10T18:00:00.000000+01:00",
      end_time: "2026-03-10T18:10:00.000000+01:00",
      timestamp_localization: 1,
    });
    expect(run.active_durations_data).toEqual({ activity_seconds: 600 });
    expect(run.heart_rate_data.summary.hr_zone_data.map((z: any) => [z.zone, z.duration_seconds])).toEqual([
      [0, 60],
      [1, 150],
      [2, 300],
      [3, 90],
      [4, 0],
    ]);
    expect(run.heart_rate_data.summary.hr_zone_data[2].name).toBe("Zone 3 (134–153 bpm)");
    // Ten heart-rate values, one a minute.
    expect(run.heart_rate_data.detailed.hr_samples).toHaveLength(10);
    expect(run.heart_rate_data.detailed.hr_samples[9]).toEqual({ timestamp: "2026-03-10T18:09:00.000000+01:00", bpm: 161 });
    // 10.8 km/h = 3 m/s; 11.5 km/h = 3.1944… m/s
    expect(run.movement_data.speed_samples.slice(0, 2)).toEqual([
      { timestamp: "2026-03-10T18:00:00.000000+01:00", speed_meters_per_second: 3 },
      { timestamp: "2026-03-10T18:01:00.000000+01:00", speed_meters_per_second: 3.194 },
    ]);
    expect(run.movement_data.cadence_samples[6]).toEqual({ timestamp: "2026-03-10T18:06:00.000000+01:00", cadence_rpm: 87 });
    expect(run.TSS_data).toEqual({ TSS_samples: [{ actual: 24.5, method: "Polar Training Load" }] });
    // Power every 600 s.
    expect(ride.power_data.power_samples).toEqual([
      { timestamp: "2026-03-12T07:00:00.000000+01:00", watts: 180 },
      { timestamp: "2026-03-12T07:10:00.000000+01:00", watts: 210 },
      { timestamp: "2026-03-12T07:20:00.000000+01:00", watts: 195 },
    ]);
    expect(ride.metadata.type).toBe(16);
    // No samples, no zones, no distance: none written.
    expect(yoga).toEqual({
      metadata: {
        summary_id: "475220-20260314T180000Z",
        type: 100,
        upload_type: 1,
        start_time: "2026-03-14T19:00:00.000000+01:00",
        end_time: "2026-03-14T19:45:00.000000+01:00",
        timestamp_localization: 1,
      },
      device_data: { name: "Polar Ignite 3", manufacturer: "Polar" },
      active_durations_data: { activity_seconds: 2700 },
      calories_data: { total_burned_calories: 150 },
      heart_rate_data: { summary: { avg_hr_bpm: 88, max_hr_bpm: 104 } },
    });
  });

  it("a night and its Nightly Recharge → Sleep; a night without one keeps its own numbers", () => {
    const [night, second] = of("sleep");
    expect(night).toEqual({
      metadata: {
        summary_id: "2026-03-11",
        start_time: "2026-03-10T23:12:00.000000+01:00",
        end_time: "2026-03-11T06:54:00.000000+01:00",
        is_nap: false,
        upload_type: 2,
        timestamp_localization: 1,
      },
      sleep_durations_data: {
        // 14400 + 5400 + 6000
        asleep: {
          duration_asleep_state_seconds: 25800,
          duration_light_sleep_state_seconds: 14400,
          duration_deep_sleep_state_seconds: 5400,
          duration_REM_sleep_state_seconds: 6000,
        },
        awake: { duration_awake_state_seconds: 1800, duration_short_interruption_seconds: 1200, duration_long_interruption_seconds: 600 },
        other: { duration_unmeasurable_sleep_seconds: 120 },
        // Stage changes keyed by clock time: 00:30 is after midnight, so on the 11th; wake 1, lighter non-REM 4, deep 5.
        hypnogram_samples: [
          { timestamp: "2026-03-10T23:12:00.000000+01:00", level: 1 },
          { timestamp: "2026-03-10T23:20:00.000000+01:00", level: 4 },
          { timestamp: "2026-03-11T00:30:00.000000+01:00", level: 5 },
        ],
      },
      heart_rate_data: {
        summary: { avg_hr_bpm: 55, avg_hrv_rmssd: 48 },
        detailed: {
          hr_samples: [
            { timestamp: "2026-03-10T23:15:00.000000+01:00", bpm: 60 },
            { timestamp: "2026-03-10T23:20:00.000000+01:00", bpm: 58 },
          ],
          // The Nightly Recharge's own samples, keyed the same way.
          hrv_samples_rmssd: [
            { timestamp: "2026-03-10T23:20:00.000000+01:00", hrv_rmssd: 44 },
            { timestamp: "2026-03-10T23:25:00.000000+01:00", hrv_rmssd: 51 },
          ],
        },
      },
      respiration_data: {
        breaths_data: {
          avg_breaths_per_min: 14.2,
          samples: [
            { timestamp: "2026-03-10T23:20:00.000000+01:00", breaths_per_min: 14.4 },
            { timestamp: "2026-03-10T23:25:00.000000+01:00", breaths_per_min: 14 },
          ],
        },
      },
      scores: { sleep: 81 },
    });
    expect(second.heart_rate_data).toBeUndefined();
    expect(second.sleep_durations_data.asleep.duration_asleep_state_seconds).toBe(13000 + 4800 + 4900);
  });

  it("a day of activity → Daily: local midnights at Ava's offset (learned from her sessions and nights), ISO durations, calories, steps", () => {
    // Polar writes the day as 2026-03-10T00:00:00 to 2026-03-11T00:00:00 with no offset; her sessions say +60 minutes.
    expect(of("activities")[0]).toEqual({
      metadata: { start_time: "2026-03-10T00:00:00.000000+01:00", end_time: "2026-03-11T00:00:00.000000+01:00", upload_type: 1, timestamp_localization: 1 },
      // PT2H14M, PT9H30M
      active_durations_data: { activity_seconds: 8040, inactivity_seconds: 34200 },
      calories_data: { total_burned_calories: 2410, net_activity_calories: 812 },
      distance_data: { steps: 11240, distance_meters: 8540.2 },
    });
  });

  it("a day read before its sessions and nights asks them first (timezone.probe): at Ava's offset either way", async () => {
    const definition = polar();
    const client = connectorClient(definition, { transport: recordedTransport(await loadRecordings(RECORDINGS_DIR)) });
    const days = async (streams: string[]) => {
      const read = await pullAndMap(definition, client, {
        window: { start: MARCH.start, end: new Date("2026-03-31T00:00:00Z") },
        providerUserId: AVA,
        streams,
        now: () => Date.parse("2026-03-31T12:00:00Z"),
      });
      return {
        days: (read.delivered() as any[]).filter((r) => r.active_durations_data).map((day) => [day.metadata.start_time, day.metadata.end_time]),
        requests: read.stats.activities!.http.requests,
      };
    };
    const atHerOffset = [
      ["2026-03-10T00:00:00.000000+01:00", "2026-03-11T00:00:00.000000+01:00"],
      ["2026-03-11T00:00:00.000000+01:00", "2026-03-12T00:00:00.000000+01:00"],
    ];
    // Alone: the nights (sleep_end_time "2026-03-11T06:54:00+01:00") and sessions (+60 min) first, then two windows of days.
    expect(await days(["activities"])).toEqual({ days: atHerOffset, requests: 4 });
    expect(await days(["sleep", "activities"])).toMatchObject({ days: atHerOffset });
  });

  it("`tributary connector run` over the recordings prints exactly those records, as of the end of March (Polar serves 30 days)", async () => {
    const run = await connectorRun(CONNECTOR_DIR, RECORDINGS_DIR, { from: "2026-03-01", to: "2026-03-31", user: AVA });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("✓ POLAR: 8 valid records");
    expect(inStableOrder(run.records)).toEqual(inStableOrder(pull.delivered()));
  }, 120_000);

  it("`tributary connector run --poll` takes the sessions from a recorded exercise transaction (hyphenated, numeric ids; samples by type, zones; committed, then 204): the records the list gave", async () => {
    const run = await connectorRun(CONNECTOR_DIR, RECORDINGS_DIR, { from: "2026-03-01", to: "2026-03-31", user: AVA, poll: true });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("✓ POLAR: 8 valid records");
    // The other data types read their windows as before; the activities come from the transaction, the same records.
    expect(inStableOrder(run.records)).toEqual(inStableOrder(pull.delivered()));
    expect(run.payloads.find((payload) => payload.type === "activity")!.data!.map((record: any) => record.metadata.summary_id)).toEqual([
      "475220-20260310T170000Z",
      "475220-20260312T060000Z",
      "475220-20260314T180000Z",
    ]);
  }, 120_000);

  it("the member's physical information → Body: weight, height, resting and maximum heart rate, VO2max, at its last change (UTC)", () => {
    expect(of("physical_info")).toEqual([
      {
        metadata: { start_time: "2026-03-12T07:05:00.000000+00:00", end_time: "2026-03-12T07:05:00.000000+00:00", timestamp_localization: 0 },
        measurements_data: { measurements: [{ measurement_time: "2026-03-12T07:05:00.000000+00:00", weight_kg: 61.4, height_cm: 168 }] },
        heart_data: { heart_rate_data: { summary: { resting_hr_bpm: 52, user_max_hr_bpm: 188 } } },
        oxygen_data: { vo2max_ml_per_min_per_kg: 47 },
      },
    ]);
  });

  it("recordings hold no credentials", async () => {
    const text = JSON.stringify((await loadRecordings(RECORDINGS_DIR)).files);
    expect(text).not.toMatch(/access_token|authorization|mock-client/i);
  });
});
