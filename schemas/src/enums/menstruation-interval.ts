import { defineIntEnum, type EnumCode } from "./define-enum.ts";

/** Cycle phase (also pregnancy trimesters). */
export const MenstruationInterval = defineIntEnum("MenstruationInterval", [
  [0, "Unknown"],
  [1, "Period"],
  [2, "Follicular"],
  [3, "Fertile Window"],
  [4, "Ovulation"],
  [5, "Luteal"],
  [6, "PMS"],
  [7, "First Trimester"],
  [8, "Second Trimester"],
  [9, "Third Trimester"],
]);
export type MenstruationInterval = EnumCode<typeof MenstruationInterval>;
