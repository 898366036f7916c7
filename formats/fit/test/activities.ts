import { terraTimestamp, type Activity } from "@tributary/schemas";

/**
 * A ride with every field FIT carries set: summary, zones, laps, 1 Hz samples of every stream (positions
 * too), a pause of 95 s at 20 minutes, written in a +02:00 offset.
 */
export function fullRide(options: { seconds?: number; offsetMinutes?: number } = {}): Activity {
  const seconds = options.seconds ?? 3600;
  const offset = options.offsetMinutes ?? 120;
  const startMs = Date.UTC(2026, 5, 14, 6, 30, 0);
  const pauseAt = Math.min(1200, Math.floor(seconds / 3));
  const pause = 95;
  const elapsed = (i: number) => (i > pauseAt ? i + pause : i);
  const at = (i: number) => terraTimestamp(startMs + elapsed(i) * 1000, offset);
  const idx = Array.from({ length: seconds + 1 }, (_, i) => i);
  const end = startMs + (seconds + pause) * 1000;
  return {
    metadata: {
      summary_id: "ride-2026-06-14",
      name: "Morning Ride",
      type: 16,
      upload_type: 1,
      start_time: terraTimestamp(startMs, offset),
      end_time: terraTimestamp(end, offset),
      timestamp_localization: 1,
    },
    active_durations_data: { activity_seconds: seconds, rest_seconds: pause },
    calories_data: { total_burned_calories: 911 },
    heart_rate_data: {
      summary: {
        avg_hr_bpm: 142,
        max_hr_bpm: 171,
        min_hr_bpm: 96,
        user_max_hr_bpm: 188,
        resting_hr_bpm: 52,
        hr_zone_data: [0, 1, 2, 3, 4, 5].map((zone) => ({ zone, duration_seconds: [60, 420, 1300, 1100, 600, 120][zone]! })),
      },
      detailed: { hr_samples: idx.map((i) => ({ timestamp: at(i), bpm: 96 + Math.round(70 * Math.sin((i / seconds) * Math.PI)), timer_duration_seconds: i })) },
    },
    distance_data: {
      summary: {
        distance_meters: 30123.45,
        elevation: { gain_actual_meters: 412.37, loss_actual_meters: 409.5, avg_meters: 244.4, min_meters: 120.2, max_meters: 388.6 },
      },
      detailed: {
        distance_samples: idx.map((i) => ({ timestamp: at(i), distance_meters: Math.round(i * 8.36 * 100) / 100, timer_duration_seconds: i })),
        elevation_samples: idx.map((i) => ({
          timestamp: at(i),
          elev_meters: Math.round((120 + 260 * Math.abs(Math.sin(i / 700))) * 10) / 10,
          timer_duration_seconds: i,
        })),
      },
    },
    movement_data: {
      avg_speed_meters_per_second: 8.367,
      max_speed_meters_per_second: 17.205,
      avg_cadence_rpm: 87.5,
      max_cadence_rpm: 118,
      speed_samples: idx.map((i) => ({
        timestamp: at(i),
        speed_meters_per_second: Math.round((8 + 3 * Math.sin(i / 50)) * 1000) / 1000,
        timer_duration_seconds: i,
      })),
      cadence_samples: idx.map((i) => ({ timestamp: at(i), cadence_rpm: 80 + (i % 17) + 0.5, timer_duration_seconds: i })),
    },
    power_data: {
      avg_watts: 214,
      max_watts: 688,
      power_samples: idx.map((i) => ({ timestamp: at(i), watts: 150 + (i % 120), timer_duration_seconds: i })),
    },
    TSS_data: { TSS_samples: [{ actual: 88.4, intensity_factor_actual: 0.812, normalized_power_watts: 231 }] },
    work_data: { work_kilojoules: 770.4 },
    position_data: {
      start_pos_lat_lng_deg: [45.764043, 4.835659],
      end_pos_lat_lng_deg: [45.760112, 4.84001],
      position_samples: idx.map((i) => ({
        timestamp: at(i),
        coords_lat_lng_deg: [45.764043 + i * 1e-5, 4.835659 - i * 7e-6] as [number, number],
        timer_duration_seconds: i,
      })),
    },
    lap_data: {
      laps: [
        {
          start_time: at(0),
          end_time: at(1800),
          distance_meters: 15050.2,
          calories: 455,
          avg_hr_bpm: 139,
          avg_speed_meters_per_second: 8.361,
          avg_watts: 210,
          active_duration_seconds: 1705,
          trigger_method: "DISTANCE",
        },
        {
          start_time: at(1800),
          end_time: at(seconds),
          distance_meters: 15073.25,
          calories: 456,
          avg_hr_bpm: 145,
          avg_speed_meters_per_second: 8.373,
          avg_watts: 218,
          active_duration_seconds: seconds - 1705,
          trigger_method: "SESSION_END",
        },
      ],
    },
    device_data: { name: "Edge 1050", manufacturer: "Garmin", serial_number: "3412345678", software_version: "27.12", hardware_version: "3" },
  };
}

/** An activity with a summary and nothing else: no samples, laps, positions or device. */
export function summaryOnly(): Activity {
  return {
    metadata: {
      summary_id: "yoga-1",
      name: "Evening Yoga",
      type: 100,
      upload_type: 2,
      start_time: "2026-06-15T19:00:00.000000+00:00",
      end_time: "2026-06-15T19:45:00.000000+00:00",
      timestamp_localization: 0,
    },
    calories_data: { total_burned_calories: 160 },
    heart_rate_data: { summary: { avg_hr_bpm: 88, max_hr_bpm: 121 } },
  };
}

interface PelotonMetric {
  slug: string;
  display_unit: string;
  average_value: number;
  max_value: number;
  values: number[];
}

/**
 * A Peloton bike class as the Peloton connector will map it, built from the shapes of Peloton's
 * `performance_graph?every_n=1` and workout summary: 1 Hz output (W), cadence (rpm), speed (mph) and heart
 * rate (bpm) arrays counted in seconds since pedaling started, total_work in joules, distance in miles,
 * calories in kcal; no GPS (an indoor bike).
 */
export function pelotonRide(): Activity {
  const startUnix = 1619718402;
  const duration = 1800;
  const wave = (i: number, base: number, amplitude: number) => Math.round((base + amplitude * Math.sin(i / 90)) * 10) / 10;
  const metrics: PelotonMetric[] = [
    { slug: "output", display_unit: "watts", average_value: 98, max_value: 140, values: [] },
    { slug: "cadence", display_unit: "rpm", average_value: 85, max_value: 120, values: [] },
    { slug: "speed", display_unit: "mph", average_value: 15.9, max_value: 18.6, values: [] },
    { slug: "heart_rate", display_unit: "bpm", average_value: 138, max_value: 154, values: [] },
  ];
  const secondsSincePedalingStart = Array.from({ length: duration - 1 }, (_, i) => i + 1);
  for (const i of secondsSincePedalingStart) {
    metrics[0]!.values.push(Math.round(wave(i, 98, 40)));
    metrics[1]!.values.push(Math.round(wave(i, 85, 30)));
    metrics[2]!.values.push(wave(i, 15.9, 2.7));
    metrics[3]!.values.push(Math.round(wave(i, 138, 16)));
  }
  const summary = { total_work: 175772.76, distance_mi: 7.97, calories: 235.96, avg_speed_mph: 15.94, max_speed_mph: 18.59 };
  const MPH = 0.44704;
  const at = (seconds: number) => terraTimestamp((startUnix + seconds) * 1000, -300);
  const series = (slug: string) => metrics.find((m) => m.slug === slug)!;
  const samples = <T>(slug: string, make: (value: number) => T) =>
    series(slug).values.map((value, i) => ({
      timestamp: at(secondsSincePedalingStart[i]!),
      timer_duration_seconds: secondsSincePedalingStart[i]!,
      ...make(value),
    }));
  let meters = 0;
  return {
    metadata: {
      summary_id: "3bade6602259414a82576302f9339175",
      name: "30 min Power Zone Ride",
      type: 18,
      upload_type: 1,
      start_time: at(0),
      end_time: at(duration),
      timestamp_localization: 1,
    },
    calories_data: { total_burned_calories: summary.calories },
    work_data: { work_kilojoules: summary.total_work / 1000 },
    energy_data: { energy_kilojoules: summary.total_work / 1000 },
    distance_data: {
      summary: { distance_meters: summary.distance_mi * 1609.344 },
      detailed: {
        distance_samples: series("speed").values.map((mph, i) => {
          meters += mph * MPH;
          return {
            timestamp: at(secondsSincePedalingStart[i]!),
            distance_meters: Math.round(meters * 100) / 100,
            timer_duration_seconds: secondsSincePedalingStart[i]!,
          };
        }),
      },
    },
    heart_rate_data: {
      summary: { avg_hr_bpm: series("heart_rate").average_value, max_hr_bpm: series("heart_rate").max_value },
      detailed: { hr_samples: samples("heart_rate", (bpm) => ({ bpm })) },
    },
    power_data: { avg_watts: series("output").average_value, max_watts: series("output").max_value, power_samples: samples("output", (watts) => ({ watts })) },
    movement_data: {
      avg_speed_meters_per_second: summary.avg_speed_mph * MPH,
      max_speed_meters_per_second: summary.max_speed_mph * MPH,
      avg_cadence_rpm: series("cadence").average_value,
      max_cadence_rpm: series("cadence").max_value,
      speed_samples: samples("speed", (mph) => ({ speed_meters_per_second: mph * MPH })),
      cadence_samples: samples("cadence", (rpm) => ({ cadence_rpm: rpm })),
    },
    device_data: { name: "Peloton Bike", manufacturer: "Peloton" },
  };
}
