import type { Static } from "@sinclair/typebox";
import { int, list, num, str, subObject, timestamp } from "../typebox.ts";

export const MeasurementDataSampleSchema = subObject("MeasurementDataSample", {
  measurement_time: timestamp(),
  BMI: num(),
  BMR: num(),
  RMR: num(),
  estimated_fitness_age: int(),
  skin_fold_mm: num(),
  bodyfat_percentage: num({ minimum: 0, maximum: 100 }),
  weight_kg: num(),
  height_cm: num(),
  bone_mass_g: num(),
  muscle_mass_g: num(),
  lean_mass_g: num(),
  water_percentage: num({ minimum: 0, maximum: 100 }),
  insulin_units: num(),
  insulin_type: str(),
  urine_color: str(),
  user_notes: str(),
  visceral_fat_level: num(),
  visceral_fat_category: str(),
});
export type MeasurementDataSample = Static<typeof MeasurementDataSampleSchema>;

export const MeasurementsDataSchema = subObject("MeasurementsData", {
  measurements: list(MeasurementDataSampleSchema),
  day_avg_bmi: num(),
  day_avg_bmr: num(),
  day_avg_rmr: num(),
  day_avg_estimated_fitness_age: num(),
  day_avg_skin_fold_mm: num(),
  day_avg_bodyfat_percentage: num(),
  day_avg_weight_kg: num(),
  day_avg_height_cm: num(),
  day_avg_bone_mass_g: num(),
  day_avg_muscle_mass_g: num(),
  day_avg_lean_mass_g: num(),
  day_avg_water_percentage: num(),
  day_avg_insulin_units: num(),
  day_avg_visceral_fat_level: num(),
});
export type MeasurementsData = Static<typeof MeasurementsDataSchema>;
