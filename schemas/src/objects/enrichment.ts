import type { Static } from "@sinclair/typebox";
import { Type } from "@sinclair/typebox";
import { contributors, int, num, optionalNullable, subObject } from "../typebox.ts";

// Terra-computed scores. A redelivered record may carry null scores that were set before, so consumers
// should keep the previous value (see the destinations' merge rules).

export const DataEnrichmentSchema = subObject("DataEnrichment", {
  efficiency_score: num(),
  efficiency_contributors: contributors(),
  strain_score: num(),
  strain_contributors: contributors(),
  rcrs_score: num(),
  rcrs_contributors: contributors(),
  trimp_score: num(),
  trimp_contributors: contributors(),
});
export type DataEnrichment = Static<typeof DataEnrichmentSchema>;

export const DailyDataEnrichmentSchema = subObject("DailyDataEnrichment", {
  total_stress_score: num(),
  stress_contributors: contributors(),
  respiratory_score: num(),
  respiratory_contributors: contributors(),
  immune_index: int(),
  immune_contributors: contributors(),
  resilience_score: int(),
  resilience_contributors: contributors(),
  strain_index: num(),
  // Terra gives GREEN, AMBER and RED as examples, not as a closed set: any text is accepted.
  strain_traffic_light: optionalNullable(Type.String({ description: "Categorical strain rating, e.g. GREEN, AMBER or RED." })),
  strain_contributors: contributors(),
  total_stress_score_v2: num(),
  total_stress_score_v2_contributors: contributors(),
});
export type DailyDataEnrichment = Static<typeof DailyDataEnrichmentSchema>;

export const SleepDataEnrichmentSchema = subObject("SleepDataEnrichment", {
  sleep_score: num(),
  sleep_contributors: contributors(),
  readiness_score: num(),
  readiness_contributors: contributors(),
  sleep_score_v2: num(),
  sleep_score_v2_contributors: contributors(),
  respiratory_score_v2: num(),
  respiratory_score_v2_contributors: contributors(),
});
export type SleepDataEnrichment = Static<typeof SleepDataEnrichmentSchema>;
