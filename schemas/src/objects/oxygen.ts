import type { Static } from "@sinclair/typebox";
import { OxygenSaturationType } from "../enums/oxygen-saturation-type.ts";
import { enumField, list, num, subObject, timestamp } from "../typebox.ts";

export const OxygenSaturationSampleSchema = subObject("OxygenSaturationSample", {
  timestamp: timestamp(),
  percentage: num(),
  type: enumField(OxygenSaturationType),
});
export type OxygenSaturationSample = Static<typeof OxygenSaturationSampleSchema>;

export const Vo2MaxSampleSchema = subObject("Vo2MaxSample", {
  timestamp: timestamp(),
  vo2max_ml_per_min_per_kg: num(),
});
export type Vo2MaxSample = Static<typeof Vo2MaxSampleSchema>;

export const OxygenDataSchema = subObject("OxygenData", {
  avg_saturation_percentage: num(),
  saturation_samples: list(OxygenSaturationSampleSchema),
  vo2_samples: list(Vo2MaxSampleSchema),
  vo2max_ml_per_min_per_kg: num(),
  day_avg_vo2max_ml_per_min_per_kg: num(),
});
export type OxygenData = Static<typeof OxygenDataSchema>;
