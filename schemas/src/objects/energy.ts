import type { Static } from "@sinclair/typebox";
import { num, subObject } from "../typebox.ts";

export const EnergyDataSchema = subObject("EnergyData", {
  energy_kilojoules: num(),
  energy_planned_kilojoules: num(),
});
export type EnergyData = Static<typeof EnergyDataSchema>;
