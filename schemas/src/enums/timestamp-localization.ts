import { defineIntEnum, type EnumCode } from "./define-enum.ts";

/** Whether a payload's timestamps are UTC (rendered "+00:00") or the user's local time. */
export const TimestampLocalization = defineIntEnum("TimestampLocalization", [
  [0, "UTC"],
  [1, "Local"],
]);
export type TimestampLocalization = EnumCode<typeof TimestampLocalization>;
