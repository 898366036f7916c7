import { defineIntEnum, type EnumCode } from "./define-enum.ts";

/** Recovery bucket that sleep readiness scores map onto. */
export const RecoveryLevel = defineIntEnum("RecoveryLevel", [
  [0, "Unknown"],
  [1, "Very Poor"],
  [2, "Poor"],
  [3, "Compromised"],
  [4, "Ok"],
  [5, "Good"],
  [6, "Very Good"],
]);
export type RecoveryLevel = EnumCode<typeof RecoveryLevel>;
