/**
 * The mapping benchmark's workload: a one-hour ride recorded at 1 Hz (3,600 samples of heart rate, power,
 * cadence, speed and position) in the shape of Xert's activity detail (`session_data`, times in Unix ms,
 * speed in mm/s), its declarative mapping, and the same mapping written by hand in TypeScript.
 */
import type { MappingSpec } from "@tributary/schemas";
import { formatTimestamp, timeZone } from "@tributary/core/mapping";

export const SAMPLES = 3600;

export interface WorkoutSample {
  unix_time: number;
  power: number;
  hr: number;
  cad: number;
  spd: number;
  lat: number;
  lng: number;
}

export function oneHourWorkout(): Record<string, unknown> {
  const start = Date.UTC(2026, 2, 29, 0, 30, 0); // across the start of summer time in Europe/Paris
  const samples: WorkoutSample[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    samples.push({
      unix_time: start + i * 1000,
      power: 180 + Math.round(60 * Math.sin(i / 90)),
      hr: 120 + Math.round(25 * Math.sin(i / 300)),
      cad: 85 + (i % 7),
      spd: 8000 + ((i * 37) % 900),
      lat: 48.85 + i * 1e-5,
      lng: 2.35 + i * 1.3e-5,
    });
  }
  return {
    path: "eef8hezs8eh24hv4",
    name: "Morning Ride",
    activity_type: "Cycling",
    timezone: "Europe/Paris",
    summary: { start_ms: start, end_ms: start + SAMPLES * 1000, distance: 30.6, avg_power: 181, max_power: 240, avg_hr: 121, max_hr: 145, total_calories: 900 },
    session_data: samples,
  };
}

const stamp = () => ({ path: "/unix_time", time: { format: "unix_ms" as const, timezone: { var: "tz" } } });

export const workoutMapping: MappingSpec = {
  let: { tz: { path: "/timezone" } },
  template: {
    metadata: {
      summary_id: { path: "/path", type: "string", required: true },
      name: { path: "/name" },
      type: { path: "/activity_type", enum: { map: { cycling: 1, running: 8, walking: 7 }, caseInsensitive: true, default: 4 } },
      upload_type: 1,
      start_time: { path: "/summary/start_ms", time: { format: "unix_ms", timezone: { var: "tz" } }, required: true },
      end_time: { path: "/summary/end_ms", time: { format: "unix_ms", timezone: { var: "tz" } }, required: true },
    },
    distance_data: { summary: { distance_meters: { path: "/summary/distance", convert: { from: "km", to: "m" } } } },
    calories_data: { total_burned_calories: { path: "/summary/total_calories" } },
    heart_rate_data: {
      summary: { avg_hr_bpm: { path: "/summary/avg_hr" }, max_hr_bpm: { path: "/summary/max_hr" } },
      detailed: { hr_samples: { each: { path: "/session_data" }, item: { timestamp: stamp(), bpm: { path: "/hr" } }, require: ["bpm"] } },
    },
    power_data: {
      avg_watts: { path: "/summary/avg_power" },
      max_watts: { path: "/summary/max_power" },
      power_samples: { each: { path: "/session_data" }, item: { timestamp: stamp(), watts: { path: "/power" } }, require: ["watts"] },
    },
    movement_data: {
      cadence_samples: { each: { path: "/session_data" }, item: { timestamp: stamp(), cadence_rpm: { path: "/cad" } }, require: ["cadence_rpm"] },
      speed_samples: {
        each: { path: "/session_data" },
        item: { timestamp: stamp(), speed_meters_per_second: { path: "/spd", convert: { from: "mm/s", to: "m/s" } } },
        require: ["speed_meters_per_second"],
      },
    },
    position_data: {
      position_samples: {
        each: { path: "/session_data" },
        item: { timestamp: stamp(), coords_lat_lng_deg: [{ path: "/lat" }, { path: "/lng" }] },
        require: ["coords_lat_lng_deg"],
      },
    },
  },
};

const ACTIVITY_TYPES: Record<string, number> = { cycling: 1, running: 8, walking: 7 };

/** The same mapping, hand-written: what a TypeScript connector author would write with the same helpers. */
export function handWrittenWorkout(record: Record<string, unknown>): Record<string, unknown> {
  const summary = record.summary as Record<string, number>;
  const samples = record.session_data as WorkoutSample[];
  const zone = timeZone(record.timezone as string);
  const stampOf = (ms: number) => formatTimestamp(ms, zone.offsetAt(ms));
  const hr: unknown[] = [];
  const power: unknown[] = [];
  const cadence: unknown[] = [];
  const speed: unknown[] = [];
  const position: unknown[] = [];
  for (const s of samples) {
    if (s.hr != null) hr.push({ timestamp: stampOf(s.unix_time), bpm: s.hr });
  }
  for (const s of samples) {
    if (s.power != null) power.push({ timestamp: stampOf(s.unix_time), watts: s.power });
  }
  for (const s of samples) {
    if (s.cad != null) cadence.push({ timestamp: stampOf(s.unix_time), cadence_rpm: s.cad });
  }
  for (const s of samples) {
    if (s.spd != null) speed.push({ timestamp: stampOf(s.unix_time), speed_meters_per_second: s.spd / 1000 });
  }
  for (const s of samples) {
    if (s.lat != null && s.lng != null) position.push({ timestamp: stampOf(s.unix_time), coords_lat_lng_deg: [s.lat, s.lng] });
  }
  return {
    metadata: {
      summary_id: String(record.path),
      name: record.name,
      type: ACTIVITY_TYPES[String(record.activity_type).toLowerCase()] ?? 4,
      upload_type: 1,
      start_time: stampOf(summary.start_ms!),
      end_time: stampOf(summary.end_ms!),
    },
    distance_data: { summary: { distance_meters: summary.distance! * 1000 } },
    calories_data: { total_burned_calories: summary.total_calories },
    heart_rate_data: { summary: { avg_hr_bpm: summary.avg_hr, max_hr_bpm: summary.max_hr }, detailed: { hr_samples: hr } },
    power_data: { avg_watts: summary.avg_power, max_watts: summary.max_power, power_samples: power },
    movement_data: { cadence_samples: cadence, speed_samples: speed },
    position_data: { position_samples: position },
  };
}
