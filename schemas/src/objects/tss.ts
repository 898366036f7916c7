import type { Static } from "@sinclair/typebox";
import { list, num, str, subObject } from "../typebox.ts";

/** Training Stress Score entry. */
export const TSSSampleSchema = subObject("TSSSample", {
  planned: num(),
  actual: num(),
  method: str(),
  intensity_factor_planned: num(),
  intensity_factor_actual: num(),
  normalized_power_watts: num(),
});
export type TSSSample = Static<typeof TSSSampleSchema>;

export const TSSDataSchema = subObject("TSSData", {
  TSS_samples: list(TSSSampleSchema),
});
export type TSSData = Static<typeof TSSDataSchema>;
