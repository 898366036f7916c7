import { defineStringEnum, type EnumCode } from "./define-enum.ts";

/**
 * What made the device record a lap. Terra documents this closed list and maps triggers it does not
 * recognise to UNSPECIFIED, so anything else is a producer bug.
 */
export const LapTriggerMethod = defineStringEnum("LapTriggerMethod", [
  ["MANUAL", "Manual"],
  ["TIME", "Time"],
  ["DISTANCE", "Distance"],
  ["POSITION_START", "Position start"],
  ["POSITION_LAP", "Position lap"],
  ["POSITION_WAYPOINT", "Position waypoint"],
  ["POSITION_MARKED", "Position marked"],
  ["SESSION_END", "Session end"],
  ["FITNESS_EQUIPMENT", "Fitness equipment"],
  ["UNSPECIFIED", "Unspecified"],
]);
export type LapTriggerMethod = EnumCode<typeof LapTriggerMethod>;
