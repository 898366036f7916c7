import { beforeAll, describe, expect, it } from "vitest";
import { createRecordMapper, type MappedRecord } from "@tributary/core/authoring";
import type { SpecFixtures } from "@tributary/core/mock-provider";
import type { ConnectorDefinition } from "@tributary/core/spec";
import { ADA, fixtureActivities, insiders, insidersFixtures, withSamples } from "./insiders.ts";

/**
 * Every fixture activity (with its samples, as a pull attaches them) through the INSIDERS mapping: each
 * is a valid Terra Activity keyed by its summary_id, or deliberately skipped. The expected values below
 * were read off fixtures/activities.json by hand and converted by hand (km → m, km/h → m/s, offsets).
 */
describe("INSIDERS mapping of the fixture activities", () => {
  let definition: ConnectorDefinition;
  let fixtures: SpecFixtures;
  const mapped = new Map<string, MappedRecord[]>();
  const activity = (id: string): Record<string, any> => {
    const outcome = mapped.get(id)?.[0];
    if (outcome?.kind !== "record") throw new Error(`${id} did not map: ${JSON.stringify(outcome)}`);
    return outcome.record;
  };

  beforeAll(async () => {
    definition = insiders();
    fixtures = await insidersFixtures(definition);
    const mapper = createRecordMapper(definition, { userId: "terra-user-1", providerUserId: ADA });
    for (const record of fixtureActivities(fixtures)) mapped.set(String(record.id), await mapper.map("activity", "activity", withSamples(fixtures, record)));
  });

  it("maps every completed activity to a valid Activity keyed by its summary_id, and skips the discarded one", () => {
    expect(mapped.size).toBe(14);
    for (const [id, outcomes] of mapped) {
      expect(outcomes).toHaveLength(1);
      const [outcome] = outcomes;
      if (id === "act_01JRBM7S2Q") {
        expect(outcome).toEqual({ kind: "skip" });
        continue;
      }
      expect(outcome, JSON.stringify(outcome)).toMatchObject({
        kind: "record",
        dataType: "activity",
        key: { type: "activity", userId: "terra-user-1", key: id },
      });
    }
  });

  it("a studio class: summaries, zones, power, device and the bike's samples (two heart-rate dropouts left out)", () => {
    const ride = activity("act_01JNQ3R7ZC");
    expect(ride.metadata).toEqual({
      summary_id: "act_01JNQ3R7ZC",
      name: "45' Climb & Sprint",
      type: 17,
      upload_type: 1,
      start_time: "2026-03-02T07:00:00.000000+01:00",
      end_time: "2026-03-02T07:45:00.000000+01:00",
      timestamp_localization: 1,
      city: "Amsterdam",
      country: "NL",
    });
    expect(ride.active_durations_data).toEqual({
      activity_seconds: 2700,
      rest_seconds: 0,
      low_intensity_seconds: 60,
      moderate_intensity_seconds: 660,
      vigorous_intensity_seconds: 1860,
    });
    expect(ride.calories_data).toEqual({ total_burned_calories: 518, net_activity_calories: 456 });
    expect(ride.distance_data.summary).toEqual({ distance_meters: 23390 });
    expect(ride.heart_rate_data.summary).toMatchObject({ avg_hr_bpm: 155, max_hr_bpm: 183, min_hr_bpm: 107 });
    expect(ride.heart_rate_data.summary.hr_zone_data).toHaveLength(5);
    expect(ride.heart_rate_data.summary.hr_zone_data[2]).toEqual({ zone: 3, name: "Aerobic", start_percentage: 70, end_percentage: 80, duration_seconds: 900 });
    expect(ride.power_data).toMatchObject({ avg_watts: 160, max_watts: 287 });
    expect(ride.work_data).toEqual({ work_kilojoules: 442 });
    // 31.1 km/h = 8.6389 m/s, 38 km/h = 10.5556 m/s, 34.5 km/h = 9.5833 m/s
    expect(ride.movement_data).toMatchObject({
      avg_cadence_rpm: 85,
      max_cadence_rpm: 111,
      avg_speed_meters_per_second: 8.639,
      max_speed_meters_per_second: 10.556,
    });
    expect(ride.device_data).toEqual({
      name: "Insiders Studio Bike",
      manufacturer: "Insiders",
      hardware_version: "ISB-2",
      serial_number: "ISB2-00731",
      software_version: "3.4.1",
      other_devices: [{ name: "Polar H10", manufacturer: "Polar", data_provided: ["HEART_RATE"] }],
    });

    const hr = ride.heart_rate_data.detailed.hr_samples;
    expect(hr).toHaveLength(44); // 46 samples, no heart rate at 07:12 and 07:13
    expect(hr[0]).toEqual({ timestamp: "2026-03-02T07:00:00.000000+01:00", bpm: 107 });
    expect(hr[11]).toEqual({ timestamp: "2026-03-02T07:11:00.000000+01:00", bpm: 171 });
    expect(hr[12]).toEqual({ timestamp: "2026-03-02T07:14:00.000000+01:00", bpm: 156 });
    expect(ride.power_data.power_samples).toHaveLength(46);
    expect(ride.power_data.power_samples[12]).toEqual({ timestamp: "2026-03-02T07:12:00.000000+01:00", watts: 196 });
    expect(ride.movement_data.cadence_samples[10]).toEqual({ timestamp: "2026-03-02T07:10:00.000000+01:00", cadence_rpm: 71 });
    expect(ride.movement_data.speed_samples[10]).toEqual({ timestamp: "2026-03-02T07:10:00.000000+01:00", speed_meters_per_second: 9.583 });
    expect(ride.distance_data.detailed.distance_samples.at(-1)).toEqual({ timestamp: "2026-03-02T07:45:00.000000+01:00", distance_meters: 23392 });
    // Indoors: no route, so no positions, altitudes or polyline.
    expect(ride.position_data).toEqual({ position_samples: [] });
    expect(ride.distance_data.detailed.elevation_samples).toEqual([]);
    expect(ride).not.toHaveProperty("polyline_map_data");
  });

  it("an outdoor run: route ends, position and elevation samples, polyline, steps, pauses and the foot pod", () => {
    const run = activity("act_01JP3MZ4QF");
    expect(run.metadata).toMatchObject({
      type: 8,
      upload_type: 1,
      start_time: "2026-03-07T09:15:00.000000+01:00",
      end_time: "2026-03-07T10:30:00.000000+01:00",
    });
    expect(run.metadata).not.toHaveProperty("city");
    expect(run.active_durations_data).toMatchObject({ activity_seconds: 4380, rest_seconds: 120 });
    expect(run.distance_data.summary).toEqual({ distance_meters: 13060, steps: 12554, elevation: { gain_actual_meters: 18 } });
    // 10.5 km/h = 2.9167 m/s, 11.1 km/h = 3.0833 m/s
    expect(run.movement_data).toMatchObject({
      avg_speed_meters_per_second: 2.917,
      max_speed_meters_per_second: 3.083,
      avg_cadence_rpm: 86,
      max_cadence_rpm: 88,
    });
    expect(run.position_data.start_pos_lat_lng_deg).toEqual([52.358, 4.8686]);
    expect(run.position_data.end_pos_lat_lng_deg).toEqual([52.357147, 4.86822]);
    expect(run.position_data.position_samples).toHaveLength(76);
    expect(run.position_data.position_samples[1]).toEqual({ timestamp: "2026-03-07T09:16:00.000000+01:00", coords_lat_lng_deg: [52.358931, 4.868146] });
    expect(run.distance_data.detailed.elevation_samples[10]).toEqual({ timestamp: "2026-03-07T09:25:00.000000+01:00", elev_meters: 0.1 });
    expect(run.polyline_map_data.summary_polyline).toMatch(/^odq~Hw\{u\\yDxAgDdG/);
    expect(run).not.toHaveProperty("power_data.avg_watts");
    expect(run.device_data).toEqual({
      name: "Insiders app for iOS",
      manufacturer: "Insiders",
      software_version: "4.12.0",
      other_devices: [
        { name: "Polar H10", manufacturer: "Polar", data_provided: ["HEART_RATE"] },
        { name: "Stryd", manufacturer: "Stryd", data_provided: ["SPEED", "DISTANCE", "CADENCE"] },
      ],
    });
  });

  it("a ride imported from a head unit: third-party upload, 2-minute samples, a power meter Terra has no data type for", () => {
    const ride = activity("act_01JQ4YB6PN");
    expect(ride.metadata).toMatchObject({ type: 16, upload_type: 6, name: "Waterland loop" });
    expect(ride.power_data).toMatchObject({ avg_watts: 177, max_watts: 213 });
    expect(ride.power_data.power_samples[1]).toEqual({ timestamp: "2026-03-21T10:02:00.000000+01:00", watts: 202 });
    expect(ride.power_data.power_samples.at(-1).timestamp).toBe("2026-03-21T12:00:00.000000+01:00");
    expect(ride.work_data).toEqual({ work_kilojoules: 1294 });
    expect(ride.distance_data.summary.distance_meters).toBe(53020);
    expect(ride.device_data.other_devices).toEqual([
      { name: "HRM-Pro Plus", manufacturer: "Garmin", data_provided: ["HEART_RATE"] },
      { name: "Rally RS200", manufacturer: "Garmin" },
      { name: "Speed Sensor 2", manufacturer: "Garmin", data_provided: ["SPEED", "CADENCE"] },
    ]);
  });

  it("classes without sensors' samples keep their summaries and have no sample lists", () => {
    const strength = activity("act_01JP8T0B2G");
    expect(strength.metadata).toMatchObject({ type: 80, name: "Upper Body Strength", start_time: "2026-03-09T07:00:00.000000+01:00" });
    expect(strength.heart_rate_data).toEqual({ summary: { avg_hr_bpm: 112, max_hr_bpm: 151, min_hr_bpm: 74 } });
    expect(strength).not.toHaveProperty("distance_data");
    expect(strength).not.toHaveProperty("power_data");
    expect(activity("act_01JPRK3F7K").metadata.type).toBe(100);
    const hiit = activity("act_01JPXQ8H4M");
    expect(hiit.metadata.type).toBe(114);
    expect(hiit.heart_rate_data.detailed.hr_samples).toHaveLength(36);
    expect(hiit.heart_rate_data.detailed.hr_samples[1]).toEqual({ timestamp: "2026-03-18T18:31:00.000000+01:00", bpm: 138 });
  });

  it("local times follow the studio's zone: summer time in Amsterdam from 29 March, Greenwich time in London", () => {
    expect(activity("act_01JR5FJ0QP").metadata).toMatchObject({ start_time: "2026-03-29T09:00:00.000000+02:00", end_time: "2026-03-29T10:00:00.000000+02:00" });
    expect(activity("act_01JR5FJ0QP").heart_rate_data.detailed.hr_samples[0]).toEqual({ timestamp: "2026-03-29T09:00:00.000000+02:00", bpm: 109 });
    const bob = activity("act_01JNYV4K6R");
    expect(bob.metadata).toMatchObject({ start_time: "2026-03-03T06:45:00.000000+00:00", city: "London", country: "GB" });
    expect(bob.power_data.power_samples[0]).toEqual({ timestamp: "2026-03-03T06:45:00.000000+00:00", watts: 122 });
    expect(activity("act_01JR8C2D5S").metadata.start_time).toBe("2026-03-30T07:10:00.000000+01:00");
  });

  it("a record the mapping cannot deliver is a failure naming the field, not a record", async () => {
    const mapper = createRecordMapper(definition);
    const [noId] = await mapper.map("activity", "activity", {
      status: "completed",
      start_time: "2026-03-02T07:00:00+01:00",
      end_time: "2026-03-02T07:45:00+01:00",
      timezone: "Europe/Amsterdam",
    });
    expect(noId).toMatchObject({ kind: "failed", problems: [expect.stringContaining("metadata.summary_id: required")] });
    const [badZone] = await mapper.map("activity", "activity", {
      id: "a1",
      status: "completed",
      start_time: "2026-03-02T07:00:00",
      end_time: "2026-03-02T07:45:00",
      timezone: "Mars/Olympus",
    });
    expect(badZone).toMatchObject({ kind: "failed" });
    expect((badZone as { problems: string[] }).problems.join("\n")).toMatch(/metadata\.start_time/);
  });
  it("a zone name this runtime does not know leaves the times at the offsets Insiders wrote, samples too: delivered, not quarantined", async () => {
    const mapper = createRecordMapper(definition);
    const ride = {
      id: "act_unknown_zone",
      status: "completed",
      type: "studio_cycling",
      start_time: "2026-03-29T09:00:00+02:00",
      end_time: "2026-03-29T10:00:00+02:00",
      samples: [{ offset_s: 60, heart_rate_bpm: 110 }],
    };
    // A misspelling, a name no zone has, and an empty one: none says how summer time goes, the texts' offsets still say where each instant is.
    for (const timezone of ["Europe/Amsterdm", "Etc/Unknown", ""]) {
      const [outcome] = await mapper.map("activity", "activity", { ...ride, timezone });
      expect(outcome, timezone).toMatchObject({
        kind: "record",
        record: {
          metadata: { start_time: "2026-03-29T09:00:00.000000+02:00", end_time: "2026-03-29T10:00:00.000000+02:00", timestamp_localization: 1 },
          heart_rate_data: { detailed: { hr_samples: [{ timestamp: "2026-03-29T09:01:00.000000+02:00", bpm: 110 }] } },
        },
      });
    }
  });

  it("an activity whose type or source is null or absent is delivered as Other / upload type Unknown, not quarantined", async () => {
    // Not a real answer (Insiders publishes none): the contract lets a field be absent or null, and type and source are no exception.
    const mapper = createRecordMapper(definition);
    const base = { status: "completed", start_time: "2026-03-02T07:00:00+01:00", end_time: "2026-03-02T07:45:00+01:00", timezone: "Europe/Amsterdam" };
    const [untyped] = await mapper.map("activity", "activity", { ...base, id: "act_null_type", type: null, source: null });
    const [bare] = await mapper.map("activity", "activity", { ...base, id: "act_no_type" });
    for (const outcome of [untyped, bare]) expect(outcome).toMatchObject({ kind: "record", record: { metadata: { type: 108, upload_type: 0 } } });
  });
});
