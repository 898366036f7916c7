import { defineConnector, type MapContext, type ProviderRecord, type ReadContext, type ReadHook } from "@tributary/core/contracts";
import type { DataType } from "@tributary/schemas";
import { generateActivities } from "./generators/activity.ts";
import { generateAthlete } from "./generators/athlete.ts";
import { generateBodies } from "./generators/body.ts";
import { generateDailies } from "./generators/daily.ts";
import { generateMenstruation } from "./generators/menstruation.ts";
import { generateNutrition } from "./generators/nutrition.ts";
import { generateSleeps } from "./generators/sleep.ts";
import { SANDBOX_ICON } from "./icon.ts";
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
 * tests and benchmarks exercise the whole pipeline, and replays stay idempotent. Its spec says what a
 * spec can (identity, auth none, sync, the push webhook); its read and map hooks generate and map.
 */

const userOf = (ctx: ReadContext) => ctx.connection.userId;
const options = (ctx: ReadContext) => ({ withSamples: ctx.withSamples });
const generated =
  (produce: (ctx: ReadContext) => Iterable<ProviderRecord>): ReadHook =>
  (ctx) =>
    readGenerated(() => produce(ctx), ctx.signal);

const read: Record<DataType, ReadHook> = {
  activity: generated((ctx) => generateActivities(userOf(ctx), checkedRange(ctx.window), options(ctx))),
  body: generated((ctx) => generateBodies(userOf(ctx), checkedRange(ctx.window), options(ctx))),
  daily: generated((ctx) => generateDailies(userOf(ctx), checkedRange(ctx.window), options(ctx))),
  sleep: generated((ctx) => generateSleeps(userOf(ctx), checkedRange(ctx.window), options(ctx))),
  nutrition: generated((ctx) => generateNutrition(userOf(ctx), checkedRange(ctx.window))),
  menstruation: generated((ctx) => generateMenstruation(userOf(ctx), checkedRange(ctx.window))),
  // One profile per user; the window only fixes the date the age is computed on.
  athlete: generated((ctx) => [generateAthlete(userOf(ctx), checkedRange(ctx.window).end)]),
};

const map = {
  activity: (record: ProviderRecord, ctx: MapContext) => mapActivity(record as SandboxWorkout, ctx),
  body: (record: ProviderRecord, ctx: MapContext) => mapBody(record as SandboxBodyDay, ctx),
  daily: (record: ProviderRecord, ctx: MapContext) => mapDaily(record as SandboxDailySummary, ctx),
  sleep: (record: ProviderRecord, ctx: MapContext) => mapSleep(record as SandboxSleep, ctx),
  nutrition: (record: ProviderRecord, ctx: MapContext) => mapNutrition(record as SandboxFoodDiary, ctx),
  menstruation: (record: ProviderRecord, ctx: MapContext) => mapMenstruation(record as SandboxCycleDay, ctx),
  athlete: (record: ProviderRecord) => mapAthlete(record as SandboxAthlete),
} satisfies Record<DataType, (record: ProviderRecord, ctx: MapContext) => unknown>;

/** Each record's provider id: workouts, sleeps and the athlete carry one; day records are keyed by their date. */
const ID_OF: Record<DataType, string> = {
  activity: "/id",
  sleep: "/id",
  athlete: "/id",
  body: "/calendarDate",
  daily: "/calendarDate",
  nutrition: "/calendarDate",
  menstruation: "/calendarDate",
};

const DATA_TYPES = Object.keys(read) as DataType[];

export default defineConnector({
  spec: {
    name: "SANDBOX",
    displayName: "Sandbox",
    description: "Synthetic, deterministic data for every Terra data type: no account, no network.",
    icon: SANDBOX_ICON,
    dataTypes: DATA_TYPES,
    auth: { type: "none" },
    streams: Object.fromEntries(DATA_TYPES.map((dataType) => [dataType, [{ name: dataType, id: ID_OF[dataType] }]])),
    webhook: sandboxWebhook,
    // Synthetic data exists for any date; like a real provider, it serves two years of history.
    sync: { backfillDays: 28, pollIntervalSeconds: 900, maxHistoryDays: 730 },
  },
  hooks: { read, map },
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
