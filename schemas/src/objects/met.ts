import type { Static } from "@sinclair/typebox";
import { list, num, subObject, timestamp } from "../typebox.ts";

export const METSampleSchema = subObject("METSample", {
  timestamp: timestamp(),
  level: num(),
});
export type METSample = Static<typeof METSampleSchema>;

/** Metabolic Equivalent of Task. */
export const METDataSchema = subObject("METData", {
  MET_samples: list(METSampleSchema),
  avg_level: num(),
  num_high_intensity_minutes: num({ minimum: 0 }),
  num_inactive_minutes: num({ minimum: 0 }),
  num_low_intensity_minutes: num({ minimum: 0 }),
  num_moderate_intensity_minutes: num({ minimum: 0 }),
});
export type METData = Static<typeof METDataSchema>;
