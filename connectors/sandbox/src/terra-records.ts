import type { DataType, DateRange, StandardRecord } from "@tributary/core/contracts";
import { generateActivities } from "./generators/activity.ts";
import { generateAthlete } from "./generators/athlete.ts";
import { generateBodies } from "./generators/body.ts";
import { generateDailies } from "./generators/daily.ts";
import { generateMenstruation } from "./generators/menstruation.ts";
import { generateNutrition } from "./generators/nutrition.ts";
import { generateSleeps } from "./generators/sleep.ts";
import { mapActivity } from "./mappings/activity.ts";
import { mapAthlete } from "./mappings/athlete.ts";
import { mapBody } from "./mappings/body.ts";
import { mapDaily } from "./mappings/daily.ts";
import { mapMenstruation } from "./mappings/menstruation.ts";
import { mapNutrition } from "./mappings/nutrition.ts";
import { mapSleep } from "./mappings/sleep.ts";

export interface SandboxRecordsRequest {
  userId: string;
  range: DateRange;
  withSamples?: boolean;
}

/**
 * Terra Standard records for a user and range, without the runtime: generator then mapping, exactly as
 * the pull specs do. For benchmarks, demos and tests that need realistic records fast.
 */
export function* sandboxTerraRecords(dataType: DataType, request: SandboxRecordsRequest): Generator<StandardRecord> {
  const { userId, range } = request;
  const options = { withSamples: request.withSamples ?? false };
  switch (dataType) {
    case "activity":
      for (const record of generateActivities(userId, range, options)) yield mapActivity(record, options);
      return;
    case "sleep":
      for (const record of generateSleeps(userId, range, options)) yield mapSleep(record, options);
      return;
    case "daily":
      for (const record of generateDailies(userId, range, options)) yield mapDaily(record, options);
      return;
    case "body":
      for (const record of generateBodies(userId, range, options)) yield mapBody(record, options);
      return;
    case "nutrition":
      for (const record of generateNutrition(userId, range)) yield mapNutrition(record, options);
      return;
    case "menstruation":
      for (const record of generateMenstruation(userId, range)) yield mapMenstruation(record, options);
      return;
    case "athlete":
      yield mapAthlete(generateAthlete(userId, range.end));
      return;
  }
}
