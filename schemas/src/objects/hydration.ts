import type { Static } from "@sinclair/typebox";
import { list, num, subObject, timestamp } from "../typebox.ts";

export const HydrationMeasurementSampleSchema = subObject("HydrationMeasurementSample", {
  timestamp: timestamp(),
  hydration_kg: num(),
});
export type HydrationMeasurementSample = Static<typeof HydrationMeasurementSampleSchema>;

// Terra publishes this sample shape although no model field uses it yet; kept so producers can adopt it.
export const HydrationLevelSampleSchema = subObject("HydrationLevelSample", {
  timestamp: timestamp(),
  hydration_level: num(),
});
export type HydrationLevelSample = Static<typeof HydrationLevelSampleSchema>;

export const HydrationDataSchema = subObject("HydrationData", {
  day_total_water_consumption_ml: num(),
  hydration_amount_samples: list(HydrationMeasurementSampleSchema),
  day_avg_hydration_kg: num(),
});
export type HydrationData = Static<typeof HydrationDataSchema>;
