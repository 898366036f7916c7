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
});
