import { describe, expect, it } from "vitest";
import { createRecordMapper } from "@tributary/core/authoring";
import type { ProviderTransport } from "@tributary/core/provider-http";
import { loadRecordings, recordedTransport } from "@tributary/core/recordings";
import { createMemoryCursorRepository } from "@tributary/core/state";
import { connectorClient, connectorRun, inStableOrder, payloadOutline, pullAndMap, type PullResult } from "@tributary/test-kit/connector";
import { CONNECTOR_DIR, INES, MARCH, RECORDINGS_DIR, withings } from "./withings.ts";

/**
 * Ines's March through the recordings (Withings' answers as documented: status envelopes, measure groups
 * with value/unit pairs, sleep summaries with their stage series, activity days, workouts), mapped, against
 * values computed by hand from those answers. What `tributary connector run connectors/withings --recorded
 * connectors/withings/recordings --from 2026-03-01 --to 2026-04-01 --user 31873629` prints (tested below).
 */
describe("WITHINGS mapping, by hand", () => {
  let pull: PullResult;
  const now = () => Date.parse("2026-04-15T00:00:00Z");
  const of = (stream: string) =>
    pull.records.filter((r) => r.stream === stream).flatMap((r) => r.mapped.flatMap((m: any) => (m.kind === "record" ? [m.record] : [])));

  it("replays March with no network and quarantines nothing", async () => {
    const recordings = await loadRecordings(RECORDINGS_DIR);
    pull = await pullAndMap(withings(), connectorClient(withings(), { transport: recordedTransport(recordings) }), {
      window: MARCH,
      providerUserId: INES,
      now,
    });
    expect(pull.failures()).toEqual([]);
    expect(pull.delivered()).toHaveLength(4 + 2 + 2 + 3);
  });

  it("`tributary connector run --from 2026-03-01 --to 2026-04-01` over them prints exactly those records, each payload valid", async () => {
    const run = await connectorRun(CONNECTOR_DIR, RECORDINGS_DIR, { from: "2026-03-01", to: "2026-04-01", user: INES, now: "2026-04-15T00:00:00Z" });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("✓ WITHINGS: 11 valid records in 4 payloads, 0 invalid");
    expect(payloadOutline(run)).toEqual([
      [
        "body",
        ["2026-03-02T00:00:00.000000+01:00", "2026-03-05T00:00:00.000000+01:00", "2026-03-09T00:00:00.000000+01:00", "2026-03-29T00:00:00.000000+01:00"],
      ],
      ["sleep", ["2480311", "2480377"]],
      ["daily", ["2026-03-02T00:00:00.000000+01:00", "2026-03-03T00:00:00.000000+01:00"]],
      ["activity", ["3398001", "3398002", "3398003"]],
    ]);
    const printed = run.records as any[];
    // By hand from the answers: 72450 × 10^-3 kg on the 2nd; the night of the 3rd from 1772575800 to
    // 1772604000 (22:10Z–06:00Z, Paris +01:00), asleep 25200 of 28200 s in bed (0.89); 11020 steps on the
    // 3rd; the swim's 30 minutes without a pause.
    expect(printed[0].measurements_data.measurements[0].weight_kg).toBe(72.45);
    const night = printed.find((record) => record.metadata.summary_id === "2480377");
    expect([night.metadata.start_time, night.metadata.end_time]).toEqual(["2026-03-03T23:10:00.000000+01:00", "2026-03-04T07:00:00.000000+01:00"]);
    expect(night.sleep_durations_data.sleep_efficiency).toBe(89);
    expect(night.sleep_durations_data.other).toEqual({ duration_in_bed_seconds: 28200 });
    const third = printed.find((record) => record.metadata.start_time === "2026-03-03T00:00:00.000000+01:00");
    expect(third.distance_data.steps).toBe(11020);
    const swim = printed.find((record) => record.metadata.summary_id === "3398002");
    expect(swim.active_durations_data).toEqual({ activity_seconds: 1800, rest_seconds: 0 });
    expect(inStableOrder(run.records)).toEqual(inStableOrder(pull.delivered()));
  }, 120_000);

  it("measure groups → one Body a day (Ines's days in Paris from the first read: the probe said her zone), each measure at Europe/Paris's offset: value × 10^unit, kg → g, hydration as a share of the weight", () => {
    const [march2, march5, march9] = of("measures");
    expect(march2.metadata).toEqual({
      start_time: "2026-03-02T00:00:00.000000+01:00",
      end_time: "2026-03-03T00:00:00.000000+01:00",
      timestamp_localization: 1,
    });
    // 72450 × 10^-3 kg; fat 184 × 10^-1 %; fat-free 59119 g; muscle 56890 g; bone 2950 g; water 41.230 / 72.450 = 56.908…%
    expect(march2.measurements_data.measurements).toEqual([
      {
        measurement_time: "2026-03-02T07:45:00.000000+01:00",
        weight_kg: 72.45,
        bodyfat_percentage: 18.4,
        lean_mass_g: 59119,
        muscle_mass_g: 56890,
        bone_mass_g: 2950,
        water_percentage: 56.91,
      },
    ]);
    // The evening's blood-pressure reading and pulse, the night's SpO2 (965 × 10^-1) and temperature (3680 × 10^-2).
    expect(march2.blood_pressure_data.blood_pressure_samples).toEqual([{ timestamp: "2026-03-02T20:30:00.000000+01:00", diastolic_bp: 82, systolic_bp: 128 }]);
    expect(march2.heart_data.heart_rate_data.detailed.hr_samples).toEqual([{ timestamp: "2026-03-02T20:30:00.000000+01:00", bpm: 64 }]);
    expect(march2.oxygen_data.saturation_samples).toEqual([{ timestamp: "2026-03-02T22:10:00.000000+01:00", percentage: 96.5 }]);
    expect(march2.temperature_data.body_temperature_samples).toEqual([{ timestamp: "2026-03-02T22:10:00.000000+01:00", temperature_celsius: 36.8 }]);
    // Two groups a minute apart: a weighing and a height (178 × 10^-2 m = 178 cm).
    expect(march5.measurements_data.measurements).toEqual([
      { measurement_time: "2026-03-05T08:00:00.000000+01:00", weight_kg: 72.1, bodyfat_percentage: 18.1 },
      { measurement_time: "2026-03-05T08:01:00.000000+01:00", height_cm: 178 },
    ]);
    expect(march9).toEqual({
      metadata: { start_time: "2026-03-09T00:00:00.000000+01:00", end_time: "2026-03-10T00:00:00.000000+01:00", timestamp_localization: 1 },
      temperature_data: { skin_temperature_samples: [{ timestamp: "2026-03-09T23:15:00.000000+01:00", temperature_celsius: 34.12 }] },
    });
  });

  it("a new connection's first read is already Ines's days in Paris (the probe asks her zone first): 29 March, the clocks go forward, lasts 23 hours", async () => {
    const cursors = createMemoryCursorRepository();
    const recorded = recordedTransport(await loadRecordings(RECORDINGS_DIR));
    const bodies: string[] = [];
    const transport: ProviderTransport = (request) => {
      bodies.push(String(request.body ?? ""));
      return recorded(request);
    };
    const client = connectorClient(withings(), { transport });
    const read = () =>
      pullAndMap(withings(), client, {
        window: { start: new Date("2026-03-29T00:00:00Z"), end: new Date("2026-03-30T00:00:00Z") },
        providerUserId: INES,
        now,
        cursors,
        streams: ["measures"],
      });
    const day = await read();
    // The probe (groups changed after the window's end, 30 March 00:00Z), then Paris' 29th and 30th.
    const probes = bodies.filter((body) => new URLSearchParams(body).has("lastupdate"));
    expect(probes.map((body) => new URLSearchParams(body).get("lastupdate"))).toEqual(["1774828800"]);
    expect(bodies.filter((body) => new URLSearchParams(body).has("startdate")).map((body) => new URLSearchParams(body).get("startdate"))).toEqual([
      "1774738800",
      "1774821600",
    ]);
    // The zone is the connection's now: the next read asks no probe.
    await read();
    expect(bodies.filter((body) => new URLSearchParams(body).has("lastupdate"))).toHaveLength(1);
    expect(day.failures()).toEqual([]);
    // Asked 00:00Z–00:00Z; read from Paris midnight (23:00Z on the 28th) to Paris midnight of the 31st (22:00Z on the 30th), a day at a time.
    expect(day.delivered()).toEqual([
      {
        metadata: { start_time: "2026-03-29T00:00:00.000000+01:00", end_time: "2026-03-30T00:00:00.000000+02:00", timestamp_localization: 1 },
        // 00:30 CET is 23:30Z on the 28th: a UTC day earlier, the same Paris day. 72050 and 71900 × 10^-3 kg, 181 × 10^-1 %.
        measurements_data: {
          measurements: [
            { measurement_time: "2026-03-29T00:30:00.000000+01:00", weight_kg: 72.05 },
            { measurement_time: "2026-03-29T08:30:00.000000+02:00", weight_kg: 71.9, bodyfat_percentage: 18.1 },
          ],
        },
      },
    ]);
  });

  it("a sleep summary and its stage series → Sleep, in the night's zone (Europe/Paris, +01:00)", () => {
    const [night] = of("sleep_summaries");
    expect(night.metadata).toEqual({
      summary_id: "2480311",
      start_time: "2026-03-01T22:30:00.000000+01:00",
      end_time: "2026-03-02T06:30:00.000000+01:00",
      is_nap: false,
      upload_type: 2,
      timestamp_localization: 1,
    });
    expect(night.sleep_durations_data.asleep).toEqual({
      duration_asleep_state_seconds: 26100,
      duration_light_sleep_state_seconds: 13500,
      duration_deep_sleep_state_seconds: 6300,
      duration_REM_sleep_state_seconds: 6300,
      num_REM_events: 4,
    });
    expect(night.sleep_durations_data.awake).toEqual({
      duration_awake_state_seconds: 1500,
      num_wakeup_events: 2,
      num_out_of_bed_events: 1,
      sleep_latency_seconds: 720,
      wake_up_latency_seconds: 480,
    });
    // 0.91 of the time in bed
    expect(night.sleep_durations_data.sleep_efficiency).toBe(91);
    // Segments of 720, 5400, 6300, 3600, 8100, 2700, 1980 s from 22:30: awake, light, deep, REM, light, REM, awake.
    expect(night.sleep_durations_data.hypnogram_samples.map((s: any) => [s.timestamp.slice(11, 16), s.level])).toEqual([
      ["22:30", 1],
      ["22:42", 4],
      ["00:12", 5],
      ["01:57", 6],
      ["02:57", 4],
      ["05:12", 6],
      ["05:57", 1],
    ]);
    expect(night.heart_rate_data).toEqual({
      summary: { avg_hr_bpm: 54, min_hr_bpm: 47, max_hr_bpm: 71 },
      detailed: {
        hr_samples: [
          { timestamp: "2026-03-01T22:30:00.000000+01:00", bpm: 62 },
          { timestamp: "2026-03-01T22:40:00.000000+01:00", bpm: 60 },
          { timestamp: "2026-03-01T22:42:00.000000+01:00", bpm: 58 },
          { timestamp: "2026-03-01T22:52:00.000000+01:00", bpm: 56 },
        ],
      },
    });
    expect(night.respiration_data).toEqual({
      breaths_data: { avg_breaths_per_min: 14, min_breaths_per_min: 11, max_breaths_per_min: 18 },
      snoring_data: { total_snoring_duration_seconds: 840, num_snoring_events: 6 },
    });
    expect(night.scores).toEqual({ sleep: 82 });
    // A night whose series carry no heart rate has no samples at all, not an empty list.
    expect(of("sleep_summaries")[1].heart_rate_data).toEqual({ summary: { avg_hr_bpm: 56, min_hr_bpm: 49, max_hr_bpm: 74 } });
  });

  it("an activity day → Daily from local midnight to midnight", () => {
    expect(of("activity")[0]).toEqual({
      metadata: { start_time: "2026-03-02T00:00:00.000000+01:00", end_time: "2026-03-03T00:00:00.000000+01:00", upload_type: 1, timestamp_localization: 1 },
      distance_data: { steps: 9184, distance_meters: 7012.4, elevation: { gain_actual_meters: 42.3 } },
      active_durations_data: { activity_seconds: 2400, low_intensity_seconds: 4200, moderate_intensity_seconds: 1860, vigorous_intensity_seconds: 540 },
      calories_data: { net_activity_calories: 412.6, total_burned_calories: 2318.9 },
      heart_rate_data: { summary: { avg_hr_bpm: 71, min_hr_bpm: 48, max_hr_bpm: 152 } },
    });
  });

  it("workouts → Activity: the category as an ActivityType, moving time less pauses, zeros Withings writes for what was not measured left out", () => {
    const [run, swim, other] = of("workouts");
    expect(run.metadata).toEqual({
      summary_id: "3398001",
      type: 8,
      upload_type: 1,
      start_time: "2026-03-03T08:00:00.000000+01:00",
      end_time: "2026-03-03T08:45:30.000000+01:00",
      timestamp_localization: 1,
    });
    // 2730 s less 60 s paused by hand and 30 s detected
    expect(run.active_durations_data).toEqual({ activity_seconds: 2640, rest_seconds: 90 });
    expect(run.distance_data.summary).toEqual({ distance_meters: 7512.3, steps: 6420, elevation: { gain_actual_meters: 38 } });
    expect(swim.metadata.type).toBe(82);
    expect(swim.distance_data.summary).toEqual({ distance_meters: 1000, swimming: { num_laps: 40, num_strokes: 880, pool_length_meters: 25 } });
    expect(swim.oxygen_data).toEqual({ avg_saturation_percentage: 97 });
    expect(other.metadata.type).toBe(108);
    expect(other.distance_data).toBeUndefined();
  });

  it("a night, a day or a workout whose timezone this runtime does not know is delivered in UTC (timestamp_localization 0), not quarantined", async () => {
    const mapper = createRecordMapper(withings(), { userId: "terra-ines", providerUserId: INES });
    const mapped = async (dataType: string, record: Record<string, unknown>) => {
      const [outcome] = await mapper.map(dataType, dataType, record);
      expect(outcome?.kind, `${dataType} ${record.timezone}: ${JSON.stringify(outcome).slice(0, 400)}`).toBe("record");
      return (outcome as { record: any }).record;
    };
    // 1772575200 is 2026-03-03T22:00:00Z; a misspelling, a name no zone has, and none.
    for (const timezone of ["Europe/Pariss", "Etc/Unknown", ""]) {
      const night = await mapped("sleep", { id: 5001, startdate: 1772575200, enddate: 1772575200 + 8 * 3600, timezone, data: { sleep_score: 80 } });
      expect(night.metadata).toMatchObject({
        start_time: "2026-03-03T22:00:00.000000+00:00",
        end_time: "2026-03-04T06:00:00.000000+00:00",
        timestamp_localization: 0,
      });
      const day = await mapped("daily", { date: "2026-03-02", timezone, steps: 9184 });
      expect(day.metadata).toEqual({
        start_time: "2026-03-02T00:00:00.000000+00:00",
        end_time: "2026-03-03T00:00:00.000000+00:00",
        upload_type: 1,
        timestamp_localization: 0,
      });
      const run = await mapped("activity", { id: 3398009, category: 1, startdate: 1772575200, enddate: 1772575200 + 1800, timezone, data: {} });
      expect(run.metadata).toMatchObject({
        start_time: "2026-03-03T22:00:00.000000+00:00",
        end_time: "2026-03-03T22:30:00.000000+00:00",
        timestamp_localization: 0,
      });
    }
  });

  it("recordings hold no credentials", async () => {
    const text = JSON.stringify((await loadRecordings(RECORDINGS_DIR)).files);
    expect(text).not.toMatch(/access_token|refresh_token|authorization|mock-client/i);
  });
});
