import { defineIntEnum, type EnumCode } from "./define-enum.ts";

/** Heart-rate zone index (Zone 0 to Zone 5, then Other). */
export const HeartRateZone = defineIntEnum("HeartRateZone", [
  [0, "Zone 0"],
  [1, "Zone 1"],
  [2, "Zone 2"],
  [3, "Zone 3"],
  [4, "Zone 4"],
  [5, "Zone 5"],
  [6, "Other"],
]);
export type HeartRateZone = EnumCode<typeof HeartRateZone>;
