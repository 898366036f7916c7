import {
  ActivityType,
  GlucoseFlag,
  HeartRateContext,
  MealType,
  MenstruationFlow,
  MenstruationInterval,
  NutritionUnits,
  RecoveryLevel,
  SleepLevel,
  StressLevel,
  TrendArrow,
  type LapTriggerMethod,
} from "@tributary/schemas";
import type { SandboxCyclePhase, SandboxFlow, SandboxGlucoseTrend, SandboxLapTrigger, SandboxMeal, SandboxServingUnit } from "../provider/records.ts";
import type { SandboxSport } from "../provider/sport.ts";

/** The sandbox provider's vocabularies → Terra's integer (and a few string) enum codes. */

export const ACTIVITY_TYPE: Record<SandboxSport, ActivityType> = {
  run: ActivityType.code("Running"),
  ride: ActivityType.code("Biking"),
  indoor_ride: ActivityType.code("Stationary Biking"),
  walk: ActivityType.code("Walking"),
  swim: ActivityType.code("Swimming"),
  strength: ActivityType.code("Strength Training"),
};

export const LAP_TRIGGER: Record<SandboxLapTrigger, LapTriggerMethod> = {
  distance: "DISTANCE",
  time: "TIME",
  session_end: "SESSION_END",
  manual: "MANUAL",
};

/** Hypnogram characters (Oura style) → SleepLevel. */
export const SLEEP_LEVEL: Readonly<Record<string, SleepLevel>> = {
  "1": SleepLevel.code("Deep sleep"),
  "2": SleepLevel.code("Light sleep"),
  "3": SleepLevel.code("REM sleep"),
  "4": SleepLevel.code("Awake"),
};
export const UNKNOWN_SLEEP_LEVEL = SleepLevel.code("Unknown");

export const HR_CONTEXT_ACTIVE = HeartRateContext.code("Active");
export const HR_CONTEXT_NOT_ACTIVE = HeartRateContext.code("Not Active");

/** StressLevel bands: 1–25 rest, 26–50 low, 51–75 medium, 76–100 high. */
export function stressLevel(value: number): StressLevel {
  if (value <= 0) return StressLevel.code("Unknown");
  if (value <= 25) return StressLevel.code("Rest");
  if (value <= 50) return StressLevel.code("Low");
  if (value <= 75) return StressLevel.code("Medium");
  return StressLevel.code("High");
}

/** A 0–100 readiness score → RecoveryLevel. */
export function recoveryLevel(readiness: number): number {
  if (readiness >= 85) return RecoveryLevel.code("Very Good");
  if (readiness >= 70) return RecoveryLevel.code("Good");
  if (readiness >= 60) return RecoveryLevel.code("Ok");
  if (readiness >= 50) return RecoveryLevel.code("Compromised");
  if (readiness >= 40) return RecoveryLevel.code("Poor");
  return RecoveryLevel.code("Very Poor");
}

export const MEAL_TYPE: Record<SandboxMeal, MealType> = {
  breakfast: MealType.code("Breakfast"),
  morning_snack: MealType.code("Morning Snack"),
  lunch: MealType.code("Lunch"),
  afternoon_snack: MealType.code("Afternoon Snack"),
  dinner: MealType.code("Dinner"),
  snack: MealType.code("Snack"),
};

export const NUTRITION_UNIT: Record<SandboxServingUnit, NutritionUnits> = {
  g: NutritionUnits.code("Gram"),
  tsp: NutritionUnits.code("Teaspoon"),
  tbsp: NutritionUnits.code("Tablespoon"),
  cup: NutritionUnits.code("Cup"),
  egg_medium: NutritionUnits.code("Medium Egg"),
  egg_large: NutritionUnits.code("Large Egg"),
  egg_small: NutritionUnits.code("Small Egg"),
  ml: NutritionUnits.code("Milliliter"),
  oz: NutritionUnits.code("Ounce"),
  piece: NutritionUnits.code("Count"),
  scoop: NutritionUnits.code("Scoop"),
  fl_oz: NutritionUnits.code("Fluid Ounce"),
};
export const MILLILITER = NutritionUnits.code("Milliliter");

export const MENSTRUATION_PHASE: Record<SandboxCyclePhase, MenstruationInterval> = {
  menstrual: MenstruationInterval.code("Period"),
  follicular: MenstruationInterval.code("Follicular"),
  fertile: MenstruationInterval.code("Fertile Window"),
  ovulation: MenstruationInterval.code("Ovulation"),
  luteal: MenstruationInterval.code("Luteal"),
  premenstrual: MenstruationInterval.code("PMS"),
};

export const MENSTRUATION_FLOW: Record<SandboxFlow, MenstruationFlow> = {
  none: MenstruationFlow.code("None"),
  spotting: MenstruationFlow.code("Light"),
  light: MenstruationFlow.code("Light"),
  medium: MenstruationFlow.code("Medium"),
  heavy: MenstruationFlow.code("Heavy"),
};

export const GLUCOSE_TREND: Record<SandboxGlucoseTrend, TrendArrow> = {
  falling_fast: TrendArrow.code("Falling Quickly"),
  falling: TrendArrow.code("Falling"),
  steady: TrendArrow.code("Flat"),
  rising: TrendArrow.code("Rising"),
  rising_fast: TrendArrow.code("Rising Quickly"),
};

export function glucoseFlag(mgDl: number): GlucoseFlag {
  if (mgDl > 180) return GlucoseFlag.code("High");
  if (mgDl < 70) return GlucoseFlag.code("Low");
  return GlucoseFlag.code("Normal");
}
