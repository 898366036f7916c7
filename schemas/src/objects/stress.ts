import type { Static } from "@sinclair/typebox";
import { StressLevel } from "../enums/stress-level.ts";
import { enumField, list, num, subObject, timestamp } from "../typebox.ts";

/** `level` is the 0-100 stress value, not a StressLevel code. */
export const StressSampleSchema = subObject("StressSample", {
  timestamp: timestamp(),
  level: num(),
});
export type StressSample = Static<typeof StressSampleSchema>;

export const BodyBatterySampleSchema = subObject("BodyBatterySample", {
  timestamp: timestamp(),
  level: num(),
});
export type BodyBatterySample = Static<typeof BodyBatterySampleSchema>;

export const StressDataSchema = subObject("StressData", {
  avg_stress_level: num(),
  activity_stress_duration_seconds: num({ minimum: 0 }),
  low_stress_duration_seconds: num({ minimum: 0 }),
  max_stress_level: num(),
  medium_stress_duration_seconds: num({ minimum: 0 }),
  samples: list(StressSampleSchema),
  rest_stress_duration_seconds: num({ minimum: 0 }),
  high_stress_duration_seconds: num({ minimum: 0 }),
  stress_duration_seconds: num({ minimum: 0 }),
  stress_rating: enumField(StressLevel),
  body_battery_samples: list(BodyBatterySampleSchema),
});
export type StressData = Static<typeof StressDataSchema>;
