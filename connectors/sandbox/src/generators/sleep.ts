import type { DateRange } from "@tributary/core/contracts";
import { sandboxProfile, type SandboxProfile } from "../profile/user-profile.ts";
import type { SandboxSleep } from "../provider/records.ts";
import { rngFor, type Rng } from "../random/prng.ts";
import { stableUuid } from "../random/stable-id.ts";
import { dayOfWeek, inRange, isWeekend, localDayNumber, localMidnightMs } from "../time/local-time.ts";
import type { GenerateOptions } from "./generate-options.ts";
import { EPOCH_SECONDS, STAGE, napHypnogram, nightHypnogram } from "./hypnogram.ts";
import { clamp, round } from "../numbers.ts";

const HR_OFFSET: Record<string, number> = { [STAGE.deep]: -3, [STAGE.light]: 0, [STAGE.rem]: 3, [STAGE.awake]: 7 };
const HRV_FACTOR: Record<string, number> = { [STAGE.deep]: 1.25, [STAGE.light]: 1, [STAGE.rem]: 0.85, [STAGE.awake]: 0.7 };
const BREATH_OFFSET: Record<string, number> = { [STAGE.deep]: -0.5, [STAGE.light]: 0, [STAGE.rem]: 1, [STAGE.awake]: 1.2 };

function buildSleep(
  profile: SandboxProfile,
  day: number,
  kind: SandboxSleep["kind"],
  startMs: number,
  hypnogram: string,
  rng: Rng,
  withSamples: boolean,
): SandboxSleep {
  const epochs = hypnogram.length;
  const nightHr = profile.restingHr + rng.normal(0, 1.5);
  const nightHrv = profile.hrvBaselineMs * clamp(rng.normal(1, 0.1), 0.7, 1.3);
  const heartRate: number[] = new Array(epochs);
  const hrv: number[] = new Array(epochs);
  const breathing: number[] = new Array(epochs);
  const spo2: number[] = new Array(epochs);
  let asleep = 0;
  let deep = 0;
  let rem = 0;
  for (let i = 0; i < epochs; i++) {
    const stage = hypnogram[i] ?? STAGE.light;
    if (stage !== STAGE.awake) asleep++;
    if (stage === STAGE.deep) deep++;
    if (stage === STAGE.rem) rem++;
    const settling = 4 * Math.max(0, 1 - i / 12) - (2 * i) / epochs;
    heartRate[i] = Math.round(clamp(nightHr + settling + (HR_OFFSET[stage] ?? 0) + rng.normal(0, 1), 40, 120));
    hrv[i] = Math.round(clamp(nightHrv * (HRV_FACTOR[stage] ?? 1) * (1 + rng.normal(0, 0.08)), 8, 200));
    breathing[i] = round(clamp(profile.respirationRate + (BREATH_OFFSET[stage] ?? 0) + rng.normal(0, 0.3), 8, 25), 1);
    spo2[i] = round(clamp(profile.spo2Baseline + rng.normal(0, 0.6), 88, 100), 1);
  }
  const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);

  let snoringBouts: Array<[number, number]> = [];
  if (profile.snorer && kind === "long_sleep" && rng.chance(0.6)) {
    const count = rng.int(3, 25);
    for (let k = 0; k < count; k++) {
      let epoch = rng.int(0, epochs - 1);
      while (hypnogram[epoch] === STAGE.awake && epoch < epochs - 1) epoch++;
      snoringBouts.push([epoch * EPOCH_SECONDS + rng.int(0, 240), rng.int(15, 90)]);
    }
    snoringBouts = snoringBouts.sort((a, b) => a[0] - b[0]);
  }

  const asleepMinutes = (asleep * EPOCH_SECONDS) / 60;
  const efficiency = asleep / epochs;
  const durationScore = Math.min(1, asleepMinutes / profile.sleepNeedMinutes);
  const efficiencyScore = clamp((efficiency - 0.7) / 0.25, 0, 1);
  const stageScore = clamp((deep + rem) / Math.max(1, asleep) / 0.42, 0, 1);
  const sleepScore = kind === "nap" ? Math.round(40 + 30 * efficiencyScore) : Math.round(35 + 35 * durationScore + 15 * efficiencyScore + 14 * stageScore);
  const readiness = Math.round(
    clamp(0.6 * sleepScore + 40 * (nightHrv / profile.hrvBaselineMs) - 2 * (nightHr - profile.restingHr) - 10 + rng.normal(0, 3), 1, 100),
  );
  const startSeconds = Math.round(startMs / 1000);

  const sleep: SandboxSleep = {
    id: stableUuid(profile.userId, "sleep", day, kind),
    athleteId: profile.providerUserId,
    kind,
    bedtimeStart: startSeconds,
    bedtimeEnd: startSeconds + epochs * EPOCH_SECONDS,
    utcOffsetMinutes: profile.offsetMinutes,
    epochSeconds: EPOCH_SECONDS,
    hypnogram,
    heartRate: { avg: round(mean(heartRate), 1), lowest: Math.min(...heartRate), max: Math.max(...heartRate) },
    avgHrvRmssd: round(mean(hrv), 1),
    respiratoryRate: { avg: round(mean(breathing), 1), min: Math.min(...breathing), max: Math.max(...breathing) },
    avgSpo2: round(mean(spo2), 1),
    snoring: snoringBouts.length > 0 ? { events: snoringBouts.length, seconds: snoringBouts.reduce((sum, [, s]) => sum + s, 0) } : null,
    temperatureDeviation: round(rng.normal(0, 0.2), 2),
    sleepScore,
    readinessScore: readiness,
    device: profile.watch,
  };
  if (withSamples) {
    sleep.epochs = { heartRate, hrv, breathing, spo2 };
    if (snoringBouts.length > 0) sleep.snoringBouts = snoringBouts;
  }
  return sleep;
}

/**
 * Sleep seeded by the day it starts on: an occasional afternoon nap, then the night that begins that
 * evening (bedtime may fall after midnight). Returned in start order.
 */
export function sleepsForDay(userId: string, day: number, options: GenerateOptions = {}): SandboxSleep[] {
  const profile = sandboxProfile(userId);
  const withSamples = options.withSamples ?? false;
  const midnight = localMidnightMs(day, profile.offsetMinutes);
  const sleeps: SandboxSleep[] = [];

  const napRng = rngFor(userId, "sleep", day, "nap");
  if (napRng.chance(profile.napRate * (isWeekend(day) ? 2 : 1))) {
    const start = midnight + (napRng.int(13 * 60, 16 * 60) * 60 + napRng.int(0, 59)) * 1000;
    sleeps.push(buildSleep(profile, day, "nap", start, napHypnogram(napRng), napRng, withSamples));
  }

  const nightRng = rngFor(userId, "sleep", day, "night");
  const weekendNight = dayOfWeek(day) === 5 || dayOfWeek(day) === 6;
  const bedtime = clamp(profile.bedtimeMinutes + (weekendNight ? 40 : 0) + nightRng.normal(0, 20), 21 * 60, 26 * 60);
  const asleepMinutes = clamp(nightRng.normal(profile.sleepNeedMinutes - (weekendNight ? 0 : 15), 35), 300, 570);
  const start = midnight + (Math.round(bedtime) * 60 + nightRng.int(0, 59)) * 1000;
  const hypnogram = nightHypnogram(nightRng, Math.round(asleepMinutes / 5));
  sleeps.push(buildSleep(profile, day, "long_sleep", start, hypnogram, nightRng, withSamples));
  return sleeps;
}

/** The main sleep that ended on the morning of `day` (it started the evening before). */
export function nightBefore(userId: string, day: number): SandboxSleep {
  // The night is always generated, and always last.
  const sleeps = sleepsForDay(userId, day - 1);
  return sleeps[sleeps.length - 1] as SandboxSleep;
}

/** Sleep periods whose start falls in [range.start, range.end), in start order. */
export function* generateSleeps(userId: string, range: DateRange, options: GenerateOptions = {}): Generator<SandboxSleep> {
  const { offsetMinutes } = sandboxProfile(userId);
  // A night seeded on the previous day can start after midnight, inside the range.
  const first = localDayNumber(range.start.getTime(), offsetMinutes) - 1;
  const last = localDayNumber(range.end.getTime() - 1, offsetMinutes);
  for (let day = first; day <= last; day++) {
    for (const sleep of sleepsForDay(userId, day, options)) {
      if (inRange(sleep.bedtimeStart * 1000, range)) yield sleep;
    }
  }
}
