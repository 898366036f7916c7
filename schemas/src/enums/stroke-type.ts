import { defineStringEnum, type EnumCode } from "./define-enum.ts";

/** Terra's swimming strokes (lowercase strings); a lap's `stroke_type` usually holds one, but Terra does not close the set there. */
export const StrokeType = defineStringEnum("StrokeType", [
  ["other", "Other"],
  ["freestyle", "Freestyle"],
  ["backstroke", "Backstroke"],
  ["breaststroke", "Breaststroke"],
  ["butterfly", "Butterfly"],
]);
export type StrokeType = EnumCode<typeof StrokeType>;
