import type { Static } from "@sinclair/typebox";
import { SleepLevel } from "../enums/sleep-level.ts";
import { child, enumField, int, list, num, subObject, timestamp } from "../typebox.ts";

export const AsleepDurationsSchema = subObject("AsleepDurations", {
  duration_asleep_state_seconds: num(),
  duration_deep_sleep_state_seconds: num(),
  duration_light_sleep_state_seconds: num(),
  duration_REM_sleep_state_seconds: num(),
  num_REM_events: int(),
});
export type AsleepDurations = Static<typeof AsleepDurationsSchema>;

export const AwakeDurationsSchema = subObject("AwakeDurations", {
  duration_awake_state_seconds: num(),
  duration_long_interruption_seconds: num(),
  duration_short_interruption_seconds: num(),
  num_out_of_bed_events: int(),
  num_wakeup_events: int(),
  sleep_latency_seconds: num(),
  wake_up_latency_seconds: num(),
});
export type AwakeDurations = Static<typeof AwakeDurationsSchema>;

export const OtherSleepDurationsSchema = subObject("OtherSleepDurations", {
  duration_in_bed_seconds: num(),
  duration_unmeasurable_sleep_seconds: num(),
});
export type OtherSleepDurations = Static<typeof OtherSleepDurationsSchema>;

export const SleepHypnogramSampleSchema = subObject("SleepHypnogramSample", {
  timestamp: timestamp(),
  level: enumField(SleepLevel),
});
export type SleepHypnogramSample = Static<typeof SleepHypnogramSampleSchema>;

export const SleepDurationsDataSchema = subObject("SleepDurationsData", {
  asleep: child(AsleepDurationsSchema),
  awake: child(AwakeDurationsSchema),
  hypnogram_samples: list(SleepHypnogramSampleSchema),
  other: child(OtherSleepDurationsSchema),
  /** Percentage of time in bed spent asleep. */
  sleep_efficiency: num({ minimum: 0, maximum: 100 }),
});
export type SleepDurationsData = Static<typeof SleepDurationsDataSchema>;
