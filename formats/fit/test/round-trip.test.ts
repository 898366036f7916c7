import { describe, expect, it } from "vitest";
import { ActivityType, type Activity } from "@tributary/schemas";
import { activityTypeOf, decodeActivityFit, encodeActivityFit, fitSportOf } from "../src/index.ts";
import { fullRide, summaryOnly } from "./activities.ts";
import { activityIssues, readWithFitFileParser, readWithSdk } from "./decoders.ts";

const instant = (value: unknown) => Date.parse(String(value));

function expectClose(actual: unknown, expected: unknown, tolerance: number, what: string) {
  expect(typeof actual, `${what}: ${String(actual)} vs ${String(expected)}`).toBe("number");
  expect(Math.abs((actual as number) - (expected as number)), `${what}: ${String(actual)} vs ${String(expected)}`).toBeLessThanOrEqual(tolerance + 1e-9);
}

/** Every sample of a stream: same instants, same timer durations, values within the field's resolution. */
function expectSamples(actual: any[] | undefined, expected: any[], field: string, tolerance: number) {
  expect(actual?.length, `${field} samples`).toBe(expected.length);
  expected.forEach((sample, i) => {
    const got = actual![i];
    expect(instant(got.timestamp), `${field}[${i}] timestamp`).toBe(instant(sample.timestamp));
    expect(got.timer_duration_seconds, `${field}[${i}] timer`).toBe(sample.timer_duration_seconds);
    if (Array.isArray(sample[field])) {
      expectClose(got[field][0], sample[field][0], tolerance, `${field}[${i}] lat`);
      expectClose(got[field][1], sample[field][1], tolerance, `${field}[${i}] lng`);
    } else expectClose(got[field], sample[field], tolerance, `${field}[${i}]`);
  });
}

describe("Activity → FIT → Activity", () => {
  const ride = fullRide();
  const bytes = encodeActivityFit(ride);
  const back = decodeActivityFit(bytes, { summaryId: ride.metadata.summary_id, uploadType: ride.metadata.upload_type }) as any;
  const source = ride as any;

  it("decodes to a valid Activity", () => {
    expect(activityIssues(back)).toEqual([]);
  });

  it("keeps the metadata FIT carries: identity from the caller, sport, start and end in the file's offset", () => {
    expect(back.metadata.summary_id).toBe(ride.metadata.summary_id);
    expect(back.metadata.type).toBe(ride.metadata.type);
    expect(back.metadata.start_time).toBe(ride.metadata.start_time);
    expect(back.metadata.end_time).toBe(ride.metadata.end_time);
    expect(back.metadata.timestamp_localization).toBe(1);
  });

  it("keeps the session summary within each field's resolution", () => {
    expect(back.active_durations_data).toEqual(source.active_durations_data);
    expect(back.calories_data.total_burned_calories).toBe(911);
    const hr = source.heart_rate_data.summary;
    for (const key of ["avg_hr_bpm", "max_hr_bpm", "min_hr_bpm", "user_max_hr_bpm", "resting_hr_bpm"])
      expect(back.heart_rate_data.summary[key], key).toBe(hr[key]);
    expect(back.heart_rate_data.summary.hr_zone_data).toEqual(hr.hr_zone_data);
    expectClose(back.distance_data.summary.distance_meters, 30123.45, 0.005, "distance");
    const elevation = source.distance_data.summary.elevation;
    expectClose(back.distance_data.summary.elevation.gain_actual_meters, elevation.gain_actual_meters, 0.005, "ascent");
    expectClose(back.distance_data.summary.elevation.loss_actual_meters, elevation.loss_actual_meters, 0.005, "descent");
    for (const key of ["avg_meters", "min_meters", "max_meters"]) expectClose(back.distance_data.summary.elevation[key], elevation[key], 0.15, key);
    for (const key of ["avg_speed_meters_per_second", "max_speed_meters_per_second"])
      expectClose(back.movement_data[key], source.movement_data[key], 0.0005, key);
    for (const key of ["avg_cadence_rpm", "max_cadence_rpm"]) expectClose(back.movement_data[key], source.movement_data[key], 1 / 128, key);
    expect(back.power_data.avg_watts).toBe(214);
    expect(back.power_data.max_watts).toBe(688);
    expect(back.TSS_data.TSS_samples[0]).toEqual({ actual: 88.4, intensity_factor_actual: 0.812, normalized_power_watts: 231 });
    expectClose(back.work_data.work_kilojoules, 770.4, 0.0005, "work");
    expectClose(back.position_data.start_pos_lat_lng_deg[0], 45.764043, 1e-7, "start lat");
    expectClose(back.position_data.end_pos_lat_lng_deg[1], 4.84001, 1e-7, "end lng");
  });

  it("keeps every sample of every stream on one time base, with the timer durations across the pause", () => {
    expectSamples(back.heart_rate_data.detailed.hr_samples, source.heart_rate_data.detailed.hr_samples, "bpm", 0);
    expectSamples(back.power_data.power_samples, source.power_data.power_samples, "watts", 0);
    expectSamples(back.movement_data.cadence_samples, source.movement_data.cadence_samples, "cadence_rpm", 1 / 128);
    expectSamples(back.movement_data.speed_samples, source.movement_data.speed_samples, "speed_meters_per_second", 0.0005);
    expectSamples(back.distance_data.detailed.distance_samples, source.distance_data.detailed.distance_samples, "distance_meters", 0.005);
    expectSamples(back.distance_data.detailed.elevation_samples, source.distance_data.detailed.elevation_samples, "elev_meters", 0.1);
    expectSamples(back.position_data.position_samples, source.position_data.position_samples, "coords_lat_lng_deg", 1e-7);
  });

  it("keeps the laps", () => {
    expect(back.lap_data.laps).toHaveLength(2);
    source.lap_data.laps.forEach((lap: any, i: number) => {
      const got = back.lap_data.laps[i];
      expect(instant(got.start_time)).toBe(instant(lap.start_time));
      expect(instant(got.end_time)).toBe(instant(lap.end_time));
      for (const key of ["calories", "avg_hr_bpm", "avg_watts", "active_duration_seconds", "trigger_method"])
        expect(got[key], `lap ${i} ${key}`).toBe(lap[key]);
      expectClose(got.distance_meters, lap.distance_meters, 0.005, `lap ${i} distance`);
      expectClose(got.avg_speed_meters_per_second, lap.avg_speed_meters_per_second, 0.0005, `lap ${i} speed`);
    });
  });

  it("keeps the device", () => {
    expect(back.device_data).toEqual({
      name: "Edge 1050",
      manufacturer: "Garmin",
      serial_number: "3412345678",
      software_version: "27.12",
      hardware_version: "3",
    });
  });

  it("is a FIT activity file @garmin/fitsdk reads without errors, with one record per second", () => {
    const { integrity, errors, messages } = readWithSdk(bytes);
    expect(integrity).toBe(true);
    expect(errors).toEqual([]);
    expect(messages.fileIdMesgs?.[0]?.type).toBe("activity");
    expect(messages.recordMesgs).toHaveLength(3601);
    expect(messages.sessionMesgs?.[0]).toMatchObject({ sport: "cycling", subSport: "road", numLaps: 2 });
    expect(messages.activityMesgs).toHaveLength(1);
    expect(messages.eventMesgs?.map((event) => event.eventType)).toEqual(["start", "stop", "start", "stopAll"]);
  });

  it("is read by fit-file-parser, an independent decoder, with the same content", async () => {
    const parsed = await readWithFitFileParser(bytes);
    expect(parsed.file_ids?.[0]).toMatchObject({ type: "activity", manufacturer: "garmin", product_name: "Edge 1050" });
    expect(parsed.sessions).toHaveLength(1);
    expect(parsed.sessions[0]).toMatchObject({ sport: "cycling", sub_sport: "road", avg_heart_rate: 142, avg_power: 214, num_laps: 2 });
    expect(parsed.sessions[0].total_distance).toBeCloseTo(30123.45, 2);
    expect(parsed.laps).toHaveLength(2);
    expect(parsed.records).toHaveLength(3601);
    const record = parsed.records[600];
    const sample = source.heart_rate_data.detailed.hr_samples[600];
    expect(new Date(record.timestamp).getTime()).toBe(instant(sample.timestamp));
    expect(record.heart_rate).toBe(sample.bpm);
    expect(record.power).toBe(source.power_data.power_samples[600].watts);
    expect(record.position_lat).toBeCloseTo(source.position_data.position_samples[600].coords_lat_lng_deg[0], 6);
    expect(parsed.records[3600].elapsed_time).toBe(3695);
    expect(parsed.events.map((event: any) => event.event_type)).toEqual(["start", "stop", "start", "stop_all"]);
  });
});

describe("sample arrays stamped at different instants", () => {
  // Heart rate every second, power every third second half a second late, speed newest first with a
  // repeated second, positions placed by their timer only: one record per second any of them has.
  const ride = fullRide({ seconds: 120 }) as any;
  const start = Date.parse(ride.metadata.start_time);
  const at = (ms: number) => new Date(ms).toISOString();
  ride.power_data.power_samples = ride.power_data.power_samples
    .filter((_: unknown, i: number) => i % 3 === 0)
    .map((s: any) => ({ ...s, timestamp: at(Date.parse(s.timestamp) + 500) }));
  const speeds = ride.movement_data.speed_samples.slice(0, 30);
  ride.movement_data.speed_samples = [...speeds, { ...speeds[29], speed_meters_per_second: 9.5 }].reverse();
  ride.position_data.position_samples = ride.position_data.position_samples.slice(0, 10).map(({ timestamp: _, ...s }: any) => s);
  // Positions a record cannot carry are left out of it, never a reason to fail the file.
  const positions = ride.position_data.position_samples;
  positions.push(
    { ...positions[9], timer_duration_seconds: 10, coords_lat_lng_deg: null },
    { ...positions[9], timer_duration_seconds: 11, coords_lat_lng_deg: "45.7,4.8" },
    { ...positions[9], timer_duration_seconds: 12, coords_lat_lng_deg: [91, 4.8] },
  );
  const back = decodeActivityFit(encodeActivityFit(ride)) as any;

  it("merges them on one time base, each decoding back to its own samples", () => {
    const hr = ride.heart_rate_data.detailed.hr_samples;
    expect(back.heart_rate_data.detailed.hr_samples.map((s: any) => [instant(s.timestamp), s.bpm])).toEqual(hr.map((s: any) => [instant(s.timestamp), s.bpm]));
    // Half a second late rounds to the next second (FIT stamps records in whole seconds).
    expect(back.power_data.power_samples.map((s: any) => [instant(s.timestamp), s.watts])).toEqual(
      ride.power_data.power_samples.map((s: any) => [instant(s.timestamp) + 500, s.watts]),
    );
    // In time order; of the two samples of the repeated second the later in the array wins (the 9.5 m/s
    // copy comes first once the array is reversed).
    expect(back.movement_data.speed_samples.map((s: any) => [instant(s.timestamp), s.speed_meters_per_second])).toEqual(
      speeds.map((s: any) => [instant(s.timestamp), s.speed_meters_per_second]),
    );
    expect(back.position_data.position_samples.map((s: any) => instant(s.timestamp))).toEqual(
      positions.slice(0, 10).map((s: any) => start + s.timer_duration_seconds * 1000),
    );
  });
});

describe("summary-only activities", () => {
  const yoga = summaryOnly();
  const bytes = encodeActivityFit(yoga);

  it("an activity without samples is a valid FIT file with a session, one lap and no records", async () => {
    const { integrity, errors, messages } = readWithSdk(bytes);
    expect(integrity).toBe(true);
    expect(errors).toEqual([]);
    expect(messages.recordMesgs ?? []).toHaveLength(0);
    expect(messages.sessionMesgs?.[0]).toMatchObject({ sport: "training", subSport: "yoga", totalElapsedTime: 2700, avgHeartRate: 88 });
    expect(messages.lapMesgs).toHaveLength(1);
    const parsed = await readWithFitFileParser(bytes);
    expect(parsed.sessions[0].total_calories).toBe(160);
  });

  it("decodes back to a valid activity with the summary", () => {
    const back = decodeActivityFit(bytes, { summaryId: "yoga-1" }) as any;
    expect(activityIssues(back)).toEqual([]);
    expect(back.metadata).toMatchObject({ summary_id: "yoga-1", type: 100, timestamp_localization: 1 });
    expect(instant(back.metadata.start_time)).toBe(instant(yoga.metadata.start_time));
    expect(back.heart_rate_data.summary).toMatchObject({ avg_hr_bpm: 88, max_hr_bpm: 121 });
    expect(back.heart_rate_data.detailed).toBeUndefined();
  });

  it("without a summary id, the same file always decodes to the same one", () => {
    const first = decodeActivityFit(bytes) as Activity;
    expect(first.metadata.summary_id).toMatch(/^fit-\d+-\d+$/);
    expect((decodeActivityFit(bytes) as Activity).metadata.summary_id).toBe(first.metadata.summary_id);
  });
});

describe("sports", () => {
  it("every Terra activity type gets a FIT sport that reads back as a type of the same FIT sport", () => {
    for (const { code } of ActivityType.entries) {
      const fit = fitSportOf(code);
      const back = activityTypeOf(fit.sport, fit.subSport);
      expect(fitSportOf(back), `${ActivityType.describe(code)} → ${fit.sport}/${fit.subSport} → ${ActivityType.describe(back)}`).toEqual(fit);
    }
  });

  it("the common types read back exactly", () => {
    for (const name of [
      "Running",
      "Biking",
      "Road Biking",
      "Mountain Biking",
      "Stationary Biking",
      "Swimming in Pool",
      "Open Water Swimming",
      "Walking",
      "Hiking",
      "Treadmill Running",
      "Rowing Machine",
      "Strength Training",
      "Yoga",
      "Trail Running",
    ]) {
      const code = ActivityType.code(name)!;
      const fit = fitSportOf(code);
      expect(activityTypeOf(fit.sport, fit.subSport), name).toBe(code);
    }
  });

  it("running cadence: Terra's steps per minute are FIT's strides per minute, both ways", () => {
    const run = {
      ...summaryOnly(),
      metadata: { ...summaryOnly().metadata, type: 8 },
      movement_data: { avg_cadence_rpm: 171, max_cadence_rpm: 187 },
      distance_data: { summary: { steps: 6543 } },
    } as Activity;
    const bytes = encodeActivityFit(run);
    expect(readWithSdk(bytes).messages.sessionMesgs?.[0]).toMatchObject({ avgCadence: 85, avgFractionalCadence: 0.5, maxCadence: 93 });
    const back = decodeActivityFit(bytes) as any;
    expect(back.movement_data).toMatchObject({ avg_cadence_rpm: 171, max_cadence_rpm: 187 });
    expect(back.distance_data.summary.steps).toBe(6543);
  });
});
