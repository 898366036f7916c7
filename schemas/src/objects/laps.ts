import type { Static } from '@sinclair/typebox';
import { LapTriggerMethod } from '../enums/lap-trigger-method.ts';
import { StrokeType } from '../enums/stroke-type.ts';
import { enumField, int, list, num, optionalNullable, dateTime, subObject } from '../typebox.ts';

export const LapSampleSchema = subObject('LapSample', {
  calories: num(),
  avg_hr_bpm: num(),
  start_time: optionalNullable(dateTime()),
  avg_speed_meters_per_second: num(),
  distance_meters: num(),
  /** Swimming only. */
  total_strokes: int(),
  end_time: optionalNullable(dateTime()),
  /** Swimming only. */
  stroke_type: enumField(StrokeType),
  avg_watts: num(),
  active_duration_seconds: int(),
  /** Null when the provider does not report what ended the lap. */
  trigger_method: enumField(LapTriggerMethod),
});
export type LapSample = Static<typeof LapSampleSchema>;

export const LapDataSchema = subObject('LapData', {
  laps: list(LapSampleSchema),
});
export type LapData = Static<typeof LapDataSchema>;
