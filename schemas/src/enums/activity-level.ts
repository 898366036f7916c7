import { defineIntEnum, type EnumCode } from "./define-enum.ts";

/** Intensity level of an activity-level sample. */
export const ActivityLevel = defineIntEnum("ActivityLevel", [
  [0, "Unknown"],
  [1, "Rest"],
  [2, "Inactive"],
  [3, "Low Intensity"],
  [4, "Medium Intensity"],
  [5, "High Intensity"],
]);
export type ActivityLevel = EnumCode<typeof ActivityLevel>;
