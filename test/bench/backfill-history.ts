import type { SpecFixtures } from "@tributary/core/mock-provider";

/**
 * Years of one Insiders member, generated (never stored): a workout most days — rides, runs and rows —
 * each with its time series served by the detail request, the shape the INSIDERS spec reads. The same
 * seed gives the same history, so runs compare.
 */

export const BENCH_USER = "usr_bench5y";
export const BENCH_TOKEN = "bench-pasted-token";

const DAY_MS = 86_400_000;

/** Mulberry32: small, fast and good enough to make a history look lived-in. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KINDS = [
  { type: "indoor_cycling", source: "bike", speedKmh: 30, cadence: 85, watts: 190 },
  { type: "studio_cycling", source: "bike", speedKmh: 32, cadence: 90, watts: 210 },
  { type: "outdoor_run", source: "app", speedKmh: 11, cadence: 170, watts: 0 },
  { type: "treadmill_run", source: "treadmill", speedKmh: 10, cadence: 165, watts: 0 },
  { type: "rowing", source: "rower", speedKmh: 9, cadence: 26, watts: 160 },
] as const;

export interface BenchHistory {
  /** The member's workouts, oldest first, as the list endpoint answers them. */
  workouts: Record<string, unknown>[];
  /** The summary ids the destination must receive: every workout of the window. */
  ids: string[];
  samples: number;
  fixtures: SpecFixtures;
}

/**
 * Workouts in [start, end): 0 to 2 a day (about 0.6 on average), 20–75 minutes each, with a sample every
 * `sampleSeconds` (what a watch's smart recording keeps; 1 for every second).
 */
export function benchHistory(range: { start: Date; end: Date }, sampleSeconds: number, seed = 5): BenchHistory {
  const next = random(seed);
  const workouts: Record<string, unknown>[] = [];
  let samples = 0;
  for (let day = range.start.getTime(); day < range.end.getTime(); day += DAY_MS) {
    const roll = next();
    const count = roll < 0.45 ? 0 : roll < 0.95 ? 1 : 2;
    for (let i = 0; i < count; i++) {
      const kind = KINDS[Math.floor(next() * KINDS.length)]!;
      const start = day + (6 + i * 10 + Math.floor(next() * 4)) * 3_600_000;
      if (start >= range.end.getTime()) continue;
      const seconds = 60 * (20 + Math.floor(next() * 56));
      samples += Math.ceil(seconds / sampleSeconds);
      const id = `act_${String(workouts.length).padStart(6, "0")}_${Math.floor(next() * 1e9).toString(36)}`;
      const hr = 120 + Math.floor(next() * 40);
      workouts.push({
        id,
        user_id: BENCH_USER,
        type: kind.type,
        title: `${Math.round(seconds / 60)}' ${kind.type.replace("_", " ")}`,
        status: "completed",
        source: kind.source,
        start_time: iso(start),
        end_time: iso(start + seconds * 1000),
        timezone: "Europe/Amsterdam",
        duration_s: seconds,
        moving_time_s: seconds,
        paused_time_s: 0,
        calories: { total_kcal: Math.round(seconds * 0.2), active_kcal: Math.round(seconds * 0.17) },
        distance_km: Math.round(((kind.speedKmh * seconds) / 3600) * 100) / 100,
        heart_rate: { avg_bpm: hr, max_bpm: hr + 25, min_bpm: hr - 40 },
        ...(kind.watts > 0 ? { power: { avg_w: kind.watts, max_w: kind.watts * 2, work_kj: Math.round((kind.watts * seconds) / 1000) } } : {}),
        cadence: { avg_rpm: kind.cadence, max_rpm: kind.cadence + 20 },
        speed: { avg_kmh: kind.speedKmh, max_kmh: kind.speedKmh * 1.4 },
        device: { name: `Insiders ${kind.source}`, manufacturer: "Insiders", firmware: "4.12.0" },
        sensors: [{ type: "heart_rate", name: "Polar H10", manufacturer: "Polar" }],
        has_samples: true,
        updated_at: iso(start + seconds * 1000 + 60_000),
      });
    }
  }
  const kindOf = new Map(workouts.map((w) => [w.id as string, KINDS.find((k) => k.type === w.type)!]));
  return {
    workouts,
    ids: workouts.map((w) => w.id as string),
    samples,
    fixtures: {
      users: [{ id: BENCH_USER, token: BENCH_TOKEN, profile: { first_name: "Bench" } }],
      streams: {
        activities: {
          records: { [BENCH_USER]: workouts },
          time: { path: "/start_time", format: "datetime" },
          // Made when asked for, like a provider reading its store: the harness never holds them all.
          details: {
            samples: (record) => ({ samples: timeSeries(record as Record<string, unknown>, kindOf.get((record as { id: string }).id)!, sampleSeconds) }),
          },
        },
      },
    },
  };
}

/** A sample every `every` seconds for the whole workout, seeded by the workout id. */
function timeSeries(workout: Record<string, unknown>, kind: (typeof KINDS)[number], every: number): Record<string, number>[] {
  const id = workout.id as string;
  let seed = 0;
  for (let i = 0; i < id.length; i++) seed = (Math.imul(seed, 31) + id.charCodeAt(i)) | 0;
  const next = random(seed);
  const seconds = workout.duration_s as number;
  const outdoor = kind.type === "outdoor_run";
  const series: Record<string, number>[] = [];
  let distance = 0;
  let lat = 52.37 + next() * 0.05;
  let lng = 4.89 + next() * 0.05;
  for (let s = 0; s < seconds; s += every) {
    const speed = kind.speedKmh * (0.9 + next() * 0.2);
    distance += (speed / 3.6) * every;
    const sample: Record<string, number> = {
      offset_s: s,
      heart_rate_bpm: 110 + Math.round(next() * 60),
      cadence_rpm: Math.round(kind.cadence * (0.9 + next() * 0.2)),
      speed_kmh: Math.round(speed * 100) / 100,
      distance_m: Math.round(distance),
    };
    if (kind.watts > 0) sample.power_w = Math.round(kind.watts * (0.7 + next() * 0.6));
    if (outdoor) {
      lat += (next() - 0.5) * 0.0002;
      lng += (next() - 0.5) * 0.0002;
      sample.lat = Math.round(lat * 1e6) / 1e6;
      sample.lng = Math.round(lng * 1e6) / 1e6;
      sample.altitude_m = Math.round((2 + next() * 3) * 10) / 10;
    }
    series.push(sample);
  }
  return series;
}

function iso(ms: number): string {
  // Europe/Amsterdam in winter: the history's times are written with the member's offset, as Insiders does.
  return new Date(ms + 3_600_000).toISOString().replace(/\.\d{3}Z$/, "+01:00");
}
