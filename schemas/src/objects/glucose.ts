import type { Static } from "@sinclair/typebox";
import { GlucoseFlag } from "../enums/glucose-flag.ts";
import { TrendArrow } from "../enums/trend-arrow.ts";
import { enumField, int, list, num, subObject, timestamp } from "../typebox.ts";

export const GlucoseDataSampleSchema = subObject("GlucoseDataSample", {
  timestamp: timestamp(),
  blood_glucose_mg_per_dL: num(),
  glucose_level_flag: enumField(GlucoseFlag),
  trend_arrow: enumField(TrendArrow),
});
export type GlucoseDataSample = Static<typeof GlucoseDataSampleSchema>;

/** Ambulatory glucose profile percentiles for one hour of the day. */
export const DailyPatternSampleSchema = subObject("DailyPatternSample", {
  time_from_midnight: int({ minimum: 0, maximum: 23 }),
  percentile_5: num(),
  percentile_25: num(),
  percentile_50: num(),
  percentile_75: num(),
  percentile_95: num(),
});
export type DailyPatternSample = Static<typeof DailyPatternSampleSchema>;

export const GlucoseDataSchema = subObject("GlucoseData", {
  blood_glucose_samples: list(GlucoseDataSampleSchema),
  detailed_blood_glucose_samples: list(GlucoseDataSampleSchema),
  day_avg_blood_glucose_mg_per_dL: num(),
  day_avg_detailed_blood_glucose_mg_per_dL: num(),
  /** Lower-case alias of `day_avg_blood_glucose_mg_per_dL` kept by Terra for old consumers. */
  day_avg_blood_glucose_mg_per_dl: num({ deprecated: true }),
  gmi: num(),
  time_in_range: num(),
  sensor_usage: int(),
  daily_patterns: list(DailyPatternSampleSchema),
});
export type GlucoseData = Static<typeof GlucoseDataSchema>;
