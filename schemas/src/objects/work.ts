import type { Static } from "@sinclair/typebox";
import { num, subObject } from "../typebox.ts";

export const WorkDataSchema = subObject("WorkData", {
  work_kilojoules: num(),
});
export type WorkData = Static<typeof WorkDataSchema>;
