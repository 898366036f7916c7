import type { DataType, ProviderRecord } from "@tributary/core/contracts";
import { generateActivities } from "../generators/activity.ts";
import { generateAthlete } from "../generators/athlete.ts";
import { generateBodies } from "../generators/body.ts";
import { generateDailies } from "../generators/daily.ts";
import { generateMenstruation } from "../generators/menstruation.ts";
import { generateNutrition } from "../generators/nutrition.ts";
import { generateSleeps } from "../generators/sleep.ts";
import type { SandboxRecordsRequest } from "../terra-records.ts";

/**
 * The sandbox provider's own records (not yet mapped) for a user and range: what its pull API returns and
 * what its `<type>.push` notifications carry. `userId` seeds the generators, as in a pull.
 */
export function* sandboxProviderRecords(dataType: DataType, request: SandboxRecordsRequest): Generator<ProviderRecord> {
  const { userId, range } = request;
  const options = { withSamples: request.withSamples ?? false };
  switch (dataType) {
    case "activity":
      return yield* generateActivities(userId, range, options);
    case "sleep":
      return yield* generateSleeps(userId, range, options);
    case "daily":
      return yield* generateDailies(userId, range, options);
    case "body":
      return yield* generateBodies(userId, range, options);
    case "nutrition":
      return yield* generateNutrition(userId, range);
    case "menstruation":
      return yield* generateMenstruation(userId, range);
    case "athlete":
      yield generateAthlete(userId, range.end);
      return;
  }
}
