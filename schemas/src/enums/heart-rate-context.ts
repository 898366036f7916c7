import { defineIntEnum, type EnumCode } from "./define-enum.ts";

/** Whether a heart-rate sample was taken while the user was active. */
export const HeartRateContext = defineIntEnum("HeartRateContext", [
  [0, "Not Set"],
  [1, "Active"],
  [2, "Not Active"],
]);
export type HeartRateContext = EnumCode<typeof HeartRateContext>;
