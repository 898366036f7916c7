import { defineIntEnum, type EnumCode } from "./define-enum.ts";

/** Where oxygen saturation was measured: blood (SpO2) or muscle (SmO2). */
export const OxygenSaturationType = defineIntEnum("OxygenSaturationType", [
  [0, "Blood"],
  [1, "Muscle"],
]);
export type OxygenSaturationType = EnumCode<typeof OxygenSaturationType>;
