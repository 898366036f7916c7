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
});
