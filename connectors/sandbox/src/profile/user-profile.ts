import type { SandboxDevice } from "../provider/records.ts";
import type { SandboxSport } from "../provider/sport.ts";
import { hashSeed, rngFor } from "../random/prng.ts";
import { stableShortId } from "../random/stable-id.ts";
import { dayNumberOfIsoDate } from "../time/local-time.ts";
import { HOME_CITIES, type HomeCity } from "./home-cities.ts";
import { FEMALE_FIRST_NAMES, LAST_NAMES, MALE_FIRST_NAMES } from "./names.ts";

export type Sex = "female" | "male";

/**
 * Everything fixed about one sandbox user, derived from the user id alone: who they are, where they live,
 * their physiology and habits. The per-day generators read it so a user's data stays coherent (same home,
 * same resting heart rate, same cycle) across every data type and every day.
 */
export interface SandboxProfile {
  userId: string;
  providerUserId: string;
  firstName: string;
  lastName: string;
  email: string;
  sex: Sex;
  birthDay: number;
  accountCreatedDay: number;
  bio: string;
  home: HomeCity;
  offsetMinutes: number;
  heightCm: number;
  baseWeightKg: number;
  /** Weight drifts slowly along a sine of this amplitude and period, so each day is computable alone. */
  weightSwingKg: number;
  weightPeriodDays: number;
  weightPhase: number;
  bodyFatPercent: number;
  restingHr: number;
  maxHr: number;
  hrvBaselineMs: number;
  respirationRate: number;
  spo2Baseline: number;
  vo2max: number;
  ftpWatts: number;
  /** Easy-effort speeds in m/s. */
  runSpeed: number;
  rideSpeed: number;
  walkSpeed: number;
  swimSpeed: number;
  sportWeights: ReadonlyArray<readonly [SandboxSport, number]>;
  trainingDaysPerWeek: number;
  doubleDayRate: number;
  stepsBaseline: number;
  sleepNeedMinutes: number;
  /** Usual bedtime in minutes after local midnight of the evening's day (may exceed 1440). */
  bedtimeMinutes: number;
  napRate: number;
  snorer: boolean;
  stressBaseline: number;
  weighInRate: number;
  bloodPressureRate: number;
  systolicBaseline: number;
  diastolicBaseline: number;
  usesCgm: boolean;
  fastingGlucose: number;
  nutritionLogRate: number;
  cycleLengthDays: number;
  periodLengthDays: number;
  cycleAnchorDay: number;
  watch: SandboxDevice;
  bikeComputer: SandboxDevice | null;
  scale: SandboxDevice;
}

/** Ages are fixed against this date so a profile never depends on the clock. */
const AGE_REFERENCE_DAY = dayNumberOfIsoDate("2026-01-01");

const WATCHES = ["Pulse 2", "Stride 5", "Trek Pro", "Vital S"] as const;
const BIOS = [
  "Chasing a sub-4 marathon.",
  "Weekend long rides, weekday lifting.",
  "Early mornings, strong coffee.",
  "Returning to running after a knee injury.",
  "Commuter cyclist and occasional triathlete.",
  "",
] as const;

function device(name: string, userId: string, kind: string, softwareVersion: string): SandboxDevice {
  return {
    model: name,
    maker: "Sandbox Devices",
    serial: stableShortId(kind, userId)
      .slice(kind.length + 1)
      .toUpperCase(),
    hardwareRevision: "B2",
    firmware: softwareVersion,
  };
}

function buildProfile(userId: string): SandboxProfile {
  const rng = rngFor(userId, "profile");
  const sex: Sex = rng.chance(0.5) ? "female" : "male";
  const firstName = rng.pick(sex === "female" ? FEMALE_FIRST_NAMES : MALE_FIRST_NAMES);
  const lastName = rng.pick(LAST_NAMES);
  const age = rng.int(22, 58);
  const birthDay = AGE_REFERENCE_DAY - Math.round(age * 365.25) - rng.int(0, 364);
  const home = rng.pick(HOME_CITIES);
  const heightCm = Math.round(rng.normal(sex === "female" ? 165 : 178, 6.5) * 10) / 10;
  const bmi = rng.float(19.5, 27);
  const baseWeightKg = Math.round(bmi * (heightCm / 100) ** 2 * 10) / 10;
  const fitness = rng.next(); // 0 = casual, 1 = very fit; several traits follow it
  const primary = rng.weighted<SandboxSport>([
    ["run", 4],
    ["ride", 3],
    ["indoor_ride", 1],
    ["swim", 1],
    ["strength", 1.5],
    ["walk", 1.5],
  ]);
  const sportWeights: Array<readonly [SandboxSport, number]> = (["run", "ride", "indoor_ride", "walk", "swim", "strength"] as const).map(
    (sport) => [sport, sport === primary ? 6 : rng.float(0.3, 2)] as const,
  );
  const hasBikeComputer = primary === "ride" || rng.chance(0.3);
  const software = `${rng.int(3, 6)}.${rng.int(0, 20)}.${rng.int(0, 9)}`;

  return {
    userId,
    providerUserId: stableShortId("sbx", userId),
    firstName,
    lastName,
    email: `${firstName}.${lastName}${rng.int(1, 99)}@example.com`.toLowerCase(),
    sex,
    birthDay,
    accountCreatedDay: AGE_REFERENCE_DAY - rng.int(120, 2500),
    bio: rng.pick(BIOS),
    home,
    offsetMinutes: home.offsetMinutes,
    heightCm,
    baseWeightKg,
    weightSwingKg: rng.float(0.4, 2.5),
    weightPeriodDays: rng.int(40, 120),
    weightPhase: rng.float(0, 2 * Math.PI),
    bodyFatPercent: Math.round((sex === "female" ? 24 : 16) + (bmi - 22) * 1.2 - fitness * 5 + rng.normal(0, 2)),
    restingHr: Math.round(66 - fitness * 18 + rng.normal(0, 3)),
    maxHr: Math.round(208 - 0.7 * age + rng.int(-5, 5)),
    hrvBaselineMs: Math.round(rng.float(30, 55) + fitness * 35),
    respirationRate: Math.round(rng.float(12, 16) * 10) / 10,
    spo2Baseline: Math.round(rng.float(95.5, 97.8) * 10) / 10,
    vo2max: Math.round((sex === "female" ? 33 : 38) + fitness * 20 - (age - 30) * 0.2),
    ftpWatts: Math.round(baseWeightKg * (2.2 + fitness * 2)),
    runSpeed: 2.5 + fitness * 1.1 + rng.normal(0, 0.1),
    rideSpeed: 6.3 + fitness * 2.4 + rng.normal(0, 0.2),
    walkSpeed: rng.float(1.25, 1.55),
    swimSpeed: 0.75 + fitness * 0.45,
    sportWeights,
    trainingDaysPerWeek: 2.5 + fitness * 3.5,
    doubleDayRate: rng.float(0.05, 0.25),
    stepsBaseline: rng.int(3500, 8500),
    sleepNeedMinutes: rng.int(410, 490),
    bedtimeMinutes: Math.round(rng.normal(23 * 60, 35)),
    napRate: rng.float(0.01, 0.1),
    snorer: rng.chance(0.3),
    stressBaseline: rng.int(20, 42),
    weighInRate: rng.chance(0.7) ? rng.float(0.6, 0.95) : rng.float(0.1, 0.25),
    bloodPressureRate: rng.chance(0.4) ? rng.float(0.3, 0.8) : 0,
    systolicBaseline: rng.int(108, 134),
    diastolicBaseline: rng.int(68, 86),
    usesCgm: rng.chance(0.3),
    fastingGlucose: rng.int(82, 102),
    nutritionLogRate: rng.float(0.6, 0.97),
    cycleLengthDays: rng.int(25, 33),
    periodLengthDays: rng.int(3, 6),
    cycleAnchorDay: rng.int(0, 40),
    watch: device(`Sandbox ${rng.pick(WATCHES)}`, userId, "watch", software),
    bikeComputer: hasBikeComputer ? device("Sandbox Edge 540", userId, "bike", `2.${rng.int(10, 40)}`) : null,
    scale: device("Sandbox Body+ Scale", userId, "scale", "1.4.2"),
  };
}

const cache = new Map<string, SandboxProfile>();
const CACHE_LIMIT = 10_000;

/** The sandbox user behind a Tributary user id (memoised: the daily generator asks for it many times). */
export function sandboxProfile(userId: string): SandboxProfile {
  let profile = cache.get(userId);
  if (!profile) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    profile = buildProfile(userId);
    cache.set(userId, profile);
  }
  return profile;
}

/** Age in whole years on a given day. */
export function ageOnDay(profile: SandboxProfile, day: number): number {
  const birth = new Date(profile.birthDay * 86_400_000);
  const on = new Date(day * 86_400_000);
  let age = on.getUTCFullYear() - birth.getUTCFullYear();
  const beforeBirthday = on.getUTCMonth() < birth.getUTCMonth() || (on.getUTCMonth() === birth.getUTCMonth() && on.getUTCDate() < birth.getUTCDate());
  if (beforeBirthday) age -= 1;
  return age;
}

/**
 * Every third day (at a per-user phase) the user reliably trains, weighs in and logs food, on top of their
 * random habits. Realistic enough, and it means any window of a few days has every data type — demos and
 * end-to-end tests of a fresh sandbox user depend on that.
 */
export function isRoutineDay(profile: SandboxProfile, day: number): boolean {
  return (((day - (hashSeed(profile.userId, "routine") % 3)) % 3) + 3) % 3 === 0;
}

/** Mifflin–St Jeor basal metabolic rate, kcal/day. */
export function basalMetabolicRate(profile: SandboxProfile, weightKg: number, day: number): number {
  const base = 10 * weightKg + 6.25 * profile.heightCm - 5 * ageOnDay(profile, day);
  return base + (profile.sex === "male" ? 5 : -161);
}

/** Body weight on a day: a slow seeded oscillation around the base weight. */
export function weightOnDay(profile: SandboxProfile, day: number): number {
  return profile.baseWeightKg + profile.weightSwingKg * Math.sin((2 * Math.PI * day) / profile.weightPeriodDays + profile.weightPhase);
}
