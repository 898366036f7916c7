import { defineIntEnum, type EnumCode } from "./define-enum.ts";

/** Daily stress rating bucket (Rest 1-25, Low 26-50, Medium 51-75, High 76-100). */
export const StressLevel = defineIntEnum("StressLevel", [
  [0, "Unknown"],
  [1, "Rest"],
  [2, "Low"],
  [3, "Medium"],
  [4, "High"],
]);
export type StressLevel = EnumCode<typeof StressLevel>;
