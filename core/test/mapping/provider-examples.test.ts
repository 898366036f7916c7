import { describe, expect, it } from "vitest";
import { getSchemaRegistry, type DataType, type MappingSpec } from "@tributary/schemas";
import { compileMapping } from "../../src/mapping/index.ts";
import { handWrittenWorkout, oneHourWorkout, workoutMapping } from "../../../test/bench/mapping-workout.ts";

/**
 * Declarative mappings of provider records shaped as the providers send them (field names, nesting and
 * units as documented; values illustrative), checked field by field and against the Terra Standard.
 */
async function mapValid(dataType: DataType, spec: MappingSpec, record: unknown, ctx = {}) {
  const outcome = await compileMapping(spec, { name: `test.${dataType}` }).map(record, ctx);
  if (outcome.kind !== "record") throw new Error(`mapping failed: ${JSON.stringify(outcome)}`);
  const checked = getSchemaRegistry().validate(dataType, outcome.record);
  if (!checked.ok) throw new Error(`not a valid Terra ${dataType}: ${checked.issues.map((i) => i.message).join("; ")}`);
  return outcome.record as Record<string, any>;
}

const PELOTON_DISCIPLINES = {
  cycling: 1,
  bike_bootcamp: 1,
  running: 8,
  walking: 7,
  cardio: 9,
  circuit: 22,
  strength: 80,
  stretching: 4,
  yoga: 100,
  meditation: 45,
  caesar: 54,
  caesar_bootcamp: 54,
};

describe("provider records mapped to the Terra Standard", () => {
  it("Peloton: workout + performance graph (zip of parallel arrays, units from the data, IANA zone)", async () => {
    const spec: MappingSpec = {
      when: 'status = "COMPLETE"',
      let: { start: { path: "/start_time" }, tz: { path: "/timezone" } },
      template: {
        metadata: {
          summary_id: { path: "/id", required: true },
          name: { path: "/ride/title" },
          type: { path: "/fitness_discipline", enum: { map: PELOTON_DISCIPLINES, default: 4 } },
          upload_type: 1,
          start_time: { path: "/start_time", time: { format: "unix_seconds", timezone: { var: "tz" } }, required: true },
          end_time: { path: "/end_time", time: { format: "unix_seconds", timezone: { var: "tz" } }, required: true },
        },
        work_data: { work_kilojoules: { path: "/total_work", convert: { from: "J", to: "kJ" }, round: 3 } },
        distance_data: {
          summary: {
            distance_meters: {
              expr: 'performance_graph.summaries[slug="distance"].value',
              convert: { from: { expr: 'performance_graph.summaries[slug="distance"].display_unit' }, to: "m" },
              round: 1,
            },
          },
        },
        heart_rate_data: {
          detailed: {
            hr_samples: {
              zip: {
                offset: { path: "/performance_graph/seconds_since_pedaling_start" },
                bpm: { expr: 'performance_graph.metrics[slug="heart_rate"].values' },
              },
              item: { timestamp: { var: "start", time: { format: "unix_seconds", add: { path: "/offset" }, timezone: { var: "tz" } } }, bpm: { path: "/bpm" } },
              require: ["bpm"],
            },
          },
        },
        movement_data: {
          speed_samples: {
            zip: { offset: { path: "/performance_graph/seconds_since_pedaling_start" }, speed: { expr: 'performance_graph.metrics[slug="speed"].values' } },
            item: {
              timestamp: { var: "start", time: { format: "unix_seconds", add: { path: "/offset" }, timezone: { var: "tz" } } },
              speed_meters_per_second: { path: "/speed", convert: { from: "mph", to: "m/s" }, round: 3 },
            },
          },
        },
      },
    };
    const workout = {
      id: "3a5af153444941c0aa54c52aee4726fa",
      created_at: 1670191449,
      start_time: 1670191506,
      end_time: 1670192109,
      status: "COMPLETE",
      fitness_discipline: "cycling",
      timezone: "America/New_York",
      total_work: 175772.76,
      ride: { id: "fbd71d16462c473d8c7aae32b440a775", title: "30 min Power Zone Ride", duration: 1800 },
      performance_graph: {
        seconds_since_pedaling_start: [1, 2],
        summaries: [
          { display_name: "Total Output", display_unit: "kj", value: 176, slug: "total_output" },
          { display_name: "Distance", display_unit: "mi", value: 7.97, slug: "distance" },
        ],
        metrics: [
          { display_unit: "mph", values: [14.2, 14.1], slug: "speed" },
          { display_unit: "bpm", values: [101, null], slug: "heart_rate" },
        ],
      },
    };
    const out = await mapValid("activity", spec, workout);
    expect(out.metadata).toEqual({
      summary_id: workout.id,
      name: "30 min Power Zone Ride",
      type: 1,
      upload_type: 1,
      start_time: "2022-12-04T17:05:06.000000-05:00",
      end_time: "2022-12-04T17:15:09.000000-05:00",
    });
    expect(out.work_data).toEqual({ work_kilojoules: 175.773 });
    expect(out.distance_data.summary.distance_meters).toBe(12826.5);
    expect(out.heart_rate_data.detailed.hr_samples).toEqual([{ timestamp: "2022-12-04T17:05:07.000000-05:00", bpm: 101 }]);
    expect(out.movement_data.speed_samples[1]).toEqual({ timestamp: "2022-12-04T17:05:08.000000-05:00", speed_meters_per_second: 6.303 });
    expect(await compileMapping(spec).map({ ...workout, status: "IN_PROGRESS" })).toEqual({ kind: "skip" });
  });

  it("Xert: one hour at 1 Hz (each over session_data, Unix ms, mm/s), equal to the hand-written mapping", async () => {
    const record = oneHourWorkout();
    const out = await mapValid("activity", workoutMapping, record);
    expect(out).toEqual(handWrittenWorkout(record));
    expect(out.heart_rate_data.detailed.hr_samples).toHaveLength(3600);
    // The ride starts at 01:30 in Paris on the night clocks go forward: 02:00 CET is 03:00 CEST.
    expect(out.metadata.start_time).toBe("2026-03-29T01:30:00.000000+01:00");
    expect(out.power_data.power_samples[1799].timestamp).toBe("2026-03-29T01:59:59.000000+01:00");
    expect(out.power_data.power_samples[1800].timestamp).toBe("2026-03-29T03:00:00.000000+02:00");
    expect(out.position_data.position_samples[0].coords_lat_lng_deg).toEqual([48.85, 2.35]);
  });

  it("Strava: summary activity (UTC start shown at utc_offset, sport_type, kilojoules)", async () => {
    const spec: MappingSpec = {
      template: {
        metadata: {
          summary_id: { path: "/id", type: "string", required: true },
          name: { path: "/name" },
          type: { path: "/sport_type", enum: { map: { Ride: 1, MountainBikeRide: 15, Run: 8, TrailRun: 8, Walk: 7, Hike: 35, VirtualRide: 18 }, default: 4 } },
          upload_type: { path: "/manual", enum: { map: { true: 2, false: 1 } } },
          start_time: { path: "/start_date", time: { format: "datetime", offset: { path: "/utc_offset" } }, required: true },
          end_time: { path: "/start_date", time: { format: "datetime", offset: { path: "/utc_offset" }, add: { path: "/elapsed_time" } }, required: true },
        },
        distance_data: { summary: { distance_meters: { path: "/distance" }, elevation: { gain_actual_meters: { path: "/total_elevation_gain" } } } },
        movement_data: {
          avg_speed_meters_per_second: { path: "/average_speed" },
          max_speed_meters_per_second: { path: "/max_speed" },
          avg_cadence_rpm: { path: "/average_cadence" },
        },
        power_data: { avg_watts: { path: "/average_watts" }, max_watts: { path: "/max_watts" } },
        work_data: { work_kilojoules: { path: "/kilojoules" } },
        heart_rate_data: { summary: { avg_hr_bpm: { path: "/average_heartrate" }, max_hr_bpm: { path: "/max_heartrate" } } },
      },
    };
    const activity = {
      name: "Happy Friday",
      distance: 24931.4,
      moving_time: 4500,
      elapsed_time: 4500,
      total_elevation_gain: 0,
      type: "Ride",
      sport_type: "MountainBikeRide",
      id: 154504250376823,
      start_date: "2018-05-02T12:15:09Z",
      start_date_local: "2018-05-02T05:15:09Z",
      timezone: "(GMT-08:00) America/Los_Angeles",
      utc_offset: -25200,
      trainer: true,
      manual: false,
      average_speed: 5.54,
      max_speed: 11,
      average_cadence: 67.1,
      average_watts: 175.3,
      kilojoules: 788.7,
      max_watts: 406,
      average_heartrate: 140.3,
      max_heartrate: 178,
    };
    const out = await mapValid("activity", spec, activity);
    expect(out.metadata).toEqual({
      summary_id: "154504250376823",
      name: "Happy Friday",
      type: 15,
      upload_type: 1,
      start_time: "2018-05-02T05:15:09.000000-07:00",
      end_time: "2018-05-02T06:30:09.000000-07:00",
    });
    expect(out.distance_data).toEqual({ summary: { distance_meters: 24931.4, elevation: { gain_actual_meters: 0 } } });
  });

  it("WHOOP: sleep (offset text, milliseconds, skipped until scored)", async () => {
    const ms = (path: string) => ({ path, convert: { from: "ms", to: "s" } });
    const spec: MappingSpec = {
      when: 'score_state = "SCORED"',
      template: {
        metadata: {
          summary_id: { path: "/id", required: true },
          is_nap: { path: "/nap" },
          upload_type: 2,
          start_time: { path: "/start", time: { format: "datetime", offset: { path: "/timezone_offset" } }, required: true },
          end_time: { path: "/end", time: { format: "datetime", offset: { path: "/timezone_offset" } }, required: true },
        },
        sleep_durations_data: {
          asleep: {
            duration_deep_sleep_state_seconds: ms("/score/stage_summary/total_slow_wave_sleep_time_milli"),
            duration_light_sleep_state_seconds: ms("/score/stage_summary/total_light_sleep_time_milli"),
            duration_REM_sleep_state_seconds: ms("/score/stage_summary/total_rem_sleep_time_milli"),
          },
          awake: { duration_awake_state_seconds: ms("/score/stage_summary/total_awake_time_milli") },
          other: { duration_in_bed_seconds: ms("/score/stage_summary/total_in_bed_time_milli") },
          sleep_efficiency: { path: "/score/sleep_efficiency_percentage" },
        },
        respiration_data: { breaths_data: { avg_breaths_per_min: { path: "/score/respiratory_rate" } } },
      },
    };
    const sleep = {
      id: "ecfc6a15-4661-442f-a9a4-f160dd7afae8",
      cycle_id: 93845,
      user_id: 10129,
      start: "2022-04-24T02:25:44.774Z",
      end: "2022-04-24T10:25:44.774Z",
      timezone_offset: "-05:00",
      nap: false,
      score_state: "SCORED",
      score: {
        stage_summary: {
          total_in_bed_time_milli: 30272735,
          total_awake_time_milli: 1403507,
          total_light_sleep_time_milli: 14905851,
          total_slow_wave_sleep_time_milli: 6630370,
          total_rem_sleep_time_milli: 5879573,
        },
        respiratory_rate: 16.11,
        sleep_efficiency_percentage: 91.7,
      },
    };
    const out = await mapValid("sleep", spec, sleep);
    expect(out.metadata.start_time).toBe("2022-04-23T21:25:44.774000-05:00");
    expect(out.sleep_durations_data.asleep.duration_deep_sleep_state_seconds).toBe(6630.37);
    expect(await compileMapping(spec).map({ ...sleep, score_state: "PENDING_SCORE", score: undefined })).toEqual({ kind: "skip" });
  });

  it("Oura: sleep with interval series (each with $index × interval added to the series start; nulls dropped)", async () => {
    const spec: MappingSpec = {
      template: {
        metadata: {
          summary_id: { path: "/id" },
          upload_type: 2,
          start_time: { path: "/bedtime_start", time: { format: "datetime" }, required: true },
          end_time: { path: "/bedtime_end", time: { format: "datetime" }, required: true },
        },
        heart_rate_data: {
          summary: { avg_hr_bpm: { path: "/average_heart_rate" }, resting_hr_bpm: { path: "/lowest_heart_rate" } },
          detailed: {
            hr_samples: {
              each: { path: "/heart_rate/items" },
              item: {
                bpm: { path: "" },
                timestamp: {
                  path: "/heart_rate/timestamp",
                  from: "record",
                  time: { format: "datetime", add: { expr: "$index * $record.heart_rate.interval" } },
                },
              },
              require: ["bpm"],
            },
          },
        },
        sleep_durations_data: { other: { duration_in_bed_seconds: { path: "/time_in_bed" } }, sleep_efficiency: { path: "/efficiency" } },
      },
    };
    const sleep = {
      id: "1b2c",
      day: "2022-07-12",
      type: "long_sleep",
      bedtime_start: "2022-07-12T01:05:14-07:00",
      bedtime_end: "2022-07-12T09:25:14-07:00",
      time_in_bed: 30000,
      efficiency: 84,
      average_heart_rate: 52.25,
      lowest_heart_rate: 48,
      heart_rate: { interval: 300, items: [null, 50, 51], timestamp: "2022-07-12T01:05:14.000-07:00" },
    };
    const out = await mapValid("sleep", spec, sleep);
    expect(out.heart_rate_data.detailed.hr_samples).toEqual([
      { bpm: 50, timestamp: "2022-07-12T01:10:14.000000-07:00" },
      { bpm: 51, timestamp: "2022-07-12T01:15:14.000000-07:00" },
    ]);
  });

  it("Garmin: dailies (start in Unix seconds with the offset in seconds, duration added)", async () => {
    const spec: MappingSpec = {
      template: {
        metadata: {
          upload_type: 1,
          start_time: { path: "/startTimeInSeconds", time: { format: "unix_seconds", offset: { path: "/startTimeOffsetInSeconds" } }, required: true },
          end_time: {
            path: "/startTimeInSeconds",
            time: { format: "unix_seconds", offset: { path: "/startTimeOffsetInSeconds" }, add: { path: "/durationInSeconds" } },
            required: true,
          },
        },
        distance_data: { steps: { path: "/steps" }, distance_meters: { path: "/distanceInMeters" }, floors_climbed: { path: "/floorsClimbed" } },
        calories_data: { net_activity_calories: { path: "/activeKilocalories" }, BMR_calories: { path: "/bmrKilocalories" } },
        heart_rate_data: { summary: { resting_hr_bpm: { path: "/restingHeartRateInBeatsPerMinute" } } },
        active_durations_data: { activity_seconds: { path: "/activeTimeInSeconds" } },
      },
    };
    const daily = {
      summaryId: "x",
      calendarDate: "2016-01-11",
      startTimeInSeconds: 1452470400,
      startTimeOffsetInSeconds: 3600,
      durationInSeconds: 86400,
      steps: 4210,
      distanceInMeters: 3146.5,
      activeKilocalories: 321,
      bmrKilocalories: 1731,
      activeTimeInSeconds: 12240,
      floorsClimbed: 8,
      restingHeartRateInBeatsPerMinute: 64,
    };
    const out = await mapValid("daily", spec, daily);
    expect(out.metadata).toEqual({ upload_type: 1, start_time: "2016-01-11T01:00:00.000000+01:00", end_time: "2016-01-12T01:00:00.000000+01:00" });
  });

  it("Wahoo: webhook workout summary (numbers sent as text, data nested in the push)", async () => {
    const number = (path: string) => ({ path, type: "number" as const });
    const spec: MappingSpec = {
      template: {
        metadata: {
          summary_id: { path: "/workout_summary/workout/id", type: "string", required: true },
          name: { path: "/workout_summary/workout/name" },
          type: { path: "/workout_summary/workout/workout_type_id", enum: { map: { "0": 1, "1": 8, "5": 7 }, default: 4 } },
          upload_type: 1,
          start_time: { path: "/workout_summary/workout/starts", time: { format: "datetime" }, required: true },
          end_time: {
            path: "/workout_summary/workout/starts",
            time: { format: "datetime", add: { path: "/workout_summary/duration_total_accum" } },
            required: true,
          },
        },
        distance_data: {
          summary: { distance_meters: number("/workout_summary/distance_accum"), elevation: { gain_actual_meters: number("/workout_summary/ascent_accum") } },
        },
        calories_data: { total_burned_calories: number("/workout_summary/calories_accum") },
        power_data: { avg_watts: number("/workout_summary/power_avg") },
        work_data: { work_kilojoules: { path: "/workout_summary/work_accum", convert: { from: "J", to: "kJ" } } },
        active_durations_data: { activity_seconds: number("/workout_summary/duration_active_accum") },
      },
    };
    const push = {
      event_type: "workout_summary",
      webhook_token: "t",
      user: { id: 60462 },
      workout_summary: {
        id: 99,
        ascent_accum: "250.0",
        calories_accum: "780.0",
        distance_accum: "35200.0",
        duration_active_accum: "3600.0",
        duration_total_accum: "3660.0",
        power_avg: "210.0",
        work_accum: "756000.0",
        workout: { id: 123, starts: "2024-05-01T07:00:00.000Z", minutes: 62, name: "Morning Ride", workout_type_id: 0 },
      },
    };
    const out = await mapValid("activity", spec, push);
    expect(out.metadata).toEqual({
      summary_id: "123",
      name: "Morning Ride",
      type: 1,
      upload_type: 1,
      start_time: "2024-05-01T07:00:00.000000+00:00",
      end_time: "2024-05-01T08:01:00.000000+00:00",
    });
    expect(out.work_data.work_kilojoules).toBe(756);
  });

  it("Polar: exercise (local start with the offset in minutes, ISO-8601 duration)", async () => {
    const offset = { expr: "start_time_utc_offset * 60" };
    const spec: MappingSpec = {
      // `add` takes a plain source: the ISO-8601 duration is converted once, into a let value.
      let: { seconds: { path: "/duration", convert: { from: "iso8601", to: "s" } } },
      template: {
        metadata: {
          summary_id: { path: "/id", required: true },
          type: { path: "/sport", enum: { map: { RUNNING: 8, CYCLING: 1, WALKING: 7 }, default: 4 } },
          upload_type: 1,
          start_time: { path: "/start_time", time: { format: "datetime_local", offset }, required: true },
          end_time: { path: "/start_time", time: { format: "datetime_local", offset, add: { var: "seconds" } }, required: true },
        },
        active_durations_data: { activity_seconds: { path: "/duration", convert: { from: "iso8601", to: "s" } } },
        calories_data: { total_burned_calories: { path: "/calories" } },
        distance_data: { summary: { distance_meters: { path: "/distance" } } },
        heart_rate_data: { summary: { avg_hr_bpm: { path: "/heart_rate/average" }, max_hr_bpm: { path: "/heart_rate/maximum" } } },
      },
    };
    const exercise = {
      id: "aQlC83",
      start_time: "2024-05-15T12:00:00",
      start_time_utc_offset: 120,
      duration: "PT1H2M3S",
      calories: 530,
      distance: 10250.0,
      heart_rate: { average: 142, maximum: 171 },
      sport: "RUNNING",
    };
    const out = await mapValid("activity", spec, exercise);
    expect(out.metadata.start_time).toBe("2024-05-15T12:00:00.000000+02:00");
    expect(out.metadata.end_time).toBe("2024-05-15T13:02:03.000000+02:00");
    expect(out.active_durations_data.activity_seconds).toBe(3723);
  });

  it("Fitbit: activity log (distance in the user's unit, durations in ms, local sleep times need the user's zone)", async () => {
    const spec: MappingSpec = {
      template: {
        metadata: {
          summary_id: { path: "/logId", type: "string", required: true },
          name: { path: "/activityName" },
          type: { path: "/activityName", enum: { map: { Run: 8, Walk: 7, Bike: 1 }, default: 4 } },
          upload_type: { path: "/logType", enum: { map: { auto_detected: 1, manual: 2, mobile_run: 1, tracker: 1 }, default: 0 } },
          start_time: { path: "/startTime", time: { format: "datetime" }, required: true },
          end_time: { path: "/startTime", time: { format: "datetime", add: { expr: "duration / 1000" } }, required: true },
        },
        distance_data: {
          summary: { distance_meters: { path: "/distance", convert: { from: { path: "/distanceUnit" }, to: "m" } }, steps: { path: "/steps" } },
        },
        active_durations_data: { activity_seconds: { path: "/activeDuration", convert: { from: "ms", to: "s" } } },
        calories_data: { total_burned_calories: { path: "/calories" } },
        heart_rate_data: {
          summary: {
            avg_hr_bpm: { path: "/averageHeartRate" },
            hr_zone_data: {
              each: { path: "/heartRateZones" },
              item: { zone: { var: "index" }, name: { path: "/name" }, duration_seconds: { path: "/minutes", convert: { from: "min", to: "s" } } },
            },
          },
        },
      },
    };
    const log = {
      logId: 52375441234,
      activityName: "Run",
      logType: "auto_detected",
      startTime: "2024-04-10T07:00:00.000+02:00",
      duration: 1800000,
      activeDuration: 1800000,
      calories: 350,
      steps: 4800,
      distance: 5.2,
      distanceUnit: "Kilometer",
      averageHeartRate: 155,
      heartRateZones: [
        { name: "Fat Burn", min: 100, max: 140, minutes: 5 },
        { name: "Cardio", min: 140, max: 170, minutes: 20 },
      ],
    };
    const out = await mapValid("activity", spec, log);
    expect(out.metadata.end_time).toBe("2024-04-10T07:30:00.000000+02:00");
    expect(out.distance_data.summary).toEqual({ distance_meters: 5200, steps: 4800 });
    expect(out.heart_rate_data.summary.hr_zone_data[1]).toEqual({ zone: 1, name: "Cardio", duration_seconds: 1200 });
  });

  it("Withings: body measures (value × 10^unit, measure types picked by expression, the account's zone)", async () => {
    const measure = (type: number) => ({ expr: `measures[type=${type}].(value * $power(10, unit))` });
    const spec: MappingSpec = {
      template: {
        metadata: {
          start_time: { path: "/date", time: { format: "unix_seconds", timezone: { path: "/timezone", from: "record" } }, required: true },
          end_time: { path: "/date", time: { format: "unix_seconds", timezone: { path: "/timezone", from: "record" } }, required: true },
        },
        measurements_data: {
          // A one-item list (a tuple) of one measurement group.
          measurements: [
            {
              measurement_time: { path: "/date", time: { format: "unix_seconds", timezone: { path: "/timezone" } } },
              weight_kg: measure(1),
              bodyfat_percentage: measure(6),
            },
          ],
        },
      },
    };
    const group = {
      grpid: 2909,
      date: 1594159644,
      timezone: "Europe/Paris",
      measures: [
        { value: 65750, type: 1, unit: -3 },
        { value: 215, type: 6, unit: -1 },
      ],
    };
    const out = await mapValid("body", spec, group);
    expect(out.metadata.start_time).toBe("2020-07-08T00:07:24.000000+02:00");
    expect(out.measurements_data.measurements).toEqual([{ measurement_time: "2020-07-08T00:07:24.000000+02:00", weight_kg: 65.75, bodyfat_percentage: 21.5 }]);
  });
});
