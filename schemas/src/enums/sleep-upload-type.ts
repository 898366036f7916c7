import { defineIntEnum, type EnumCode } from "./define-enum.ts";

/** How a Sleep record got into the provider; note 1 and 2 are swapped compared with UploadType. */
export const SleepUploadType = defineIntEnum("SleepUploadType", [
  [0, "Unknown"],
  [1, "Manual"],
  [2, "Automatic"],
  [3, "Tentative"],
  [4, "Indeterminate"],
]);
export type SleepUploadType = EnumCode<typeof SleepUploadType>;
