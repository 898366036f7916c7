import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { bearerToken, type MockProvider, type PushResponse } from "@tributary/core/mock-provider";
import { workoutFiles } from "../../connectors/wahoo/test/wahoo.ts";
import type { StagedProvider } from "./provider-stage.ts";
import { shiftTimes } from "./shift-times.ts";

/** What a running case can use: its mock, Tributary's hook for the provider, and the fixtures' move in time. */
export interface CaseContext {
  mock: MockProvider;
  /** `<publicUrl>/hooks/<PROVIDER>`. */
  hook: string;
  /** A time of the fixtures as it is now served (they were moved to end yesterday). */
  at<T>(recorded: T): T;
  /**
   * The spec's webhook example `index`, moved like the fixtures (and changed), signed the provider's way
   * with its push secret (or another one).
   */
  example(index: number, options?: { secret?: string; change?: (body: any) => unknown }): Promise<PushResponse>;
}

/** Records of one data type that must arrive: at least one the predicate accepts. */
export interface Arrives {
  type: string;
  what: string;
  has(record: any, ctx: CaseContext): boolean;
}

export interface ProviderPush {
  what: string;
  send(ctx: CaseContext): Promise<PushResponse>;
  /** What reaches the destination because of it. */
  delivers: Arrives;
}

/** A push the provider did not send: refused at the door, or (a provider that signs nothing) of no use. */
export type ForgedPush =
  | { what: string; refused: true; send(ctx: CaseContext): Promise<PushResponse> }
  | { what: string; refused: false; send(ctx: CaseContext): Promise<PushResponse & { check(): Promise<void> }> };

export interface ProviderCase extends StagedProvider {
  name: "STRAVA" | "FITBIT" | "OURA" | "WHOOP" | "GARMIN" | "WITHINGS" | "POLAR" | "WAHOO";
  /** The account that consents on the provider's page. */
  login: { username: string; password: string };
  providerUserId: string;
  /** The secret the provider signs its pushes with: its client secret, the webhook's own, none (unsigned). */
  pushSecret: string;
  /** Oura writes its hex digest in upper case. */
  hexCase?: "upper";
  /** What the backfill at connect delivers. Garmin's history comes by push: its backfill is requests. */
  backfill: Arrives[];
  pushes: ProviderPush[];
  forged: ForgedPush;
}

const CLIENT_SECRET = "mock-client-secret";
const WRONG = "not-the-provider-secret";
const id = (summaryId: string) => (record: any) => record.metadata?.summary_id === summaryId;
/** Ava's run (18:00 at +60 minutes on the fixtures' 10 March) as POLAR names it: her Polar user and its start in UTC. */
const polarRun = (ctx: CaseContext) => `475220-${ctx.at("2026-03-10").replaceAll("-", "")}T170000Z`;
const samples = (record: any, path: (record: any) => unknown[] | undefined, n: number) => (path(record) ?? []).length === n;

/** A Garmin ping whose callbackURL is another host: the user's token must never be sent there. */
async function pingElsewhere(ctx: CaseContext): Promise<PushResponse & { check(): Promise<void> }> {
  let hits = 0;
  const elsewhere = createServer((_request, response) => {
    hits++;
    response.writeHead(200, { "content-type": "application/json" }).end("[]");
  });
  await new Promise<void>((resolve) => elsewhere.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
  const answer = await ctx.example(1, {
    change: (body) => ({
      sleeps: [{ ...body.sleeps[0], callbackURL: `${origin}/wellness-api/rest/sleeps?uploadStartTimeInSeconds=1&uploadEndTimeInSeconds=2` }],
    }),
  });
  return {
    ...answer,
    async check() {
      await new Promise<void>((resolve) => elsewhere.close(() => resolve()));
      if (hits > 0) throw new Error(`the forged ping's host was called ${hits} time(s)`);
    },
  };
}

const GARMIN_SLEEPS_PING = JSON.parse(readFileSync(new URL("../../connectors/garmin/recordings/0001-sleeps-ping.json", import.meta.url), "utf8")) as {
  response: { body: Array<{ userId: string }> };
};
const WAHOO_CDN = "https://cdn.wahooligan.com";

/**
 * The eight providers of the push-and-pull issues, each with its own way in (PKCE or not, Withings'
 * requesttoken, Polar's registration), what its backfill delivers, the push it sends signed its way and
 * one it did not send.
 */
export const PROVIDER_CASES: ProviderCase[] = [
  {
    name: "STRAVA",
    login: { username: "maya@example.com", password: "strava-maya" },
    providerUserId: "48213377",
    settings: `options: { subscription_id: "281034" }`,
    verifyToken: "strava-verify",
    // Strava signs nothing: a push is ours when it names our subscription.
    pushSecret: "",
    backfill: [
      {
        type: "activity",
        what: "the morning ride with its 720 distance samples",
        has: (r) =>
          id("17001000001")(r) && r.distance_data.summary.distance_meters === 28582.5 && samples(r, (x) => x.distance_data.detailed?.distance_samples, 720),
      },
      { type: "athlete", what: "the athlete", has: (r) => r.provider_user_id === "48213377" && r.first_name === "Maya" },
    ],
    pushes: [
      {
        what: "a new ride",
        send: (ctx) => ctx.example(0),
        delivers: {
          type: "activity",
          what: "the ride with 240 heart-rate samples",
          has: (r) => id("17001000002")(r) && samples(r, (x) => x.heart_rate_data.detailed?.hr_samples, 240),
        },
      },
    ],
    forged: {
      what: "a push naming another subscription",
      refused: true,
      send: (ctx) => ctx.example(0, { change: (body) => ({ ...body, subscription_id: 999 }) }),
    },
  },
  {
    name: "FITBIT",
    login: { username: "lena@example.com", password: "fitbit-lena" },
    providerUserId: "GGNJL9",
    verifyToken: "fitbit-verify",
    pushSecret: CLIENT_SECRET,
    backfill: [
      {
        type: "activity",
        what: "a run",
        has: (r) => id("52375441234")(r) && r.distance_data.summary.distance_meters === 5200 && r.distance_data.summary.steps === 4800,
      },
      {
        type: "sleep",
        what: "a night with its stages",
        has: (r) => id("26013218219")(r) && r.sleep_durations_data.asleep.duration_deep_sleep_state_seconds === 4200,
      },
      {
        type: "body",
        what: "a weigh-in with body fat",
        has: (r) => r.measurements_data.measurements.some((m: any) => m.weight_kg === 64.2 && m.bodyfat_percentage === 24.1),
      },
      { type: "nutrition", what: "a day's food log", has: (r) => r.summary.macros.calories === 825 },
      { type: "daily", what: "a day with its steps", has: (r, ctx) => r.metadata.start_time.startsWith(ctx.at("2026-03-02")) },
    ],
    pushes: [
      {
        what: "a synced tracker",
        send: (ctx) => ctx.example(0),
        delivers: {
          type: "daily",
          what: "the notified day's 8,500 steps",
          has: (r, ctx) => r.metadata.start_time === `${ctx.at("2026-03-10")}T00:00:00.000000+01:00` && r.distance_data.steps === 8500,
        },
      },
    ],
    forged: { what: "a push signed with another secret", refused: true, send: (ctx) => ctx.example(0, { secret: WRONG }) },
  },
  {
    name: "OURA",
    login: { username: "noor@example.com", password: "oura-noor" },
    providerUserId: "2c9f6a1e-oura-0001",
    verifyToken: "oura-verify",
    pushSecret: CLIENT_SECRET,
    hexCase: "upper",
    backfill: [
      {
        type: "activity",
        what: "a ride with 720 heart-rate samples",
        has: (r) =>
          id("9e7d1c2b-3a4f-4b6e-8d0c-1f2e3a4b5c6d")(r) &&
          r.heart_rate_data.summary.avg_hr_bpm === 129.5 &&
          samples(r, (x) => x.heart_rate_data.detailed?.hr_samples, 720),
      },
      { type: "sleep", what: "a night", has: id("sleep-noor-2026-03-01") },
      { type: "daily", what: "a day's steps", has: (r) => r.distance_data.steps === 7300 },
    ],
    pushes: [
      {
        what: "a processed sleep period",
        send: (ctx) => ctx.example(0),
        delivers: { type: "sleep", what: "that sleep", has: id("5b0c2f7e-9d5a-4c1f-8f0e-6a1b7c3d9e21") },
      },
    ],
    forged: { what: "a push signed with another secret", refused: true, send: (ctx) => ctx.example(0, { secret: WRONG }) },
  },
  {
    name: "WHOOP",
    login: { username: "jonas@example.com", password: "whoop-jonas" },
    providerUserId: "10129",
    pushSecret: CLIENT_SECRET,
    backfill: [
      { type: "activity", what: "a run", has: (r) => id("3f1c2b7a-0d4e-4c5f-9a8b-7e6d5c4b3a21")(r) && r.calories_data.total_burned_calories === 375.1 },
      { type: "sleep", what: "a night", has: id("501c6a15-4661-442f-a9a4-f160dd7afae8") },
      { type: "daily", what: "a cycle with its recovery", has: (r) => r.scores?.recovery === 41 && r.strain_data.strain_level === 5.55 },
      { type: "body", what: "the body measurement", has: (r) => r.measurements_data.measurements[0].weight_kg === 90.7185 },
    ],
    pushes: [
      {
        what: "a scored sleep",
        send: (ctx) => ctx.example(0),
        delivers: { type: "sleep", what: "that sleep", has: id("ecfc6a15-4661-442f-a9a4-f160dd7afae8") },
      },
    ],
    forged: { what: "a push signed with another secret", refused: true, send: (ctx) => ctx.example(0, { secret: WRONG }) },
  },
  {
    name: "GARMIN",
    login: { username: "noor@example.com", password: "garmin-noor" },
    providerUserId: "4aacafe82427c251df9c9592d0c06768",
    pushSecret: "",
    // The history is asked for at connect (Garmin answers 202) and arrives later as pushes.
    backfill: [],
    routes(mock, staged) {
      // A ping's upload window, answered to the user's own token.
      mock.app.get("/wellness-api/rest/sleeps", async (request, reply) => {
        const outcome = mock.oauth!.authenticateToken(bearerToken(request.headers.authorization));
        if (!outcome.ok) return reply.code(401).send({ errorMessage: "Unauthorized" });
        return reply.send(shiftTimes(GARMIN_SLEEPS_PING.response.body, staged.days).filter((record) => record.userId === String(outcome.user.id)));
      });
    },
    pushes: [
      {
        what: "push mode: a daily summary",
        send: (ctx) => ctx.example(0),
        delivers: {
          type: "daily",
          what: "the day's 9,240 steps",
          has: (r, ctx) => r.metadata.start_time === `${ctx.at("2026-03-09")}T00:00:00.000000+01:00` && r.distance_data.steps === 9240,
        },
      },
      {
        what: "ping mode: sleeps uploaded",
        send: (ctx) => ctx.example(1),
        delivers: { type: "sleep", what: "the night fetched from the callbackURL", has: id("x15372ea-69af42e0-6978") },
      },
    ],
    forged: { what: "a ping whose callbackURL is another host", refused: false, send: pingElsewhere },
  },
  {
    name: "WITHINGS",
    login: { username: "ines@example.com", password: "withings-ines" },
    providerUserId: "31873629",
    pushSecret: "",
    backfill: [
      { type: "activity", what: "a swim", has: (r) => id("3398002")(r) && r.distance_data.summary.swimming.num_laps === 40 },
      { type: "sleep", what: "a night", has: id("2480377") },
      {
        type: "body",
        what: "a weighing with body fat",
        has: (r) => r.measurements_data.measurements.some((m: any) => m.weight_kg === 72.1 && m.bodyfat_percentage === 18.1),
      },
    ],
    pushes: [
      {
        what: "a day's activity (a day the backfill's 28 days do not reach)",
        send: (ctx) => ctx.example(2),
        delivers: {
          type: "daily",
          what: "that day's 9,184 steps",
          has: (r, ctx) => r.metadata.start_time.startsWith(ctx.at("2026-03-02")) && r.distance_data.steps === 9184,
        },
      },
    ],
    forged: {
      what: "a notification for an account nobody connected",
      refused: false,
      async send(ctx) {
        const answer = await ctx.example(0, { change: (body) => ({ ...body, userid: "99999999" }) });
        return { ...answer, check: async () => void expectSkipped(answer) };
      },
    },
  },
  {
    name: "POLAR",
    login: { username: "ava@example.com", password: "polar-ava" },
    providerUserId: "475220",
    settings: "pushSecret: polar-webhook-secret",
    pushSecret: "polar-webhook-secret",
    backfill: [
      {
        type: "activity",
        what: "a run with its samples",
        has: (r, ctx) =>
          id(polarRun(ctx))(r) && r.distance_data.summary.distance_meters === 2012.5 && samples(r, (x) => x.heart_rate_data.detailed?.hr_samples, 10),
      },
      { type: "sleep", what: "a night", has: (r, ctx) => r.metadata.summary_id === ctx.at("2026-03-11") },
      { type: "daily", what: "a day's steps", has: (r) => r.distance_data.steps === 11240 },
    ],
    pushes: [
      {
        what: "a synchronised exercise",
        send: (ctx) => ctx.example(0),
        delivers: { type: "activity", what: "that exercise", has: (r, ctx) => id(polarRun(ctx))(r) },
      },
    ],
    forged: { what: "a push signed with another secret", refused: true, send: (ctx) => ctx.example(0, { secret: WRONG }) },
  },
  {
    name: "WAHOO",
    login: { username: "sam@example.com", password: "wahoo-sam" },
    providerUserId: "60462",
    settings: "pushSecret: wahoo-webhook-token",
    pushSecret: "wahoo-webhook-token",
    // The workouts' FIT files are on Wahoo's CDN: here the mock serves them.
    fixtures: (fixtures, staged) => rewriteText(fixtures, WAHOO_CDN, staged.origin),
    routes(mock, staged) {
      const files = workoutFiles(shiftTimes("2026-03-31T07:00:00Z", staged.days));
      mock.app.get("/wahoo-cloud/*", async (request, reply) => {
        const file = files.get(new URL(request.url, staged.origin).pathname);
        return file ? reply.type("application/octet-stream").send(file) : reply.code(404).type("application/xml").send("<Error><Code>NoSuchKey</Code></Error>");
      });
    },
    backfill: [
      {
        type: "activity",
        what: "the ride with its FIT file's 60 heart-rate samples",
        has: (r) => id("774300")(r) && r.power_data.avg_watts === 210 && samples(r, (x) => x.heart_rate_data.detailed?.hr_samples, 60),
      },
      {
        type: "activity",
        what: "the run whose file is not a FIT file, from its summary alone",
        has: (r) => id("774299")(r) && r.heart_rate_data.detailed === undefined,
      },
    ],
    pushes: [
      {
        what: "a saved ride's summary",
        send: (ctx) =>
          ctx.example(0, {
            change: (body) => ({ ...body, workout_summary: { ...body.workout_summary, workout: { ...body.workout_summary.workout, id: 774300 } } }),
          }),
        delivers: {
          type: "activity",
          what: "the ride, fetched with its FIT file",
          has: (r) => id("774300")(r) && samples(r, (x) => x.heart_rate_data.detailed?.hr_samples, 60),
        },
      },
    ],
    forged: { what: "a push carrying another webhook token", refused: true, send: (ctx) => ctx.example(0, { secret: WRONG }) },
  },
];

function expectSkipped(answer: PushResponse): void {
  const body = JSON.parse(answer.body) as { skipped?: number; notifications?: number };
  if (answer.status !== 200 || body.skipped !== 1 || body.notifications !== 0)
    throw new Error(`expected the notification acknowledged and skipped, got ${answer.status} ${answer.body}`);
}

/** Every string of `value` that starts with `from` starts with `to` instead. */
function rewriteText<T>(value: T, from: string, to: string): T {
  if (typeof value === "string") return (value.startsWith(from) ? to + value.slice(from.length) : value) as T;
  if (Array.isArray(value)) return value.map((item) => rewriteText(item, from, to)) as T;
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, rewriteText(item, from, to)])) as T;
  return value;
}
