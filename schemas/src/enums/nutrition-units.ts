import { defineIntEnum, type EnumCode } from "./define-enum.ts";

/** Unit of a food quantity or drink volume. */
export const NutritionUnits = defineIntEnum("NutritionUnits", [
  [0, "Unknown"],
  [1, "Gram"],
  [2, "Teaspoon"],
  [3, "Tablespoon"],
  [4, "Cup"],
  [5, "Medium Egg"],
  [6, "Large Egg"],
  [7, "Small Egg"],
  [8, "Milliliter"],
  [9, "Ounce"],
  [10, "Count"],
  [11, "Scoop"],
  [12, "Fluid Ounce"],
]);
export type NutritionUnits = EnumCode<typeof NutritionUnits>;
