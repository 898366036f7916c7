import { SANDBOX_ICON } from "./icon.ts";
import { defineConnector, type PullContext } from "@tributary/core/contracts";
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
import type {
  SandboxAthlete,
  SandboxBodyDay,
  SandboxCycleDay,
  SandboxDailySummary,
  SandboxFoodDiary,
  SandboxSleep,
  SandboxWorkout,
} from "./provider/records.ts";
import { checkedRange } from "./pull/checked-range.ts";
import { readGenerated } from "./pull/read-generated.ts";
import { sandboxWebhook } from "./push/webhook-spec.ts";

/**
 * SANDBOX: a built-in provider that needs no account and no network. It invents realistic, deterministic
 * data for all seven Terra data types — the same user and day always yield the same records — so demos,
 * tests and benchmarks exercise the whole pipeline, and replays stay idempotent.
 */

const userOf = (ctx: PullContext) => ctx.connection.userId;
const options = (ctx: PullContext) => ({ withSamples: ctx.withSamples });

export default defineConnector({
  name: "SANDBOX",
  displayName: "Sandbox",
  icon: SANDBOX_ICON,
  auth: { type: "none" },
  backfillDays: 28,
  pollIntervalSeconds: 900,
  // Synthetic data exists for any date; like a real provider, it serves two years of history.
  maxHistoryDays: 730,
  webhook: sandboxWebhook,
  pull: {
    activity: {
      read: (ctx) => readGenerated(() => generateActivities(userOf(ctx), checkedRange(ctx.range), options(ctx)), ctx.signal),
      map: (record, ctx) => mapActivity(record as SandboxWorkout, ctx),
    },
    body: {
      read: (ctx) => readGenerated(() => generateBodies(userOf(ctx), checkedRange(ctx.range), options(ctx)), ctx.signal),
      map: (record, ctx) => mapBody(record as SandboxBodyDay, ctx),
    },
    daily: {
      read: (ctx) => readGenerated(() => generateDailies(userOf(ctx), checkedRange(ctx.range), options(ctx)), ctx.signal),
      map: (record, ctx) => mapDaily(record as SandboxDailySummary, ctx),
    },
    sleep: {
      read: (ctx) => readGenerated(() => generateSleeps(userOf(ctx), checkedRange(ctx.range), options(ctx)), ctx.signal),
      map: (record, ctx) => mapSleep(record as SandboxSleep, ctx),
    },
    nutrition: {
      read: (ctx) => readGenerated(() => generateNutrition(userOf(ctx), checkedRange(ctx.range)), ctx.signal),
      map: (record, ctx) => mapNutrition(record as SandboxFoodDiary, ctx),
    },
    menstruation: {
      read: (ctx) => readGenerated(() => generateMenstruation(userOf(ctx), checkedRange(ctx.range)), ctx.signal),
      map: (record, ctx) => mapMenstruation(record as SandboxCycleDay, ctx),
    },
    athlete: {
      // One profile per user; the range only fixes the date the age is computed on.
      read: (ctx) => readGenerated(() => [generateAthlete(userOf(ctx), checkedRange(ctx.range).end)], ctx.signal),
      map: (record) => mapAthlete(record as SandboxAthlete),
    },
  },
});

export { generateActivities, workoutsForDay } from "./generators/activity.ts";
export type { GenerateOptions } from "./generators/generate-options.ts";
export { generateSleeps, sleepsForDay } from "./generators/sleep.ts";
export { generateDailies, dailyForDay } from "./generators/daily.ts";
export { generateBodies, bodyForDay } from "./generators/body.ts";
export { generateNutrition, nutritionForDay } from "./generators/nutrition.ts";
export { generateMenstruation, menstruationForDay } from "./generators/menstruation.ts";
export { generateAthlete } from "./generators/athlete.ts";
export { mapActivity, mapSleep, mapDaily, mapBody, mapNutrition, mapMenstruation, mapAthlete };
export type { SandboxMapOptions } from "./mappings/options.ts";
export { sandboxTerraRecords, type SandboxRecordsRequest } from "./terra-records.ts";
export { sandboxProfile, type SandboxProfile } from "./profile/user-profile.ts";
export { localDayNumber, localMidnightMs, isoDate } from "./time/local-time.ts";
export { terraTimestamp } from "./time/terra-timestamp.ts";
export type * from "./provider/records.ts";
export { SANDBOX_SPORTS, type SandboxSport } from "./provider/sport.ts";
export { sandboxWebhook, SANDBOX_SIGNATURE_HEADER } from "./push/webhook-spec.ts";
export { pingNotification, pushNotification, type SandboxNotification, type SandboxPushBody } from "./push/notifications.ts";
export { sandboxProviderRecords } from "./push/native-records.ts";
export {
  createSandboxPushClient,
  signSandboxRequest,
  type SandboxPushClient,
  type SandboxPushClientOptions,
  type SandboxPushResponse,
  type SignedRequest,
} from "./push/sandbox-provider.ts";
