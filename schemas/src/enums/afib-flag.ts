import { defineIntEnum, type EnumCode } from "./define-enum.ts";

/** Atrial-fibrillation classification of an ECG reading or sample. */
export const AFibFlag = defineIntEnum(
  "AFibFlag",
  [
    [0, "Negative"],
    [1, "Positive"],
    [2, "Inconclusive"],
  ],
  { slug: "afib-flag" },
);
export type AFibFlag = EnumCode<typeof AFibFlag>;
