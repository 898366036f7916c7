import { defineIntEnum, type EnumCode } from "./define-enum.ts";

/** Reported menstrual flow of a day. */
export const MenstruationFlow = defineIntEnum("MenstruationFlow", [
  [0, "Unknown"],
  [1, "None"],
  [2, "Light"],
  [3, "Medium"],
  [4, "Heavy"],
  [5, "Had"],
]);
export type MenstruationFlow = EnumCode<typeof MenstruationFlow>;
