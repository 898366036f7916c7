import type { Static } from "@sinclair/typebox";
import { num, subObject } from "../typebox.ts";

export const ReadinessDataSchema = subObject("ReadinessData", {
  readiness: num({ minimum: 0, maximum: 100 }),
  // Terra types this as a plain number; RecoveryLevel lists the codes providers map onto.
  recovery_level: num(),
});
export type ReadinessData = Static<typeof ReadinessDataSchema>;
