import { defineStringEnum, type EnumCode } from "./define-enum.ts";

/** Kinds of data a device reports; one of the few enums Terra sends as strings. */
export const DeviceDataType = defineStringEnum("DeviceDataType", [
  ["STEPS", "Steps"],
  ["ACTIVE_MINUTES", "Active Minutes"],
  ["BMR", "Basal Metabolic Rate"],
  ["CALORIES", "Calories"],
  ["DISTANCE", "Distance"],
  ["HEART_RATE", "Heart Rate"],
  ["OXYGEN_SATURATION", "Oxygen Saturation"],
  ["SLEEP_TYPE", "Sleep Classification"],
  ["SPEED", "Speed"],
  ["CADENCE", "Cadence"],
]);
export type DeviceDataType = EnumCode<typeof DeviceDataType>;
