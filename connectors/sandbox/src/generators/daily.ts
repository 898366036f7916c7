import type { DateRange } from "@tributary/core/contracts";
import { basalMetabolicRate, sandboxProfile, weightOnDay } from "../profile/user-profile.ts";
import type { SandboxDailySummary, SandboxSleep, SandboxWorkout } from "../provider/records.ts";
import { rngFor } from "../random/prng.ts";
import { isoDate, isWeekend, localDaysOverlapping, localMidnightMs } from "../time/local-time.ts";
import { workoutsForDay } from "./activity.ts";
import type { GenerateOptions } from "./generate-options.ts";
import { nightBefore, sleepsForDay } from "./sleep.ts";
import { clamp, round } from "../numbers.ts";

const BUCKET_MINUTES = 15;
const BUCKET_SECONDS = BUCKET_MINUTES * 60;
const BUCKETS = (24 * 60) / BUCKET_MINUTES;

/** Share of each quarter-hour bucket covered by [from, to) (unix seconds). */
function coverage(midnightSeconds: number, from: number, to: number): Float64Array {
  const share = new Float64Array(BUCKETS);
  const first = Math.max(0, Math.floor((from - midnightSeconds) / BUCKET_SECONDS));
  const last = Math.min(BUCKETS - 1, Math.floor((to - 1 - midnightSeconds) / BUCKET_SECONDS));
  for (let j = first; j <= last; j++) {
    const bucketStart = midnightSeconds + j * BUCKET_SECONDS;
    const overlap = Math.min(to, bucketStart + BUCKET_SECONDS) - Math.max(from, bucketStart);
    if (overlap > 0) share[j] = overlap / BUCKET_SECONDS;
  }
  return share;
}

/** How busy an awake, non-exercising person is by hour: commute, lunch, evening errands. */
function stepShape(hour: number): number {
  if (hour < 6) return 0.05;
  if (hour >= 7 && hour < 9) return 1.5;
  if (hour >= 12 && hour < 13) return 1.2;
  if (hour >= 17 && hour < 19) return 1.4;
  if (hour >= 22) return 0.2;
  return 0.6;
}

const TAGS: ReadonlyArray<readonly [string, string]> = [
  ["alcohol", "Two glasses of wine"],
  ["late_caffeine", "Espresso after 4 pm"],
  ["hot_shower", ""],
  ["meditation", "10 minutes before bed"],
  ["travel", "Work trip"],
];

/**
 * One local day's running totals. Built around the user's workouts and sleep for that day (the same
 * generators, so numbers agree across data types): steps and calories include the workouts, the
 * quarter-hours spent asleep show low heart rate and charge the body battery.
 */
export function dailyForDay(userId: string, day: number, options: GenerateOptions = {}): SandboxDailySummary {
  const profile = sandboxProfile(userId);
  const rng = rngFor(userId, "daily", day);
  const midnightSeconds = localMidnightMs(day, profile.offsetMinutes) / 1000;
  const weekend = isWeekend(day);
  const workouts: SandboxWorkout[] = workoutsForDay(userId, day);
  const lastNight = nightBefore(userId, day);
  const sleeps: SandboxSleep[] = [lastNight, ...sleepsForDay(userId, day)];

  const asleep = new Float64Array(BUCKETS);
  const sleepHr = new Float64Array(BUCKETS);
  for (const sleep of sleeps) {
    const share = coverage(midnightSeconds, sleep.bedtimeStart, sleep.bedtimeEnd);
    for (let j = 0; j < BUCKETS; j++) {
      const s = share[j] ?? 0;
      if (s > 0) {
        asleep[j] = (asleep[j] ?? 0) + s;
        sleepHr[j] = sleep.heartRate.avg;
      }
    }
  }
  const exercising = new Float64Array(BUCKETS);
  const workoutSteps = new Float64Array(BUCKETS);
  const workoutHr = new Float64Array(BUCKETS);
  const workoutLoad = new Float64Array(BUCKETS);
  for (const workout of workouts) {
    const share = coverage(midnightSeconds, workout.startedAt, workout.startedAt + workout.elapsedSeconds);
    const intensity = (workout.heartRate.avg - profile.restingHr) / (profile.maxHr - profile.restingHr);
    const bucketsCovered = share.reduce((sum, s) => sum + s, 0) || 1;
    for (let j = 0; j < BUCKETS; j++) {
      const s = share[j] ?? 0;
      if (s === 0) continue;
      exercising[j] = (exercising[j] ?? 0) + s;
      workoutSteps[j] = (workoutSteps[j] ?? 0) + ((workout.steps ?? 0) * s) / bucketsCovered;
      workoutHr[j] = workout.heartRate.avg;
      workoutLoad[j] = intensity;
    }
  }

  const stepsTarget = profile.stepsBaseline * (weekend ? rng.float(0.7, 1.3) : rng.float(0.85, 1.15));
  const idle = new Float64Array(BUCKETS);
  const weights = new Float64Array(BUCKETS);
  let weightSum = 0;
  for (let j = 0; j < BUCKETS; j++) {
    idle[j] = Math.max(0, 1 - (asleep[j] ?? 0) - (exercising[j] ?? 0));
    weights[j] = stepShape(Math.floor((j * BUCKET_MINUTES) / 60)) * (idle[j] ?? 0) * Math.exp(rng.normal(0, 0.5));
    weightSum += weights[j] ?? 0;
  }

  const steps: number[] = new Array(BUCKETS);
  const heartRate: Array<number | null> = new Array(BUCKETS);
  const stress: Array<number | null> = new Array(BUCKETS);
  const bodyBattery: number[] = new Array(BUCKETS);
  const inWorkout: boolean[] = new Array(BUCKETS);
  const stressSeconds = { rest: 0, low: 0, medium: 0, high: 0, activity: 0 };
  let idleSteps = 0;
  let lightIdleMinutes = 0;
  let battery = clamp(20 + 0.8 * lastNight.sleepScore, 5, 100);
  // Start the day below the wake-up level by whatever the rest of the night will charge.
  for (let j = 0; j < BUCKETS && (asleep[j] ?? 0) > 0; j++) battery -= 2.5 * (asleep[j] ?? 0);
  battery = clamp(battery, 5, 100);

  for (let j = 0; j < BUCKETS; j++) {
    const hour = Math.floor((j * BUCKET_MINUTES) / 60);
    const idleShare = idle[j] ?? 0;
    const sleepShare = asleep[j] ?? 0;
    const workoutShare = exercising[j] ?? 0;
    const bucketIdleSteps = weightSum > 0 ? (stepsTarget * (weights[j] ?? 0)) / weightSum : 0;
    idleSteps += bucketIdleSteps;
    lightIdleMinutes += Math.min(idleShare * BUCKET_MINUTES, bucketIdleSteps / 100);
    steps[j] = Math.round(bucketIdleSteps + (workoutSteps[j] ?? 0));

    const idleHr = profile.restingHr + 12 + 10 * Math.min(1, bucketIdleSteps / 600) + rng.normal(0, 3);
    const hr =
      (sleepShare * (sleepHr[j] ?? 0) + workoutShare * (workoutHr[j] ?? 0) + idleShare * idleHr) / Math.max(1e-9, sleepShare + workoutShare + idleShare);
    heartRate[j] = Math.round(clamp(hr, 40, 200));
    inWorkout[j] = workoutShare >= 0.5;

    let level: number | null;
    if (workoutShare >= 0.5)
      level = null; // devices do not score stress while exercising
    else if (sleepShare >= 0.5) level = Math.round(clamp(rng.normal(12, 4), 1, 25));
    else level = Math.round(clamp(rng.normal(profile.stressBaseline + (!weekend && hour >= 9 && hour < 18 ? 10 : 0), 12), 1, 99));
    stress[j] = level;
    stressSeconds.activity += workoutShare * BUCKET_SECONDS;
    if (level !== null) {
      const key = level <= 25 ? "rest" : level <= 50 ? "low" : level <= 75 ? "medium" : "high";
      stressSeconds[key] += BUCKET_SECONDS;
    }

    battery += 2.5 * sleepShare - (3 + 5 * (workoutLoad[j] ?? 0)) * workoutShare - (0.4 + (level ?? 30) / 100) * idleShare;
    battery = clamp(battery, 5, 100);
    bodyBattery[j] = Math.round(battery);
  }

  const weightKg = weightOnDay(profile, day);
  const bmr = basalMetabolicRate(profile, weightKg, day);
  const activityCalories = (idleSteps * 0.04 * weightKg) / 70 + workouts.reduce((sum, w) => sum + w.calories, 0);
  const caloriesOut = bmr + activityCalories;
  const asleepMinutes = asleep.reduce((sum, s) => sum + s * BUCKET_MINUTES, 0);
  const lightlyActive = Math.round(lightIdleMinutes + workouts.reduce((sum, w) => sum + w.intensityMinutes.low, 0));
  const fairlyActive = Math.round(workouts.reduce((sum, w) => sum + w.intensityMinutes.moderate, 0));
  const veryActive = Math.round(workouts.reduce((sum, w) => sum + w.intensityMinutes.vigorous, 0));
  const totalSteps = steps.reduce((sum, s) => sum + s, 0);
  const strideMeters = (profile.heightCm * 0.415) / 100;
  const onFootMeters = workouts.reduce((sum, w) => sum + (w.sport === "run" || w.sport === "walk" ? (w.distanceMeters ?? 0) : 0), 0);
  const measuredStress = stress.filter((s): s is number => s !== null);
  const hrValues = heartRate.filter((h): h is number => h !== null);

  let inactivePeriods = 0;
  let run = 0;
  for (let j = 0; j < BUCKETS; j++) {
    run = (idle[j] ?? 0) > 0.9 && (steps[j] ?? 0) < 60 ? run + 1 : 0;
    if (run === 4) inactivePeriods++; // an hour without moving
  }

  const tags: SandboxDailySummary["tags"] = [];
  if (rng.chance(0.12)) {
    const [label, note] = rng.pick(TAGS);
    tags.push({ at: midnightSeconds + rng.int(19 * 3600, 22 * 3600), label, note });
  }

  const summary: SandboxDailySummary = {
    calendarDate: isoDate(day),
    athleteId: profile.providerUserId,
    utcOffsetMinutes: profile.offsetMinutes,
    steps: totalSteps,
    distanceKm: round((idleSteps * strideMeters + onFootMeters) / 1000, 3),
    floorsClimbed: rng.int(2, 16),
    // Rounded parts first, so the total is exactly their sum.
    caloriesOut: Math.round(bmr) + Math.round(activityCalories),
    caloriesBmr: Math.round(bmr),
    activityCalories: Math.round(activityCalories),
    minutes: {
      asleep: Math.round(asleepMinutes),
      sedentary: Math.max(0, 1440 - Math.round(asleepMinutes) - lightlyActive - fairlyActive - veryActive),
      lightlyActive,
      fairlyActive,
      veryActive,
    },
    inactivePeriods,
    heartRate: {
      avg: round(hrValues.reduce((sum, h) => sum + h, 0) / hrValues.length, 1),
      min: Math.min(...hrValues, lastNight.heartRate.lowest),
      max: Math.max(...hrValues, ...workouts.map((w) => w.heartRate.max)),
      resting: Math.round(profile.restingHr + rng.normal(0, 1.2) + (lastNight.sleepScore < 60 ? 2 : 0)),
    },
    stress: {
      avg: Math.round(measuredStress.reduce((sum, s) => sum + s, 0) / Math.max(1, measuredStress.length)),
      max: Math.max(0, ...measuredStress),
      restSeconds: stressSeconds.rest,
      lowSeconds: stressSeconds.low,
      mediumSeconds: stressSeconds.medium,
      highSeconds: stressSeconds.high,
      activitySeconds: Math.round(stressSeconds.activity),
    },
    avgMet: round(caloriesOut / (weightKg * 24), 2),
    avgSpo2: lastNight.avgSpo2,
    vo2max: profile.vo2max,
    scores: {
      activity: Math.round(clamp(50 * Math.min(1.2, totalSteps / 8000) + 40 * Math.min(1, (fairlyActive + veryActive) / 45), 0, 100)),
      recovery: lastNight.readinessScore,
      sleep: lastNight.sleepScore,
    },
    tags,
    device: profile.watch,
  };
  if (options.withSamples) {
    summary.intraday = { bucketMinutes: BUCKET_MINUTES, steps, heartRate, inWorkout, stress, bodyBattery };
  }
  return summary;
}

/** Daily summaries for every local day the range touches. */
export function* generateDailies(userId: string, range: DateRange, options: GenerateOptions = {}): Generator<SandboxDailySummary> {
  const { offsetMinutes } = sandboxProfile(userId);
  for (const day of localDaysOverlapping(range, offsetMinutes)) yield dailyForDay(userId, day, options);
}
