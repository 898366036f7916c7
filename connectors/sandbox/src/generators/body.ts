import type { DateRange } from "@tributary/core/contracts";
import { basalMetabolicRate, isRoutineDay, sandboxProfile, weightOnDay, type SandboxProfile } from "../profile/user-profile.ts";
import type { SandboxBodyDay, SandboxDevice, SandboxGlucoseTrend, SandboxMeasure, SandboxMeasureGroup } from "../provider/records.ts";
import { rngFor, type Rng } from "../random/prng.ts";
import { stableShortId } from "../random/stable-id.ts";
import { isoDate, localDaysOverlapping, localMidnightMs } from "../time/local-time.ts";
import type { GenerateOptions } from "./generate-options.ts";
import { mealsEaten, scaledNutrients, type EatenFood } from "./nutrition.ts";
import { clamp } from "../numbers.ts";

const GLUCOSE_INTERVAL_MINUTES = 15;

/** Withings-style fixed-point: `value × 10^unit`. */
const measure = (type: SandboxMeasure["type"], amount: number, unit: number): SandboxMeasure => ({
  type,
  value: Math.round(amount / 10 ** unit),
  unit,
});

function sideDevice(profile: SandboxProfile, model: string, kind: string): SandboxDevice {
  return {
    ...profile.scale,
    model,
    serial: stableShortId(kind, profile.userId)
      .slice(kind.length + 1)
      .toUpperCase(),
    firmware: "2.1.0",
  };
}

function weighIn(profile: SandboxProfile, day: number, rng: Rng, midnightSeconds: number): SandboxMeasureGroup {
  const weight = weightOnDay(profile, day) + rng.normal(0, 0.25);
  const fatRatio = clamp(profile.bodyFatPercent + (weight - profile.baseWeightKg) * 0.3 + rng.normal(0, 0.4), 5, 50);
  const fatFree = weight * (1 - fatRatio / 100);
  const bmi = weight / (profile.heightCm / 100) ** 2;
  return {
    groupId: stableShortId("grp", profile.userId, day, "scale"),
    takenAt: midnightSeconds + rng.int(6 * 3600 + 1800, 8 * 3600 + 1800),
    source: "scale",
    measures: [
      measure("weight", weight, -3),
      measure("height", profile.heightCm / 100, -3),
      measure("fat_ratio", fatRatio, -1),
      measure("fat_free_mass", fatFree, -3),
      measure("muscle_mass", fatFree * 0.9, -3),
      measure("bone_mass", fatFree * 0.05, -3),
      measure("hydration", fatFree * 0.73, -3),
      measure("basal_metabolic_rate", basalMetabolicRate(profile, weight, day), 0),
      measure("visceral_fat", clamp(Math.round(1 + (bmi - 18) * 0.8 + (profile.sex === "male" ? 2 : 0)), 1, 30), 0),
    ],
  };
}

function bloodPressure(profile: SandboxProfile, day: number, rng: Rng, takenAt: number, label: string): SandboxMeasureGroup {
  const evening = label === "evening" ? 3 : 0;
  return {
    groupId: stableShortId("grp", profile.userId, day, label),
    takenAt,
    source: "bp_monitor",
    measures: [
      measure("systolic", profile.systolicBaseline + evening + rng.normal(0, 6), 0),
      measure("diastolic", profile.diastolicBaseline + rng.normal(0, 4), 0),
      measure("heart_pulse", profile.restingHr + 6 + rng.normal(0, 3), 0),
    ],
  };
}

/** Blood-glucose rise after a meal: peaks ~45 min later, back near baseline after ~3 h. */
function mealResponse(minutesSince: number): number {
  if (minutesSince < 0) return 0;
  const x = minutesSince / 45;
  return x * Math.exp(1 - x);
}

function glucoseCurve(profile: SandboxProfile, meals: readonly EatenFood[]) {
  const bumps = meals.map((m) => ({ at: m.at, height: Math.min(80, scaledNutrients(m.food, m.servings).carbsG * 0.6) }));
  return (unixSeconds: number, localMinute: number): number => {
    let value = profile.fastingGlucose;
    // Dawn phenomenon: a small early-morning rise.
    if (localMinute >= 240 && localMinute < 480) value += 8 * Math.sin((Math.PI * (localMinute - 240)) / 240);
    for (const bump of bumps) value += bump.height * mealResponse((unixSeconds - bump.at) / 60);
    return value;
  };
}

function trendOf(slopePerMinute: number): SandboxGlucoseTrend {
  if (slopePerMinute <= -2) return "falling_fast";
  if (slopePerMinute <= -1) return "falling";
  if (slopePerMinute < 1) return "steady";
  if (slopePerMinute < 2) return "rising";
  return "rising_fast";
}

function glucoseDay(profile: SandboxProfile, day: number, rng: Rng, midnightSeconds: number, withSamples: boolean): SandboxBodyDay["glucose"] {
  // Last night's dinner and snacks still shape the small hours.
  const meals = [...mealsEaten(profile, day - 1).filter((m) => m.at > midnightSeconds - 6 * 3600), ...mealsEaten(profile, day)];
  const curve = glucoseCurve(profile, meals);
  const readings: NonNullable<NonNullable<SandboxBodyDay["glucose"]>["readings"]> = [];
  let wander = 0;
  let sum = 0;
  let inRange = 0;
  const count = (24 * 60) / GLUCOSE_INTERVAL_MINUTES;
  for (let k = 0; k < count; k++) {
    const minute = k * GLUCOSE_INTERVAL_MINUTES + 2; // sensors rarely read on the exact minute
    const at = midnightSeconds + minute * 60;
    wander = 0.8 * wander + rng.normal(0, 2);
    const mgDl = Math.round(clamp(curve(at, minute) + wander, 55, 250));
    const slope = (curve(at + 300, minute + 5) - curve(at - 300, minute - 5)) / 10;
    sum += mgDl;
    if (mgDl >= 70 && mgDl <= 180) inRange++;
    readings.push({ at, mgDl, trend: trendOf(slope) });
  }
  return {
    avgMgDl: Math.round((sum / count) * 10) / 10,
    timeInRangePercent: Math.round((inRange / count) * 1000) / 10,
    ...(withSamples ? { readings } : {}),
  };
}

/**
 * A day of body measurements: a morning weigh-in (most days for habitual weighers, at least every third
 * day for everyone), blood pressure for users who track it, and a continuous glucose trace for CGM
 * wearers. Days with nothing measured yield no record.
 */
export function bodyForDay(userId: string, day: number, options: GenerateOptions = {}): SandboxBodyDay | null {
  const profile = sandboxProfile(userId);
  const rng = rngFor(userId, "body", day);
  const midnightSeconds = localMidnightMs(day, profile.offsetMinutes) / 1000;
  const groups: SandboxMeasureGroup[] = [];
  const devices: SandboxDevice[] = [];

  if (rng.chance(profile.weighInRate) || isRoutineDay(profile, day)) {
    groups.push(weighIn(profile, day, rng, midnightSeconds));
    devices.push(profile.scale);
  }
  if (rng.chance(profile.bloodPressureRate)) {
    groups.push(bloodPressure(profile, day, rng, midnightSeconds + rng.int(7 * 3600, 9 * 3600), "morning"));
    if (rng.chance(0.4)) groups.push(bloodPressure(profile, day, rng, midnightSeconds + rng.int(19 * 3600, 21 * 3600), "evening"));
    devices.push(sideDevice(profile, "Sandbox BPM Connect", "bpm"));
  }
  const glucose = profile.usesCgm ? glucoseDay(profile, day, rngFor(userId, "body", day, "glucose"), midnightSeconds, options.withSamples ?? false) : null;
  if (glucose) devices.push(sideDevice(profile, "Sandbox Glucose Sensor 3", "cgm"));
  if (groups.length === 0 && !glucose) return null;
  groups.sort((a, b) => a.takenAt - b.takenAt);
  return { calendarDate: isoDate(day), athleteId: profile.providerUserId, utcOffsetMinutes: profile.offsetMinutes, measureGroups: groups, glucose, devices };
}

/** Body records for every local day the range touches that has measurements. */
export function* generateBodies(userId: string, range: DateRange, options: GenerateOptions = {}): Generator<SandboxBodyDay> {
  const { offsetMinutes } = sandboxProfile(userId);
  for (const day of localDaysOverlapping(range, offsetMinutes)) {
    const body = bodyForDay(userId, day, options);
    if (body) yield body;
  }
}
