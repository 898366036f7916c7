import { defineIntEnum, type EnumCode } from "./define-enum.ts";

/** What a ketone reading was measured from. */
export const KetoneSampleType = defineIntEnum("KetoneSampleType", [
  [0, "Unknown"],
  [1, "Blood"],
  [2, "Urine"],
  [3, "Breath"],
]);
export type KetoneSampleType = EnumCode<typeof KetoneSampleType>;
