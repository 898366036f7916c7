import { beforeAll, describe, expect, it } from "vitest";
import { createRecordMapper } from "@tributary/core/authoring";
import type { SpecFixtures } from "@tributary/core/mock-provider";
import { fixtureWorkouts, mapWorkout, peloton, pelotonFixtures, RILEY, WORKOUT, withDetails } from "./peloton.ts";

/**
 * Peloton workouts → Terra Activity, checked against values computed by hand from the fixtures (which are
 * Peloton's own recorded answers for the ride, the tread walk and the row). Miles are 1609.344 m, mph is
 * 0.44704 m/s, feet 0.3048 m; total_work is joules.
 */
describe("PELOTON workout → Activity", () => {
  let fixtures: SpecFixtures;
  beforeAll(async () => {
    fixtures = await pelotonFixtures();
  });

  it("a Power Zone ride on a Bike (imperial): miles, mph, the workout's own offset, 1799 samples a second", async () => {
    const ride = await mapWorkout(fixtures, WORKOUT.cycling);
    expect(ride.metadata).toEqual({
      summary_id: WORKOUT.cycling,
      name: "30 min Power Zone Endurance Ride",
      type: 18, // Stationary Biking
      upload_type: 1,
      // start_time 1772560002 = 2026-03-03T17:46:42Z; the workout's zone Etc/GMT+5 is UTC−5.
      start_time: "2026-03-03T12:46:42.000000-05:00",
      // end_time is 1798 s later.
      end_time: "2026-03-03T13:16:40.000000-05:00",
      timestamp_localization: 1,
    });
    expect(ride.active_durations_data).toEqual({ activity_seconds: 1798 });
    // 7.97 mi × 1609.344 = 12826.47 m
    expect(ride.distance_data.summary).toEqual({ distance_meters: 12826.5 });
    expect(ride.calories_data).toEqual({ total_burned_calories: 236 });
    expect(ride.power_data).toMatchObject({ avg_watts: 98, max_watts: 140 });
    // 175772.76 J
    expect(ride.work_data).toEqual({ work_kilojoules: 175.773 });
    // 15.9 mph × 0.44704 = 7.108 m/s; 18.6 mph = 8.315 m/s
    expect(ride.movement_data).toMatchObject({
      avg_cadence_rpm: 85,
      max_cadence_rpm: 120,
      avg_speed_meters_per_second: 7.108,
      max_speed_meters_per_second: 8.315,
    });
    expect(ride.heart_rate_data.summary).toMatchObject({ avg_hr_bpm: 138, max_hr_bpm: 154 });
    expect(ride.heart_rate_data.summary.hr_zone_data).toEqual([
      { zone: 0, name: "Zone 1", duration_seconds: 247 },
      { zone: 1, name: "Zone 2", duration_seconds: 441 },
      { zone: 2, name: "Zone 3", duration_seconds: 1111 },
      { zone: 3, name: "Zone 4", duration_seconds: 0 },
      { zone: 4, name: "Zone 5", duration_seconds: 0 },
    ]);
    // seconds_since_pedaling_start runs 1…1799: one sample a second from one second after the start.
    for (const samples of [
      ride.power_data.power_samples,
      ride.movement_data.cadence_samples,
      ride.movement_data.speed_samples,
      ride.heart_rate_data.detailed.hr_samples,
    ]) {
      expect(samples).toHaveLength(1799);
    }
    expect(ride.power_data.power_samples[0]).toEqual({ timestamp: "2026-03-03T12:46:43.000000-05:00", watts: 39 });
    expect(ride.power_data.power_samples.at(-1)).toEqual({ timestamp: "2026-03-03T13:16:41.000000-05:00", watts: 16 });
    // 10.6 mph × 0.44704 = 4.739 m/s
    expect(ride.movement_data.speed_samples[0]).toEqual({ timestamp: "2026-03-03T12:46:43.000000-05:00", speed_meters_per_second: 4.739 });
    expect(ride.heart_rate_data.detailed.hr_samples[0]).toEqual({ timestamp: "2026-03-03T12:46:43.000000-05:00", bpm: 88 });
    expect(ride.device_data).toEqual({ name: "Bike", hardware_version: "home_bike_v1", manufacturer: "Peloton" });
    expect(ride.position_data).toBeUndefined();
  });

  it("a walk on a Tread: treadmill walking, feet of climb, pace in min/km, heart-rate seconds without a reading left out", async () => {
    const walk = await mapWorkout(fixtures, WORKOUT.treadWalk);
    expect(walk.metadata).toMatchObject({
      type: 95,
      name: "30 min Pop Punk Walk",
      start_time: "2026-03-10T05:05:40.000000-04:00",
      end_time: "2026-03-10T05:35:39.000000-04:00",
    });
    // 1.66 mi × 1609.344 = 2671.51 m; 264 ft × 0.3048 = 80.47 m
    expect(walk.distance_data.summary).toEqual({ distance_meters: 2671.5, elevation: { gain_actual_meters: 80.5 } });
    expect(walk.calories_data).toEqual({ total_burned_calories: 292 });
    expect(walk.power_data).toMatchObject({ avg_watts: 164, max_watts: 199 });
    expect(walk.work_data).toEqual({ work_kilojoules: 295.506 });
    // Speed is pace's alternative on a Tread: 3.3 mph = 1.475 m/s, 4.1 mph = 1.833 m/s; 18.02 min/mi ÷ 1.609344 = 11.197 min/km.
    expect(walk.movement_data).toMatchObject({
      avg_speed_meters_per_second: 1.475,
      max_speed_meters_per_second: 1.833,
      avg_pace_minutes_per_kilometer: 11.197,
    });
    expect(walk.movement_data.cadence_samples).toBeUndefined();
    expect(walk.movement_data.speed_samples).toHaveLength(1800);
    // 407 of the 1800 heart-rate values are 0 (no strap reading): 1393 samples.
    expect(walk.heart_rate_data.detailed.hr_samples).toHaveLength(1393);
    expect(walk.heart_rate_data.detailed.hr_samples.every((s: { bpm: number }) => s.bpm > 0)).toBe(true);
  });

  it("a row: metres as Peloton writes them, stroke rate as cadence, pace per 500 m as min/km", async () => {
    const row = await mapWorkout(fixtures, WORKOUT.row);
    expect(row.metadata).toMatchObject({ type: 54, name: "10 min Form & Drills Row", start_time: "2026-03-17T16:05:06.000000-06:00" });
    expect(row.distance_data.summary).toEqual({ distance_meters: 1023.3 });
    expect(row.calories_data).toEqual({ total_burned_calories: 123 });
    expect(row.power_data).toMatchObject({ avg_watts: 55, max_watts: 93 });
    expect(row.power_data.power_samples).toHaveLength(600);
    // 3.26 min/500 m × 2 = 6.52 min/km
    expect(row.movement_data).toMatchObject({ avg_cadence_rpm: 20, max_cadence_rpm: 26, avg_pace_minutes_per_kilometer: 6.52 });
    expect(row.movement_data.cadence_samples).toHaveLength(600);
    expect(row.work_data).toEqual({ work_kilojoules: 22.63 });
    expect(row.device_data).toMatchObject({ name: "Row", manufacturer: "Peloton" });
  });

  it("an outdoor run in kilometres: kph, GPS positions at their offsets, elevation samples", async () => {
    const run = await mapWorkout(fixtures, WORKOUT.outdoorRun);
    expect(run.metadata).toMatchObject({ type: 8, start_time: "2026-03-05T06:30:00.000000+00:00", end_time: "2026-03-05T06:35:00.000000+00:00" });
    expect(run.distance_data.summary).toEqual({ distance_meters: 830, elevation: { gain_actual_meters: 3 } });
    // 10 kph = 2.778 m/s
    expect(run.movement_data).toMatchObject({ avg_speed_meters_per_second: 2.778, avg_pace_minutes_per_kilometer: 6 });
    expect(run.position_data.position_samples).toHaveLength(300);
    expect(run.position_data.position_samples[0]).toEqual({ timestamp: "2026-03-05T06:30:01.000000+00:00", coords_lat_lng_deg: [51.500718, -0.124572] });
    expect(run.position_data.start_pos_lat_lng_deg).toEqual([51.500718, -0.124572]);
    expect(run.position_data.end_pos_lat_lng_deg).toEqual(run.position_data.position_samples.at(-1).coords_lat_lng_deg);
    expect(run.distance_data.detailed.elevation_samples).toHaveLength(300);
    expect(run.work_data).toBeUndefined();
  });

  it("an outdoor class in miles on an Android phone: a Terra Running at the member's New York offset", async () => {
    const walk = await mapWorkout(fixtures, WORKOUT.outdoorWalk);
    expect(walk.metadata).toMatchObject({ type: 8, start_time: "2026-03-07T10:00:00.000000-05:00" });
    // 0.2 mi = 321.87 m; 3 mph = 1.341 m/s
    expect(walk.distance_data.summary.distance_meters).toBe(321.9);
    expect(walk.movement_data.avg_speed_meters_per_second).toBe(1.341);
    expect(walk.position_data.position_samples).toHaveLength(240);
    expect(walk.device_data).toEqual({ name: "Android", hardware_version: "android" });
  });

  it("a zone name this runtime does not know: the ride is delivered in UTC, samples too, timestamp_localization 0", async () => {
    const record = fixtureWorkouts(fixtures).find((w) => w.id === WORKOUT.cycling)!;
    const mapper = createRecordMapper(peloton(), { userId: "test-user", providerUserId: String(record.user_id) });
    // A name no zone has, a misspelling, and an empty one.
    for (const timezone of ["Etc/Unknown", "America/New_Yrok", ""]) {
      const [outcome] = await mapper.map("activity", "activity", { ...withDetails(fixtures, record), timezone });
      expect(outcome?.kind, `${timezone}: ${JSON.stringify(outcome).slice(0, 500)}`).toBe("record");
      const ride = (outcome as { record: any }).record;
      // start_time 1772560002 = 2026-03-03T17:46:42Z, end_time 1798 s later.
      expect(ride.metadata).toMatchObject({
        start_time: "2026-03-03T17:46:42.000000+00:00",
        end_time: "2026-03-03T18:16:40.000000+00:00",
        timestamp_localization: 0,
      });
      expect(ride.power_data.power_samples[0].timestamp).toBe("2026-03-03T17:46:43.000000+00:00");
      expect(ride.power_data.power_samples).toHaveLength(1799);
    }
  });

  it("workouts without metrics still map to valid Activities: meditation (nothing but the class) and stretching (calories only)", async () => {
    const meditation = await mapWorkout(fixtures, WORKOUT.meditation);
    expect(meditation).toEqual({
      metadata: {
        summary_id: WORKOUT.meditation,
        name: "10 min Mindfulness Meditation",
        type: 45,
        upload_type: 1,
        start_time: "2026-03-09T22:30:00.000000+01:00",
        end_time: "2026-03-09T22:40:00.000000+01:00",
        timestamp_localization: 1,
      },
      active_durations_data: { activity_seconds: 600 },
      device_data: { name: "iPhone", hardware_version: "iPhone" },
    });
    const stretching = await mapWorkout(fixtures, WORKOUT.stretching);
    expect(stretching.calories_data).toEqual({ total_burned_calories: 9 });
    expect(stretching.heart_rate_data).toBeUndefined();
    expect(stretching.power_data).toBeUndefined();
  });

  it("every discipline has its ActivityType, and every fixture workout maps to a valid Activity", async () => {
    const types: Record<string, number> = {};
    for (const [name, id] of Object.entries(WORKOUT)) {
      if (name === "inProgress") continue;
      types[name] = (await mapWorkout(fixtures, id)).metadata.type;
    }
    expect(types).toEqual({
      cycling: 18,
      treadWalk: 95,
      row: 54,
      outdoorRun: 8,
      outdoorWalk: 8,
      strength: 80,
      meditation: 45,
      yoga: 100,
      stretching: 125,
      cardio: 123,
      bikeBootcamp: 22,
      treadBootcamp: 22,
      rowBootcamp: 22,
      februaryYoga: 100,
      samRide: 18,
    });
  });

  it("names every discipline Peloton has, and an unknown one is Other rather than a lost workout", async () => {
    const mapper = createRecordMapper(peloton(), { userId: "test-user", providerUserId: RILEY });
    const strength = fixtureWorkouts(fixtures).find((w) => w.id === WORKOUT.strength)!;
    const typeOf = async (fitness_discipline: string, device_type = "iPad", is_outdoor = false) => {
      const [outcome] = await mapper.map("activity", "activity", { ...withDetails(fixtures, strength), fitness_discipline, device_type, is_outdoor });
      return outcome?.kind === "record" ? (outcome.record as any).metadata.type : outcome;
    };
    expect(await typeOf("running", "home_tread")).toBe(58);
    expect(await typeOf("running", "iPhone")).toBe(8);
    expect(await typeOf("cycling", "iPhone", true)).toBe(1);
    expect(await typeOf("walking", "iPhone")).toBe(7);
    expect(await typeOf("bootcamp", "home_tread")).toBe(22);
    expect(await typeOf("bootcamp")).toBe(22);
    expect(await typeOf("circuit", "home_tread")).toBe(22);
    expect(await typeOf("caesar", "caesar")).toBe(54);
    expect(await typeOf("caesar_bootcamp", "caesar")).toBe(22);
    expect(await typeOf("outdoor", "iPhone", true)).toBe(8);
    expect(await typeOf("pilates_of_the_future")).toBe(108);
  });

  it("the member profile → Athlete: names, the city and region of the free-text location, birthday as a date; 0 and empty mean absent", async () => {
    const mapper = createRecordMapper(peloton(), { userId: "test-user", providerUserId: RILEY });
    // What /api/me answers: the member's profile with the id, as the mock serves it from users.json.
    const me = Object.fromEntries(fixtures.users.map((user) => [String(user.id), { ...user.profile, id: user.id }]));
    const [riley] = await mapper.map("athlete", "athlete", me[RILEY]!);
    expect(riley).toMatchObject({
      kind: "record",
      record: {
        provider_user_id: RILEY,
        first_name: "Riley",
        last_name: "Quinn",
        email: "riley@example.com",
        gender: "female",
        city: "Leeds",
        state: "UK",
        date_of_birth: "1988-06-14",
        account_creation_date: "2019-01-12T10:20:30.000000+00:00",
      },
    });
    const sam = Object.entries(me).find(([id]) => id !== RILEY)![1];
    const [mapped] = await mapper.map("athlete", "athlete", sam);
    expect(mapped!.kind).toBe("record");
    const record = (mapped as { record: Record<string, unknown> }).record;
    expect(record).not.toHaveProperty("date_of_birth");
    expect(record).not.toHaveProperty("city");
    expect(record).not.toHaveProperty("gender");
  });
});
