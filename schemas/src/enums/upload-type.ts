import { defineIntEnum, type EnumCode } from "./define-enum.ts";

/** How an Activity or Daily record got into the provider. */
export const UploadType = defineIntEnum("UploadType", [
  [0, "Unknown"],
  [1, "Automatic"],
  [2, "Manual"],
  [3, "Update"],
  [4, "Delete"],
  [5, "Pending"],
  [6, "Third party upload"],
]);
export type UploadType = EnumCode<typeof UploadType>;
