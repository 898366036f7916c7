import type { Static } from "@sinclair/typebox";
import { LapTriggerMethod } from "../enums/lap-trigger-method.ts";
import { Type } from "@sinclair/typebox";
import { enumField, int, list, num, optionalNullable, dateTime, subObject } from "../typebox.ts";

export const LapSampleSchema = subObject("LapSample", {
  calories: num(),
  avg_hr_bpm: num(),
  start_time: optionalNullable(dateTime()),
  avg_speed_meters_per_second: num(),
  distance_meters: num(),
  /** Swimming only. */
  total_strokes: int(),
  end_time: optionalNullable(dateTime()),
  /** Swimming only. Terra gives an example ("freestyle"), not a closed set, for laps: any text is accepted. */
  stroke_type: optionalNullable(Type.String({ description: "Swimming stroke, e.g. freestyle (see StrokeType for the usual values)." })),
  avg_watts: num(),
  active_duration_seconds: int(),
  /** Null when the provider does not report what ended the lap. */
  trigger_method: enumField(LapTriggerMethod),
});
export type LapSample = Static<typeof LapSampleSchema>;

export const LapDataSchema = subObject("LapData", {
  laps: list(LapSampleSchema),
});
export type LapData = Static<typeof LapDataSchema>;
