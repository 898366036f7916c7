import type { Static } from "@sinclair/typebox";
import { list, num, subObject, timestamp } from "../typebox.ts";

/** Pressures in mmHg. */
export const BloodPressureSampleSchema = subObject("BloodPressureSample", {
  timestamp: timestamp(),
  diastolic_bp: num(),
  systolic_bp: num(),
});
export type BloodPressureSample = Static<typeof BloodPressureSampleSchema>;

export const BloodPressureDataSchema = subObject("BloodPressureData", {
  blood_pressure_samples: list(BloodPressureSampleSchema),
  day_avg_systolic_bp: num(),
  day_avg_diastolic_bp: num(),
});
export type BloodPressureData = Static<typeof BloodPressureDataSchema>;
