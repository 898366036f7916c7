import type { Static } from "@sinclair/typebox";
import { child, int, list, num, subObject, timestamp } from "../typebox.ts";

// Distance, step and floor samples are running totals since the start of the payload.
export const DistanceSampleSchema = subObject("DistanceSample", {
  timestamp: timestamp(),
  distance_meters: num(),
  timer_duration_seconds: num(),
});
export type DistanceSample = Static<typeof DistanceSampleSchema>;

export const ElevationSampleSchema = subObject("ElevationSample", {
  timestamp: timestamp(),
  elev_meters: num(),
  timer_duration_seconds: num(),
});
export type ElevationSample = Static<typeof ElevationSampleSchema>;

export const FloorsClimbedSampleSchema = subObject("FloorsClimbedSample", {
  timestamp: timestamp(),
  floors_climbed: num(),
  timer_duration_seconds: num(),
});
export type FloorsClimbedSample = Static<typeof FloorsClimbedSampleSchema>;

export const StepSampleSchema = subObject("StepSample", {
  timestamp: timestamp(),
  steps: num(),
  timer_duration_seconds: num(),
});
export type StepSample = Static<typeof StepSampleSchema>;

export const ElevationDataSchema = subObject("ElevationData", {
  avg_meters: num(),
  gain_actual_meters: num({ minimum: 0 }),
  gain_planned_meters: num({ minimum: 0 }),
  loss_actual_meters: num({ minimum: 0 }),
  max_meters: num(),
  min_meters: num(),
});
export type ElevationData = Static<typeof ElevationDataSchema>;

export const SwimmingDataSchema = subObject("SwimmingData", {
  num_laps: int({ minimum: 0 }),
  num_strokes: int({ minimum: 0 }),
  pool_length_meters: int({ minimum: 0 }),
});
export type SwimmingData = Static<typeof SwimmingDataSchema>;

export const DistanceDataDetailedSchema = subObject("DistanceDataDetailed", {
  distance_samples: list(DistanceSampleSchema),
  elevation_samples: list(ElevationSampleSchema),
  floors_climbed_samples: list(FloorsClimbedSampleSchema),
  step_samples: list(StepSampleSchema),
});
export type DistanceDataDetailed = Static<typeof DistanceDataDetailedSchema>;

export const DistanceDataSummarySchema = subObject("DistanceDataSummary", {
  distance_meters: num(),
  elevation: child(ElevationDataSchema),
  floors_climbed: int(),
  steps: int(),
  swimming: child(SwimmingDataSchema),
});
export type DistanceDataSummary = Static<typeof DistanceDataSummarySchema>;

/** Activity distance: a summary plus detailed samples. */
export const DistanceDataSchema = subObject("DistanceData", {
  detailed: child(DistanceDataDetailedSchema),
  summary: child(DistanceDataSummarySchema),
});
export type DistanceData = Static<typeof DistanceDataSchema>;

/** Daily distance is flat: the summary fields sit next to `detailed`. */
export const DailyDistanceDataSchema = subObject("DailyDistanceData", {
  detailed: child(DistanceDataDetailedSchema),
  distance_meters: num(),
  elevation: child(ElevationDataSchema),
  floors_climbed: int({ minimum: 0 }),
  steps: int(),
  swimming: child(SwimmingDataSchema),
});
export type DailyDistanceData = Static<typeof DailyDistanceDataSchema>;
