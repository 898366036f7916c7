import type { Static } from "@sinclair/typebox";
import { bool, child, int, list, num, subObject, timestamp } from "../typebox.ts";
import { OxygenSaturationSampleSchema } from "./oxygen.ts";

export const BreathSampleSchema = subObject("BreathSample", {
  timestamp: timestamp(),
  breaths_per_min: num(),
});
export type BreathSample = Static<typeof BreathSampleSchema>;

export const BreathsDataSchema = subObject("BreathsData", {
  avg_breaths_per_min: num(),
  max_breaths_per_min: num(),
  min_breaths_per_min: num(),
  on_demand_reading: bool(),
  samples: list(BreathSampleSchema),
  start_time: timestamp(),
  end_time: timestamp(),
});
export type BreathsData = Static<typeof BreathsDataSchema>;

export const OxygenSaturationDataSchema = subObject("OxygenSaturationData", {
  avg_saturation_percentage: num(),
  end_time: timestamp(),
  samples: list(OxygenSaturationSampleSchema),
  start_time: timestamp(),
});
export type OxygenSaturationData = Static<typeof OxygenSaturationDataSchema>;

export const SnoringSampleSchema = subObject("SnoringSample", {
  timestamp: timestamp(),
  duration_seconds: num(),
});
export type SnoringSample = Static<typeof SnoringSampleSchema>;

export const SnoringDataSchema = subObject("SnoringData", {
  start_time: timestamp(),
  end_time: timestamp(),
  num_snoring_events: int(),
  samples: list(SnoringSampleSchema),
  total_snoring_duration_seconds: num(),
});
export type SnoringData = Static<typeof SnoringDataSchema>;

export const RespirationDataSchema = subObject("RespirationData", {
  breaths_data: child(BreathsDataSchema),
  oxygen_saturation_data: child(OxygenSaturationDataSchema),
  snoring_data: child(SnoringDataSchema),
});
export type RespirationData = Static<typeof RespirationDataSchema>;
