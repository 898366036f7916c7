import type { Static } from "@sinclair/typebox";
import { list, num, subObject, timestamp } from "../typebox.ts";

export const CalorieSampleSchema = subObject("CalorieSample", {
  timestamp: timestamp(),
  calories: num(),
  timer_duration_seconds: num(),
});
export type CalorieSample = Static<typeof CalorieSampleSchema>;

export const CaloriesDataSchema = subObject("CaloriesData", {
  BMR_calories: num(),
  calorie_samples: list(CalorieSampleSchema),
  net_activity_calories: num(),
  net_intake_calories: num(),
  total_burned_calories: num(),
});
export type CaloriesData = Static<typeof CaloriesDataSchema>;
