import type { SandboxLap } from "../provider/records.ts";
import type { SandboxSport } from "../provider/sport.ts";
import type { WorkoutSeries } from "./workout-simulation.ts";
import { round } from "../numbers.ts";

export const POOL_LENGTH_METERS = 25;

/** How the sandbox's devices split laps: auto-lap by distance outdoors and in the pool, by time indoors. */
const AUTO_LAP: Partial<Record<SandboxSport, { by: "distance" | "time"; every: number }>> = {
  run: { by: "distance", every: 1000 },
  walk: { by: "distance", every: 1000 },
  ride: { by: "distance", every: 5000 },
  swim: { by: "distance", every: 100 },
  indoor_ride: { by: "time", every: 600 },
};

export function splitLaps(sport: SandboxSport, series: WorkoutSeries, strokesPerLength: number): SandboxLap[] {
  const rule = AUTO_LAP[sport];
  if (!rule) return [];
  const { elapsed, timer, heartRate, distance, watts, kcal } = series;
  const last = timer.length - 1;
  const laps: SandboxLap[] = [];
  let from = 0;
  let boundary = rule.every;
  const close = (to: number, trigger: SandboxLap["trigger"]) => {
    let hrSum = 0;
    let wattSum = 0;
    for (let i = from; i < to; i++) {
      hrSum += heartRate[i] ?? 0;
      wattSum += watts?.[i] ?? 0;
    }
    const samples = Math.max(1, to - from);
    const moving = (timer[to] ?? 0) - (timer[from] ?? 0);
    const meters = distance ? (distance[to] ?? 0) - (distance[from] ?? 0) : null;
    laps.push({
      startOffset: elapsed[from] ?? 0,
      endOffset: elapsed[to] ?? 0,
      movingSeconds: moving,
      distanceMeters: meters === null ? null : round(meters, 1),
      calories: round((kcal[to] ?? 0) - (kcal[from] ?? 0), 1),
      avgHeartRate: Math.round(hrSum / samples),
      avgSpeed: meters === null || moving === 0 ? null : round(meters / moving, 2),
      avgWatts: watts ? Math.round(wattSum / samples) : null,
      strokes: sport === "swim" && meters !== null ? Math.round((meters / POOL_LENGTH_METERS) * strokesPerLength) : null,
      strokeStyle: sport === "swim" ? "freestyle" : null,
      trigger,
    });
    from = to;
  };
  for (let i = 1; i <= last; i++) {
    const progress = rule.by === "distance" ? (distance?.[i] ?? 0) : (timer[i] ?? 0);
    if (progress >= boundary && i < last) {
      close(i, rule.by);
      boundary += rule.every;
    }
  }
  if (from < last) close(last, "session_end");
  return laps;
}
