import type { DateRange } from "@tributary/core/contracts";
import { isRoutineDay, sandboxProfile, type SandboxProfile } from "../profile/user-profile.ts";
import type { SandboxFoodDiary, SandboxMeal, SandboxNutrients } from "../provider/records.ts";
import { rngFor } from "../random/prng.ts";
import { stableUuid } from "../random/stable-id.ts";
import { isoDate, localDaysOverlapping, localMidnightMs } from "../time/local-time.ts";
import { FOODS, MEAL_MENU, MEAL_TIMES, type Food } from "./food-catalog.ts";

export interface EatenFood {
  meal: SandboxMeal;
  food: Food;
  servings: number;
  /** Unix seconds. */
  at: number;
}

const NUTRIENT_KEYS: ReadonlyArray<keyof SandboxNutrients> = [
  "energyKcal",
  "proteinG",
  "carbsG",
  "fiberG",
  "sugarsG",
  "fatG",
  "saturatedFatG",
  "monounsaturatedFatG",
  "polyunsaturatedFatG",
  "transFatG",
  "omega3G",
  "cholesterolMg",
  "sodiumMg",
  "potassiumMg",
  "calciumMg",
  "ironMg",
  "magnesiumMg",
  "zincMg",
  "vitaminCMg",
  "vitaminAUg",
  "vitaminDUg",
  "vitaminB12Ug",
  "folateUg",
  "caffeineMg",
  "alcoholG",
];

export function scaledNutrients(food: Food, servings: number): SandboxNutrients {
  const out = {} as SandboxNutrients;
  for (const key of NUTRIENT_KEYS) out[key] = Math.round((food.nutrients[key] ?? 0) * servings * 10) / 10;
  return out;
}

/**
 * What the user ate on a day, whether or not they logged it: the body generator needs meal times and
 * carbohydrates for glucose curves even on days the food diary is empty.
 */
export function mealsEaten(profile: SandboxProfile, day: number): EatenFood[] {
  const rng = rngFor(profile.userId, "nutrition", day);
  const midnightSeconds = localMidnightMs(day, profile.offsetMinutes) / 1000;
  const eaten: EatenFood[] = [];
  const eat = ({ meal, from, to }: (typeof MEAL_TIMES)[number]) => {
    const at = midnightSeconds + rng.int(from, to) * 60 + rng.int(0, 59);
    const menu = MEAL_MENU[meal];
    const servings = rng.weighted<number>([
      [1, 0.78],
      [1.5, 0.14],
      [2, 0.08],
    ]);
    eaten.push({ meal, food: FOODS[rng.pick(menu.mains)], servings, at });
    for (const [side, probabilityOfSide] of menu.sides) {
      if (rng.chance(probabilityOfSide)) eaten.push({ meal, food: FOODS[side], servings: 1, at: at + rng.int(0, 300) });
    }
  };
  for (const slot of MEAL_TIMES) if (rng.chance(slot.probability)) eat(slot);
  // Nobody skips every proper meal: on such a day, dinner happened after all.
  const dinner = MEAL_TIMES.find((slot) => slot.meal === "dinner");
  if (dinner && !eaten.some((e) => e.meal === "breakfast" || e.meal === "lunch" || e.meal === "dinner")) {
    eat(dinner);
    eaten.sort((a, b) => a.at - b.at);
  }
  return eaten;
}

/** The food diary for a day, or null when the user logged no food that day. */
export function nutritionForDay(userId: string, day: number): SandboxFoodDiary | null {
  const profile = sandboxProfile(userId);
  const rng = rngFor(userId, "nutrition", day, "diary");
  if (!rng.chance(profile.nutritionLogRate) && !isRoutineDay(profile, day)) return null;
  const eaten = mealsEaten(profile, day);
  const midnightSeconds = localMidnightMs(day, profile.offsetMinutes) / 1000;
  const entries = eaten.map((item, index) => ({
    entryId: stableUuid(userId, "nutrition", day, index),
    loggedAt: item.at,
    meal: item.meal,
    foodName: item.food.name,
    amount: Math.round(item.food.amount * item.servings * 10) / 10,
    unit: item.food.unit,
    nutrients: scaledNutrients(item.food, item.servings),
  }));
  const drinks: SandboxFoodDiary["drinks"] = [];
  const glasses = rng.int(4, 9);
  for (let k = 0; k < glasses; k++) {
    drinks.push({
      at: midnightSeconds + rng.int(7 * 60, 21 * 60 + 30) * 60,
      name: rng.chance(0.2) ? "Sparkling water" : "Water",
      volumeMl: rng.pick([250, 330, 500]),
    });
  }
  drinks.sort((a, b) => a.at - b.at);
  return { calendarDate: isoDate(day), athleteId: profile.providerUserId, utcOffsetMinutes: profile.offsetMinutes, entries, drinks };
}

/** Food diaries for every local day the range touches that has entries. */
export function* generateNutrition(userId: string, range: DateRange): Generator<SandboxFoodDiary> {
  const { offsetMinutes } = sandboxProfile(userId);
  for (const day of localDaysOverlapping(range, offsetMinutes)) {
    const diary = nutritionForDay(userId, day);
    if (diary) yield diary;
  }
}
