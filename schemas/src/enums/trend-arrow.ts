import { defineIntEnum, type EnumCode } from "./define-enum.ts";

/** CGM trend arrow of a glucose reading. */
export const TrendArrow = defineIntEnum("TrendArrow", [
  [0, "Unknown"],
  [1, "Falling Quickly"],
  [2, "Falling"],
  [3, "Flat"],
  [4, "Rising"],
  [5, "Rising Quickly"],
]);
export type TrendArrow = EnumCode<typeof TrendArrow>;
