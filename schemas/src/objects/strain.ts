import type { Static } from "@sinclair/typebox";
import { num, subObject } from "../typebox.ts";

export const StrainDataSchema = subObject("StrainData", {
  strain_level: num(),
});
export type StrainData = Static<typeof StrainDataSchema>;
