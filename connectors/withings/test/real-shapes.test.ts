import { describe, expect, it } from "vitest";
import { createRecordMapper, type MappedRecord } from "@tributary/core/authoring";
import { INES, withings } from "./withings.ts";

const mapper = createRecordMapper(withings(), { userId: "terra-ines", providerUserId: INES });

/** Each record mapped as the stream hands it to the mapping; every one must be delivered. */
async function mapped(mapping: string, ...inputs: unknown[]): Promise<any[]> {
  const out: MappedRecord[] = [];
  for (const input of inputs) out.push(...(await mapper.map(mapping, mapping, input)));
  expect(out.filter((m) => m.kind !== "record")).toEqual([]);
  return out.map((m) => (m as Extract<MappedRecord, { kind: "record" }>).record);
}

/**
 * Withings answers shaped like those client libraries and integrations keep in their tests (values and ids
 * are ours): data fields a device did not measure sent as 0 or null, sparse sleep summaries, stage series
 * without samples. Each record must be delivered, with the values worked out by hand.
 */
describe("WITHINGS real answer shapes", () => {
  it("a workout whose data fields are null is delivered: its moving time is the span less the pauses given, and the null counts are left out", async () => {
    // Shape seen in open-source Withings clients, whose workout data fields are optional (null when the device did not record them).
    const [walk] = await mapped("activity", {
      id: 3520417,
      category: 1,
      timezone: "Europe/Paris",
      model: 93,
      attrib: 7,
      startdate: 1772440000,
      enddate: 1772443600,
      date: "2026-03-02",
      deviceid: null,
      data: {
        calories: 250.4,
        steps: 3000,
        distance: 2500.5,
        elevation: null,
        pause_duration: 120,
        algo_pause_duration: null,
        pool_laps: null,
        strokes: null,
        pool_length: null,
      },
    });
    // 1772440000 = 2026-03-02T08:26:40Z, 09:26:40 in Paris (+01:00)
    expect(walk.metadata).toMatchObject({
      summary_id: "3520417",
      type: 7,
      start_time: "2026-03-02T09:26:40.000000+01:00",
      end_time: "2026-03-02T10:26:40.000000+01:00",
    });
    expect(walk.active_durations_data).toEqual({ activity_seconds: 3600 - 120, rest_seconds: 120 });
    expect(walk.distance_data).toEqual({ summary: { distance_meters: 2500.5, steps: 3000 } });
    expect(walk.calories_data).toEqual({ net_activity_calories: 250.4 });
  });
  it("zeros for heart rate and SpO2 (what Withings writes when nothing measured them) are left out: no 0 bpm, no 0 %", async () => {
    // Shape of Withings' own getworkouts/getactivity reference examples and of typed clients that read every data field as an integer.
    const [walk] = await mapped("activity", {
      id: 3520418,
      category: 1,
      timezone: "Europe/Paris",
      model: 1055,
      attrib: 0,
      startdate: 1772440000,
      enddate: 1772441800,
      date: "2026-03-02",
      deviceid: "3c1e9f0a7b2d",
      data: {
        algo_pause_duration: 0,
        calories: 96,
        distance: 2100,
        elevation: 0,
        hr_average: 0,
        hr_max: 0,
        hr_min: 0,
        hr_zone_0: 0,
        intensity: 0,
        pause_duration: 0,
        spo2_average: 0,
        steps: 2900,
      },
    });
    expect(walk.heart_rate_data).toBeUndefined();
    expect(walk.oxygen_data).toBeUndefined();
    expect(walk.distance_data).toEqual({ summary: { distance_meters: 2100, steps: 2900 } });
    expect(walk.active_durations_data).toEqual({ activity_seconds: 1800, rest_seconds: 0 });
    const [day, measured] = await mapped(
      "daily",
      { date: "2026-03-11", timezone: "Europe/Paris", deviceid: null, brand: 18, is_tracker: false, steps: 223, hr_average: 0, hr_min: 0, hr_max: 0 },
      { date: "2026-03-12", timezone: "Europe/Paris", brand: 1, is_tracker: true, steps: 8012, hr_average: 71, hr_min: 52, hr_max: 148 },
    );
    expect(day.heart_rate_data).toBeUndefined();
    expect(day.metadata.start_time).toBe("2026-03-11T00:00:00.000000+01:00");
    expect(measured.heart_rate_data).toEqual({ summary: { avg_hr_bpm: 71, min_hr_bpm: 52, max_hr_bpm: 148 } });
  });
  it("a sparse night (an older sleep tracker's few fields) and a night whose stages carry null heart-rate series are delivered", async () => {
    // Summary shape of a Python Withings client's test data (model 16, six data fields); stage series as the sleep get answer gives them, hr null where unmeasured.
    const [sparse, staged] = await mapped(
      "sleep",
      {
        id: 2480390,
        timezone: "Europe/London",
        model: 16,
        startdate: 1772400600,
        enddate: 1772429400,
        date: "2026-03-02",
        modified: 1772429600,
        data: { deepsleepduration: 9660, durationtosleep: 0, durationtowakeup: 240, lightsleepduration: 16220, wakeupcount: 1, wakeupduration: 720 },
      },
      {
        id: 2480391,
        timezone: "Europe/Paris",
        model: 32,
        startdate: 1772400600,
        enddate: 1772429400,
        date: "2026-03-02",
        data: { asleepduration: 25000, hr_average: 58 },
        stages: [
          { startdate: 1772400600, enddate: 1772401200, state: 0, hr: { "1772400600": 62, "1772400660": 61 } },
          { startdate: 1772401200, enddate: 1772405000, state: 1, hr: null },
          { startdate: 1772405000, enddate: 1772406000, state: 5 },
        ],
      },
    );
    // 1772400600 = 2026-03-01T21:30:00Z: 21:30 in London (+00:00), 22:30 in Paris (+01:00)
    expect(sparse.metadata).toMatchObject({
      summary_id: "2480390",
      start_time: "2026-03-01T21:30:00.000000+00:00",
      end_time: "2026-03-02T05:30:00.000000+00:00",
    });
    expect(sparse.sleep_durations_data.asleep).toEqual({ duration_light_sleep_state_seconds: 16220, duration_deep_sleep_state_seconds: 9660 });
    expect(sparse.sleep_durations_data.awake).toEqual({
      duration_awake_state_seconds: 720,
      num_wakeup_events: 1,
      sleep_latency_seconds: 0,
      wake_up_latency_seconds: 240,
    });
    expect(staged.heart_rate_data.detailed.hr_samples).toEqual([
      { timestamp: "2026-03-01T22:30:00.000000+01:00", bpm: 62 },
      { timestamp: "2026-03-01T22:31:00.000000+01:00", bpm: 61 },
    ]);
    // awake, light, and state 5 (unspecified) read as Terra's Unknown
    expect(staged.sleep_durations_data.hypnogram_samples.map((s: any) => s.level)).toEqual([1, 4, 0]);
  });
});
