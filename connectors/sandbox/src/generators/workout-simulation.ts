import { ageOnDay, weightOnDay, type SandboxProfile } from "../profile/user-profile.ts";
import type { LatLng } from "../provider/records.ts";
import { OUTDOOR_SPORTS, type SandboxSport } from "../provider/sport.ts";
import { rngFor, type Rng } from "../random/prng.ts";
import { loopRoute, type LoopRoute } from "./loop-route.ts";
import { SAMPLE_INTERVAL_SECONDS as DT, type WorkoutPlan, type WorkoutStyle } from "./workout-plan.ts";
import { clamp } from "../numbers.ts";

/**
 * One workout, second by second (every 10 s of moving time). Summaries are computed from these series
 * even when samples are not requested, so a record is identical with or without samples apart from the
 * sample arrays themselves, and every summary agrees with its samples.
 */
export interface WorkoutSeries {
  elapsed: number[];
  timer: number[];
  heartRate: number[];
  /** Cumulative meters; null for strength work. */
  distance: number[] | null;
  speed: number[] | null;
  cadence: number[] | null;
  watts: number[] | null;
  altitude: number[] | null;
  latlng: LatLng[] | null;
  /** Cumulative gross kcal. */
  kcal: number[];
  /** The route (outdoor only), scaled to the distance actually covered. */
  route: LoopRoute | null;
}

/** Relative effort (≈ fraction of heart-rate reserve) by sport and style. */
const EFFORT: Record<SandboxSport, { base: number; hard?: number; easy?: number }> = {
  run: { base: 0.6, hard: 0.95, easy: 0.5 },
  ride: { base: 0.55, hard: 0.92, easy: 0.45 },
  indoor_ride: { base: 0.58, hard: 0.92, easy: 0.45 },
  walk: { base: 0.25 },
  swim: { base: 0.58, hard: 0.85, easy: 0.45 },
  strength: { base: 0.6, easy: 0.3 },
};

function baseEffort(sport: SandboxSport, style: WorkoutStyle): number {
  const { base } = EFFORT[sport];
  if (style === "tempo") return base + 0.17;
  if (style === "long") return base + 0.02;
  return base;
}

function baseSpeed(profile: SandboxProfile, sport: SandboxSport): number {
  switch (sport) {
    case "run":
      return profile.runSpeed;
    case "ride":
    case "indoor_ride":
      return profile.rideSpeed;
    case "walk":
      return profile.walkSpeed;
    case "swim":
      return profile.swimSpeed;
    case "strength":
      return 0;
  }
}

/** Keytel et al. (2005): energy expenditure from heart rate, kcal/min. */
function keytelKcalPerMinute(sex: "female" | "male", hr: number, weightKg: number, age: number): number {
  const kj = sex === "male" ? -55.0969 + 0.6309 * hr + 0.1988 * weightKg + 0.2017 * age : -20.4022 + 0.4472 * hr - 0.1263 * weightKg + 0.074 * age;
  return Math.max(1.2, kj / 4.184);
}

/** Compendium-style METs for walking at speed v (m/s); 1 MET = 3.5 ml O2/kg/min ≈ weight × 3.5 / 200 kcal/min. */
function walkingKcalPerMinute(v: number, weightKg: number): number {
  const met = 1.8 + 1.6 * v;
  return (met * 3.5 * weightKg) / 200;
}

export function simulateWorkout(profile: SandboxProfile, plan: WorkoutPlan, day: number): WorkoutSeries {
  const rng: Rng = rngFor(profile.userId, "activity", day, plan.index, "series");
  const { sport, style, movingSeconds } = plan;
  const outdoor = OUTDOOR_SPORTS.has(sport);
  const moves = sport !== "strength";
  const weightKg = weightOnDay(profile, day);
  const age = ageOnDay(profile, day);
  const speedBase = baseSpeed(profile, sport) * rng.float(0.95, 1.05);
  const effortBase = baseEffort(sport, style);
  const hardEffort = EFFORT[sport].hard ?? effortBase;
  const easyEffort = EFFORT[sport].easy ?? effortBase;
  const hilliness = rng.float(8, 45) * (profile.home.elevationMeters > 400 ? 2 : 1);
  const routeSeed = ["activity", day, plan.index, "route"] as const;
  const makeRoute = (total: number) => loopRoute(rngFor(profile.userId, ...routeSeed), profile.home, total, hilliness);
  // Grades for the speed model come from a route sized by the expected distance; the final track is
  // rebuilt below for the distance actually covered, so it closes exactly.
  const draftRoute = outdoor ? makeRoute(speedBase * movingSeconds) : null;
  const warmup = sport === "walk" ? 120 : sport === "strength" ? 300 : 480;
  const cooldownFrom = sport === "walk" ? movingSeconds : movingSeconds - 300;
  const onSeconds = sport === "ride" || sport === "indoor_ride" ? 300 : sport === "swim" ? 120 : 180;
  const offSeconds = sport === "ride" || sport === "indoor_ride" ? 180 : 90;
  const wavePhase = rng.float(0, 2 * Math.PI);
  const swimSpeedFactor = rng.float(0.97, 1.03);

  const count = movingSeconds / DT + 1;
  const elapsed: number[] = new Array(count);
  const timer: number[] = new Array(count);
  const heartRate: number[] = new Array(count);
  const distance: number[] = new Array(count);
  const speed: number[] = new Array(count);
  const cadence: number[] = new Array(count);
  const watts: number[] = new Array(count);
  const kcal: number[] = new Array(count);

  let hr = profile.restingHr + 22;
  let wander = 0;
  let meters = 0;
  let energy = 0;
  let previousSpeed = speedBase * 0.8;
  for (let i = 0; i < count; i++) {
    const t = i * DT;
    let target = effortBase;
    if (style === "intervals" && t >= warmup && t < cooldownFrom) {
      target = (t - warmup) % (onSeconds + offSeconds) < onSeconds ? hardEffort : easyEffort;
    } else if (style === "sets") {
      target = t % 120 < 45 ? effortBase : easyEffort;
    }
    wander = 0.85 * wander + rng.normal(0, 0.012);
    let effort = target * (0.7 + 0.3 * Math.min(1, t / warmup)) + 0.03 * Math.sin((2 * Math.PI * t) / 700 + wavePhase) + wander;
    if (t > cooldownFrom) effort *= 0.85;
    effort = clamp(effort, 0.15, 1.05);

    const grade = draftRoute ? (draftRoute.elevation(meters + 25) - draftRoute.elevation(meters)) / 25 : 0;
    let v = 0;
    let power = 0;
    let cad = 0;
    switch (sport) {
      case "run":
        v = speedBase * (effort / 0.6) ** 0.7 * (1 - 3 * grade);
        cad = 160 + 16 * effort + rng.normal(0, 1.5);
        break;
      case "walk":
        v = speedBase * (1 - 2 * grade) * (0.95 + 0.1 * rng.next());
        cad = 98 + 25 * effort + rng.normal(0, 2);
        break;
      case "swim":
        v = speedBase * swimSpeedFactor * (effort / 0.58) ** 0.5;
        cad = 22 + 12 * effort + rng.normal(0, 1);
        break;
      case "ride":
      case "indoor_ride": {
        power = profile.ftpWatts * (0.15 + 0.9 * effort) * (1 + rng.normal(0, 0.06));
        const coasting = outdoor && grade < -0.025 && rng.chance(0.6);
        if (coasting) {
          power = 0;
          v = speedBase * (1 + 8 * Math.abs(grade));
        } else {
          v = speedBase * (power / (profile.ftpWatts * 0.65)) ** (1 / 3) * (1 - 6 * grade);
          cad = 76 + 16 * effort + rng.normal(0, 2.5);
        }
        break;
      }
      case "strength":
        break;
    }
    if (moves) {
      v = clamp(0.6 * previousSpeed + 0.4 * (v + rng.normal(0, 0.03 * speedBase)), 0.4 * speedBase, sport === "ride" ? 17 : 2 * speedBase);
      previousSpeed = v;
    }

    const hrTarget = profile.restingHr + (profile.maxHr - profile.restingHr) * (0.2 + 0.75 * effort) + (4 * t) / 3600;
    hr += (hrTarget - hr) * (1 - Math.exp(-DT / 30));
    const bpm = Math.round(clamp(hr + rng.normal(0, 1.2), 40, Math.min(200, profile.maxHr)));

    elapsed[i] = plan.pauseAtSeconds !== null && t > plan.pauseAtSeconds ? t + plan.pauseSeconds : t;
    timer[i] = t;
    heartRate[i] = bpm;
    distance[i] = meters;
    speed[i] = v;
    cadence[i] = Math.max(0, cad);
    watts[i] = Math.max(0, power);
    kcal[i] = energy;
    if (i < count - 1) {
      meters += v * DT;
      const perMinute =
        sport === "ride" || sport === "indoor_ride"
          ? Math.max(1.5, (power * 60) / 1000) // 1 kJ of work ≈ 1 kcal burned at ~24 % efficiency
          : sport === "walk"
            ? walkingKcalPerMinute(v, weightKg) // Keytel overestimates at walking heart rates
            : keytelKcalPerMinute(profile.sex, bpm, weightKg, age);
      energy += (perMinute * DT) / 60;
    }
  }

  let altitude: number[] | null = null;
  let latlng: LatLng[] | null = null;
  const route = outdoor ? makeRoute(meters) : null;
  if (route) {
    altitude = new Array(count);
    latlng = new Array(count);
    const gpsNoise = 2.5 / 111_320;
    for (let i = 0; i < count; i++) {
      const d = distance[i] ?? 0;
      const [lat, lng] = route.position(d);
      latlng[i] = [lat + rng.normal(0, gpsNoise), lng + rng.normal(0, gpsNoise)];
      altitude[i] = route.elevation(d);
    }
  }

  const hasPower = sport === "ride" || sport === "indoor_ride";
  return {
    elapsed,
    timer,
    heartRate,
    distance: moves ? distance : null,
    speed: moves ? speed : null,
    cadence: sport === "strength" ? null : cadence,
    watts: hasPower ? watts : null,
    altitude,
    latlng,
    kcal,
    route,
  };
}
