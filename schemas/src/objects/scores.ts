import type { Static } from "@sinclair/typebox";
import { num, subObject } from "../typebox.ts";

/** Provider-native 0-100 scores of a day. */
export const ScoresDataSchema = subObject("ScoresData", {
  activity: num({ minimum: 0, maximum: 100 }),
  recovery: num({ minimum: 0, maximum: 100 }),
  sleep: num({ minimum: 0, maximum: 100 }),
});
export type ScoresData = Static<typeof ScoresDataSchema>;

export const SleepScoresSchema = subObject("SleepScores", {
  sleep: num(),
});
export type SleepScores = Static<typeof SleepScoresSchema>;
