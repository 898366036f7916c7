import { defineIntEnum, type EnumCode } from "./define-enum.ts";

/** Whether a glucose reading is in, above or below range. */
export const GlucoseFlag = defineIntEnum("GlucoseFlag", [
  [0, "Normal"],
  [1, "High"],
  [2, "Low"],
]);
export type GlucoseFlag = EnumCode<typeof GlucoseFlag>;
