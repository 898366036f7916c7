import type { Static } from "@sinclair/typebox";
import { MenstruationFlow } from "../enums/menstruation-flow.ts";
import { MenstruationInterval } from "../enums/menstruation-interval.ts";
import { bool, dateOrDateTime, enumField, int, list, optionalNullable, subObject, timestamp } from "../typebox.ts";

export const MenstruationFlowSampleSchema = subObject("MenstruationFlowSample", {
  timestamp: timestamp(),
  flow: enumField(MenstruationFlow),
});
export type MenstruationFlowSample = Static<typeof MenstruationFlowSampleSchema>;

export const MenstruationIntervalSampleSchema = subObject("MenstruationIntervalSample", {
  start_timestamp: timestamp(),
  end_timestamp: timestamp(),
  phase: enumField(MenstruationInterval),
});
export type MenstruationIntervalSample = Static<typeof MenstruationIntervalSampleSchema>;

const day = () => optionalNullable(dateOrDateTime());

export const MenstruationDataSchema = subObject("MenstruationData", {
  period_length_days: int(),
  current_phase: enumField(MenstruationInterval),
  length_of_current_phase_days: int(),
  days_until_next_phase: int(),
  period_start_date: day(),
  predicted_cycle_length_days: int(),
  day_in_cycle: int(),
  last_updated_time: timestamp(),
  cycle_length_days: int(),
  is_predicted_cycle: bool(),
  menstruation_flow: list(MenstruationFlowSampleSchema),
  intervals: list(MenstruationIntervalSampleSchema),
  fertility_window_start: day(),
  fertility_window_end: day(),
  ovulation_day: day(),
});
export type MenstruationData = Static<typeof MenstruationDataSchema>;
