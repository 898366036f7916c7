import type { Static } from "@sinclair/typebox";
import { KetoneSampleType } from "../enums/ketone-sample-type.ts";
import { enumField, list, num, subObject, timestamp } from "../typebox.ts";

export const KetoneSampleSchema = subObject("KetoneSample", {
  timestamp: timestamp(),
  ketone_mg_per_dL: num(),
  sample_type: enumField(KetoneSampleType),
});
export type KetoneSample = Static<typeof KetoneSampleSchema>;

export const KetoneDataSchema = subObject("KetoneData", {
  ketone_samples: list(KetoneSampleSchema),
  day_avg_ketone_mg_per_dL: num(),
});
export type KetoneData = Static<typeof KetoneDataSchema>;
