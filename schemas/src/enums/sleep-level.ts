import { defineIntEnum, type EnumCode } from "./define-enum.ts";

/** Hypnogram stage of a sleep sample. */
export const SleepLevel = defineIntEnum("SleepLevel", [
  [0, "Unknown"],
  [1, "Awake"],
  [2, "Sleeping"],
  [3, "Out of bed"],
  [4, "Light sleep"],
  [5, "Deep sleep"],
  [6, "REM sleep"],
]);
export type SleepLevel = EnumCode<typeof SleepLevel>;
