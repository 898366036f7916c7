import type { Static } from "@sinclair/typebox";
import { list, num, subObject, timestamp } from "../typebox.ts";

export const PowerSampleSchema = subObject("PowerSample", {
  timestamp: timestamp(),
  watts: num(),
  timer_duration_seconds: num(),
});
export type PowerSample = Static<typeof PowerSampleSchema>;

export const PowerDataSchema = subObject("PowerData", {
  avg_watts: num(),
  max_watts: num(),
  power_samples: list(PowerSampleSchema),
});
export type PowerData = Static<typeof PowerDataSchema>;
