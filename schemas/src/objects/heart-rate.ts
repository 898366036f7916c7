import type { Static } from "@sinclair/typebox";
import { HeartRateContext } from "../enums/heart-rate-context.ts";
import { child, enumField, int, list, num, str, subObject, timestamp } from "../typebox.ts";

export const HeartRateDataSampleSchema = subObject("HeartRateDataSample", {
  timestamp: timestamp(),
  bpm: num(),
  timer_duration_seconds: num(),
  context: enumField(HeartRateContext),
});
export type HeartRateDataSample = Static<typeof HeartRateDataSampleSchema>;

export const HeartRateVariabilityDataSampleRMSSDSchema = subObject("HeartRateVariabilityDataSampleRMSSD", {
  timestamp: timestamp(),
  hrv_rmssd: num(),
});
export type HeartRateVariabilityDataSampleRMSSD = Static<typeof HeartRateVariabilityDataSampleRMSSDSchema>;

export const HeartRateVariabilityDataSampleSDNNSchema = subObject("HeartRateVariabilityDataSampleSDNN", {
  timestamp: timestamp(),
  hrv_sdnn: num(),
});
export type HeartRateVariabilityDataSampleSDNN = Static<typeof HeartRateVariabilityDataSampleSDNNSchema>;

/** One heart-rate zone of a session. `zone` is a zero-based index (see HeartRateZone for the usual labels). */
export const HeartRateZoneDataSchema = subObject("HeartRateZoneData", {
  zone: int(),
  start_percentage: num({ minimum: 0, maximum: 100 }),
  end_percentage: num({ minimum: 0, maximum: 100 }),
  name: str(),
  duration_seconds: num(),
});
export type HeartRateZoneData = Static<typeof HeartRateZoneDataSchema>;

export const HeartRateDataDetailedSchema = subObject("HeartRateDataDetailed", {
  hr_samples: list(HeartRateDataSampleSchema),
  hrv_samples_rmssd: list(HeartRateVariabilityDataSampleRMSSDSchema),
  hrv_samples_sdnn: list(HeartRateVariabilityDataSampleSDNNSchema),
});
export type HeartRateDataDetailed = Static<typeof HeartRateDataDetailedSchema>;

export const HeartRateDataSummarySchema = subObject("HeartRateDataSummary", {
  avg_hr_bpm: num({ minimum: 0 }),
  avg_hrv_rmssd: num(),
  avg_hrv_sdnn: num(),
  hr_zone_data: list(HeartRateZoneDataSchema),
  max_hr_bpm: num({ minimum: 0 }),
  min_hr_bpm: num({ minimum: 0 }),
  resting_hr_bpm: num({ minimum: 0 }),
  user_max_hr_bpm: num(),
});
export type HeartRateDataSummary = Static<typeof HeartRateDataSummarySchema>;

export const HeartRateDataSchema = subObject("HeartRateData", {
  detailed: child(HeartRateDataDetailedSchema),
  summary: child(HeartRateDataSummarySchema),
});
export type HeartRateData = Static<typeof HeartRateDataSchema>;
