import { Type, type Static } from "@sinclair/typebox";
import { MealType } from "../enums/meal-type.ts";
import { NutritionUnits } from "../enums/nutrition-units.ts";
import { child, dateTime, enumField, num, ref, requiredEnum, str, subObject, timestamp } from "../typebox.ts";

export const NutritionMacrosSchema = subObject("NutritionMacros", {
  alcohol_g: num(),
  calories: num(),
  carbohydrates_g: num(),
  cholesterol_mg: num(),
  fat_g: num(),
  fiber_g: num(),
  net_carbohydrates_g: num(),
  protein_g: num(),
  saturated_fat_g: num(),
  sodium_mg: num(),
  sugar_g: num(),
  trans_fat_g: num(),
});
export type NutritionMacros = Static<typeof NutritionMacrosSchema>;

/** Vitamins and minerals in milligrams; amino acids, fats and starch in grams (see each suffix). */
export const NutritionMicrosSchema = subObject("NutritionMicros", {
  biotin_mg: num(),
  caffeine_mg: num(),
  calcium_mg: num(),
  sodium_mg: num(),
  chloride_mg: num(),
  chromium_mg: num(),
  copper_mg: num(),
  folate_mg: num(),
  folic_acid_mg: num(),
  iodine_mg: num(),
  iron_mg: num(),
  magnesium_mg: num(),
  manganese_mg: num(),
  molybdenum_mg: num(),
  niacin_mg: num(),
  pantothenic_acid_mg: num(),
  phosphorus_mg: num(),
  potassium_mg: num(),
  riboflavin_mg: num(),
  selenium_mg: num(),
  thiamin_mg: num(),
  vitamin_A_mg: num(),
  vitamin_B12_mg: num(),
  vitamin_B6_mg: num(),
  vitamin_C_mg: num(),
  vitamin_D_mg: num(),
  vitamin_D2_mg: num(),
  vitamin_D3_mg: num(),
  vitamin_E_mg: num(),
  vitamin_K_mg: num(),
  zinc_mg: num(),
  cystine_g: num(),
  histidine_g: num(),
  isoleucine_g: num(),
  leucine_g: num(),
  lysine_g: num(),
  methionine_g: num(),
  phenylalanine_g: num(),
  threonine_g: num(),
  tryptophan_g: num(),
  tyrosine_g: num(),
  valine_g: num(),
  monounsaturated_fat_g: num(),
  polyunsaturated_fat_g: num(),
  omega3_g: num(),
  omega6_g: num(),
  starch_g: num(),
});
export type NutritionMicros = Static<typeof NutritionMicrosSchema>;

export const NutritionQuantitySchema = subObject("NutritionQuantity", {
  unit: requiredEnum(NutritionUnits),
  amount: Type.Number(),
});
export type NutritionQuantity = Static<typeof NutritionQuantitySchema>;

/** A logged food; unlike most Terra objects every field is required. */
export const MealSchema = subObject("Meal", {
  micros: ref(NutritionMicrosSchema),
  type: requiredEnum(MealType),
  id: Type.String(),
  timestamp: dateTime(),
  quantity: ref(NutritionQuantitySchema),
  name: Type.String(),
  macros: ref(NutritionMacrosSchema),
});
export type Meal = Static<typeof MealSchema>;

export const DrinkSampleSchema = subObject("DrinkSample", {
  timestamp: timestamp(),
  drink_volume: num(),
  drink_unit: enumField(NutritionUnits),
  drink_name: str(),
});
export type DrinkSample = Static<typeof DrinkSampleSchema>;

export const NutritionSummarySchema = subObject("NutritionSummary", {
  macros: child(NutritionMacrosSchema),
  micros: child(NutritionMicrosSchema),
  water_ml: num(),
  drink_ml: num(),
});
export type NutritionSummary = Static<typeof NutritionSummarySchema>;
