import { TimestampLocalization, type Nutrition, type NutritionMacros, type NutritionMicros } from "@tributary/schemas";
import type { SandboxFoodDiary, SandboxNutrients } from "../provider/records.ts";
import { dayNumberOfIsoDate, isoDate } from "../time/local-time.ts";
import { terraMidnight, terraTimestampFromUnix } from "../time/terra-timestamp.ts";
import type { SandboxMapOptions } from "./options.ts";
import { MEAL_TYPE, MILLILITER, NUTRITION_UNIT } from "./terra-codes.ts";
import { round } from "../numbers.ts";

/** Terra reports every micronutrient in milligrams; labels give some in micrograms. */
const ugToMg = (micrograms: number) => round(micrograms / 1000, 4);

function macros(n: SandboxNutrients): NutritionMacros {
  return {
    calories: n.energyKcal,
    protein_g: n.proteinG,
    carbohydrates_g: n.carbsG,
    net_carbohydrates_g: round(Math.max(0, n.carbsG - n.fiberG), 1),
    fiber_g: n.fiberG,
    sugar_g: n.sugarsG,
    fat_g: n.fatG,
    saturated_fat_g: n.saturatedFatG,
    trans_fat_g: n.transFatG,
    alcohol_g: n.alcoholG,
    cholesterol_mg: n.cholesterolMg,
    sodium_mg: n.sodiumMg,
  };
}

function micros(n: SandboxNutrients): NutritionMicros {
  return {
    sodium_mg: n.sodiumMg,
    potassium_mg: n.potassiumMg,
    calcium_mg: n.calciumMg,
    iron_mg: n.ironMg,
    magnesium_mg: n.magnesiumMg,
    zinc_mg: n.zincMg,
    caffeine_mg: n.caffeineMg,
    vitamin_C_mg: n.vitaminCMg,
    vitamin_A_mg: ugToMg(n.vitaminAUg),
    vitamin_D_mg: ugToMg(n.vitaminDUg),
    vitamin_B12_mg: ugToMg(n.vitaminB12Ug),
    folate_mg: ugToMg(n.folateUg),
    monounsaturated_fat_g: n.monounsaturatedFatG,
    polyunsaturated_fat_g: n.polyunsaturatedFatG,
    omega3_g: n.omega3G,
  };
}

function total(entries: readonly SandboxNutrients[], template: SandboxNutrients): SandboxNutrients {
  const sum = { ...template };
  for (const key of Object.keys(sum) as Array<keyof SandboxNutrients>) {
    sum[key] = round(
      entries.reduce((acc, nutrients) => acc + nutrients[key], 0),
      1,
    );
  }
  return sum;
}

const NO_NUTRIENTS: SandboxNutrients = {
  energyKcal: 0,
  proteinG: 0,
  carbsG: 0,
  fiberG: 0,
  sugarsG: 0,
  fatG: 0,
  saturatedFatG: 0,
  monounsaturatedFatG: 0,
  polyunsaturatedFatG: 0,
  transFatG: 0,
  omega3G: 0,
  cholesterolMg: 0,
  sodiumMg: 0,
  potassiumMg: 0,
  calciumMg: 0,
  ironMg: 0,
  magnesiumMg: 0,
  zincMg: 0,
  vitaminCMg: 0,
  vitaminAUg: 0,
  vitaminDUg: 0,
  vitaminB12Ug: 0,
  folateUg: 0,
  caffeineMg: 0,
  alcoholG: 0,
};

/** A sandbox food diary → Terra Nutrition for that local day. */
export function mapNutrition(diary: SandboxFoodDiary, _options: SandboxMapOptions): Nutrition {
  const offset = diary.utcOffsetMinutes;
  const dayTotal = total(
    diary.entries.map((e) => e.nutrients),
    NO_NUTRIENTS,
  );
  const water = diary.drinks.filter((d) => d.name === "Water").reduce((sum, d) => sum + d.volumeMl, 0);
  return {
    metadata: {
      start_time: terraMidnight(diary.calendarDate, offset),
      end_time: terraMidnight(isoDate(dayNumberOfIsoDate(diary.calendarDate) + 1), offset),
      timestamp_localization: TimestampLocalization.code("Local"),
    },
    summary: {
      macros: macros(dayTotal),
      micros: micros(dayTotal),
      water_ml: water,
      drink_ml: diary.drinks.reduce((sum, d) => sum + d.volumeMl, 0),
    },
    meals: diary.entries.map((entry) => ({
      id: entry.entryId,
      name: entry.foodName,
      timestamp: terraTimestampFromUnix(entry.loggedAt, offset),
      type: MEAL_TYPE[entry.meal],
      quantity: { amount: entry.amount, unit: NUTRITION_UNIT[entry.unit] },
      macros: macros(entry.nutrients),
      micros: micros(entry.nutrients),
    })),
    drink_samples: diary.drinks.map((drink) => ({
      timestamp: terraTimestampFromUnix(drink.at, offset),
      drink_name: drink.name,
      drink_volume: drink.volumeMl,
      drink_unit: MILLILITER,
    })),
  };
}
