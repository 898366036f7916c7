import { defineIntEnum, type EnumCode } from "./define-enum.ts";

/** Which meal a logged food belongs to. */
export const MealType = defineIntEnum("MealType", [
  [0, "Unknown"],
  [1, "Breakfast"],
  [2, "Morning Snack"],
  [3, "Lunch"],
  [4, "Afternoon Snack"],
  [5, "Dinner"],
  [6, "Snack"],
]);
export type MealType = EnumCode<typeof MealType>;
