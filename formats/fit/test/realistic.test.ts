import { describe, expect, it } from "vitest";
import { sandboxTerraRecords } from "@tributary/connector-sandbox";
import type { Activity } from "@tributary/schemas";
import { decodeActivityFit, encodeActivityFit } from "../src/index.ts";
import { pelotonRide } from "./activities.ts";
import { activityIssues, readWithFitFileParser, readWithSdk } from "./decoders.ts";

const instant = (value: unknown) => Date.parse(String(value));

/** A month of SANDBOX activities (runs, rides, indoor rides, walks, swims, strength), with their samples. */
const sandbox = [
  ...sandboxTerraRecords("activity", {
    userId: "fit-realistic",
    range: { start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-03-31T00:00:00Z") },
    withSamples: true,
  }),
] as Activity[];

describe("realistic activities", () => {
  it("the SANDBOX month covers every sport it generates", () => {
    expect(new Set(sandbox.map((activity) => activity.metadata.type)).size).toBeGreaterThanOrEqual(4);
  });

  it.each(sandbox.map((activity) => [`${activity.metadata.type} ${activity.metadata.name} ${activity.metadata.start_time}`, activity] as const))(
    "SANDBOX %s: encodes to a file both decoders read, that decodes to a valid Activity with its summary and samples",
    async (_label, activity) => {
      const bytes = encodeActivityFit(activity);
      const sdk = readWithSdk(bytes);
      expect(sdk.integrity).toBe(true);
      expect(sdk.errors).toEqual([]);
      const parsed = await readWithFitFileParser(bytes);
      expect(parsed.sessions).toHaveLength(1);

      const back = decodeActivityFit(bytes, { summaryId: activity.metadata.summary_id }) as any;
      expect(activityIssues(back)).toEqual([]);
      const source = activity as any;
      expect(back.metadata.type).toBe(source.metadata.type);
      expect(back.metadata.start_time).toBe(source.metadata.start_time);
      expect(back.metadata.end_time).toBe(source.metadata.end_time);
      expect(back.active_durations_data.activity_seconds).toBe(source.active_durations_data.activity_seconds);
      expect(back.active_durations_data.rest_seconds).toBe(source.active_durations_data.rest_seconds);
      expect(
        Math.abs(back.distance_data?.summary?.distance_meters - (source.distance_data?.summary?.distance_meters ?? NaN)) < 0.01 || !source.distance_data,
      ).toBe(true);
      const hr = source.heart_rate_data.detailed.hr_samples;
      expect(back.heart_rate_data.detailed.hr_samples).toHaveLength(hr.length);
      // The timer durations survive the pause the SANDBOX puts in some workouts.
      expect(back.heart_rate_data.detailed.hr_samples.map((s: any) => s.timer_duration_seconds)).toEqual(hr.map((s: any) => s.timer_duration_seconds));
      expect(back.heart_rate_data.detailed.hr_samples.map((s: any) => instant(s.timestamp))).toEqual(hr.map((s: any) => instant(s.timestamp)));
      expect(back.lap_data?.laps?.length ?? 0).toBe(source.lap_data?.laps?.length || 1);
      if (source.position_data?.position_samples) expect(back.position_data.position_samples).toHaveLength(source.position_data.position_samples.length);
    },
  );

  it("a Peloton bike class (1 Hz output, cadence, speed, heart rate; no GPS) encodes and decodes to a valid Activity", async () => {
    const ride = pelotonRide() as any;
    const bytes = encodeActivityFit(ride);
    const sdk = readWithSdk(bytes);
    expect(sdk.errors).toEqual([]);
    expect(sdk.messages.sessionMesgs?.[0]).toMatchObject({ sport: "cycling", subSport: "indoorCycling", totalWork: 175773 });
    expect(sdk.messages.recordMesgs).toHaveLength(1799);
    expect(sdk.messages.fileIdMesgs?.[0]).toMatchObject({ manufacturer: "peloton" });
    const parsed = await readWithFitFileParser(bytes);
    expect(parsed.records).toHaveLength(1799);
    expect(parsed.records[0].position_lat).toBeUndefined();

    const back = decodeActivityFit(bytes, { summaryId: ride.metadata.summary_id }) as any;
    expect(activityIssues(back)).toEqual([]);
    expect(back.metadata).toMatchObject({ type: 18, start_time: ride.metadata.start_time, end_time: ride.metadata.end_time });
    expect(back.device_data).toMatchObject({ manufacturer: "Peloton", name: "Peloton Bike" });
    expect(back.power_data.power_samples.map((s: any) => s.watts)).toEqual(ride.power_data.power_samples.map((s: any) => s.watts));
    expect(back.heart_rate_data.detailed.hr_samples.map((s: any) => s.bpm)).toEqual(ride.heart_rate_data.detailed.hr_samples.map((s: any) => s.bpm));
    back.movement_data.speed_samples.forEach((s: any, i: number) =>
      expect(Math.abs(s.speed_meters_per_second - ride.movement_data.speed_samples[i].speed_meters_per_second)).toBeLessThan(0.0006),
    );
    expect(back.work_data.work_kilojoules).toBeCloseTo(175.773, 3);
    expect(back.calories_data.total_burned_calories).toBe(236);
    expect(back.position_data).toBeUndefined();
  });
});
