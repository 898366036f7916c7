import { describe, expect, it } from "vitest";
import { createRecordMapper } from "@tributary/core/authoring";
import { JORDAN, xert } from "./xert.ts";

/**
 * Shapes Xert really answers that our fixtures (written from Xert's API page) do not have, rewritten in our
 * own values. Where they were seen: public Xert clients read `summary.xss` as possibly null ("indoor trainer
 * with no power") and GoldenCheetah's Xert client reads durations and distances as text; a head unit that
 * loses a sensor for some seconds leaves nulls in those seconds' samples.
 */
const mapOne = async (record: Record<string, unknown>) => {
  const outcomes = await createRecordMapper(xert(), { userId: "test-user", providerUserId: JORDAN }).map("activity", "activity", record);
  expect(outcomes).toHaveLength(1);
  if (outcomes[0]!.kind !== "record") throw new Error(`not delivered: ${JSON.stringify(outcomes[0]).slice(0, 1500)}`);
  return outcomes[0]!.record as any;
};

const listed = (path: string, detail: Record<string, unknown>) => ({
  name: "Trainer Hour",
  path,
  activity_type: "Virtual Cycling",
  description: null,
  start_date: { date: "2026-03-04 17:00:00.000000", timezone_type: 3, timezone: "UTC" },
  detail: { success: true, name: "Trainer Hour", description: null, ...detail },
});

describe("XERT real answer shapes", () => {
  it("samples with null power, cadence, altitude and position (sensor dropouts) still deliver the activity, aggregates over the numbers only", async () => {
    const ride = await mapOne(
      listed("c0ffee0000000001", {
        summary: { activity_type: "Virtual Cycling", duration: 3, distance: 0.02, xss: 1.2, session: {} },
        session_data: [
          { unix_time: 1772643600000, power: 200, hr: 130, cad: 90, alt: 12.0, spd: 8000, dist: 8.0, lat: null, lng: null },
          { unix_time: 1772643601000, power: null, hr: 131, cad: null, alt: null, spd: 8100, dist: 16.1, lat: 45.4, lng: -75.7 },
          { unix_time: 1772643602000, power: 220, hr: 133, cad: 92, alt: 13.0, spd: 8200, dist: 24.3, lat: 45.41, lng: -75.7 },
        ],
      }),
    );
    expect(ride.power_data).toMatchObject({ avg_watts: 210, max_watts: 220 });
    expect(ride.power_data.power_samples).toHaveLength(2);
    expect(ride.work_data).toEqual({ work_kilojoules: 0.42 });
    expect(ride.movement_data).toMatchObject({ avg_cadence_rpm: 91, max_cadence_rpm: 92 });
    expect(ride.distance_data.summary.elevation).toEqual({ max_meters: 13, min_meters: 12 });
    expect(ride.position_data.position_samples).toHaveLength(2);
    expect(ride.position_data.start_pos_lat_lng_deg).toEqual([45.4, -75.7]);
    expect(ride.position_data.end_pos_lat_lng_deg).toEqual([45.41, -75.7]);
    expect(ride.heart_rate_data.summary).toEqual({ avg_hr_bpm: 131.3, max_hr_bpm: 133, min_hr_bpm: 130 });
  });
  it("an activity without power: summary.xss null gives no strain sample (not one without a value)", async () => {
    const ride = await mapOne(
      listed("c0ffee0000000002", {
        summary: { activity_type: "Virtual Cycling", duration: 1800, xss: null, difficulty: null, session: { total_calories: 310 } },
        session_data: [],
      }),
    );
    expect(ride.metadata.end_time).toBe("2026-03-04T17:30:00.000000+00:00");
    expect(ride.calories_data).toEqual({ total_burned_calories: 310 });
    expect(ride.TSS_data).toBeUndefined();
  });
  it("durations and distances written as text (GoldenCheetah's client reads them so) are numbers in the record", async () => {
    const ride = await mapOne(
      listed("c0ffee0000000003", {
        summary: { activity_type: "Virtual Cycling", duration: "2700", distance: "24.6", xss: 40.5, session: { total_elapsed_time: "2710" } },
        session_data: [],
      }),
    );
    expect(ride.metadata.end_time).toBe("2026-03-04T17:45:00.000000+00:00");
    expect(ride.active_durations_data).toEqual({ activity_seconds: 2700 });
    expect(ride.distance_data.summary.distance_meters).toBe(24600);
  });
});
