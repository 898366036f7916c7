import type { Static } from "@sinclair/typebox";
import { num, subObject } from "../typebox.ts";

/** Skin-temperature deviation from the user's baseline, in degrees Celsius. */
export const SleepTemperatureDataSchema = subObject("SleepTemperatureData", {
  delta: num(),
});
export type SleepTemperatureData = Static<typeof SleepTemperatureDataSchema>;
