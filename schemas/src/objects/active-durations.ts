import type { Static } from "@sinclair/typebox";
import { ActivityLevel } from "../enums/activity-level.ts";
import { enumField, int, list, num, subObject, timestamp } from "../typebox.ts";

export const ActivityLevelSampleSchema = subObject("ActivityLevelSample", {
  timestamp: timestamp(),
  activity_level: enumField(ActivityLevel),
  timer_duration_seconds: num(),
});
export type ActivityLevelSample = Static<typeof ActivityLevelSampleSchema>;

export const ActiveDurationsDataSchema = subObject("ActiveDurationsData", {
  activity_levels_samples: list(ActivityLevelSampleSchema),
  activity_seconds: num({ minimum: 0 }),
  inactivity_seconds: num({ minimum: 0 }),
  low_intensity_seconds: num({ minimum: 0 }),
  moderate_intensity_seconds: num({ minimum: 0 }),
  num_continuous_inactive_periods: int({ minimum: 0 }),
  rest_seconds: num({ minimum: 0 }),
  vigorous_intensity_seconds: num({ minimum: 0 }),
  standing_hours_count: num(),
  standing_seconds: num(),
});
export type ActiveDurationsData = Static<typeof ActiveDurationsDataSchema>;
