import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConnectorSpec } from "@tributary/schemas";
import { defineConnector } from "@tributary/core/contracts";
import { createLogger } from "@tributary/core/log";
import { mockFromSpec, type MockProvider } from "@tributary/core/mock-provider";
import { Priority, type PullJobData } from "@tributary/core/queue";
import { createPluginRegistry } from "@tributary/core/registry";
import { until } from "../../../test/kit/until.ts";
import { naturalKeys, receivedFor, startPipeline, type Pipeline } from "./pipeline.ts";

const PROVIDER = "PARKED";
const MEMBER = "member-7";
const TOKEN = "parked-pasted-token";
const DAY = 86_400_000;
const START = Date.parse("2026-01-05T00:00:00Z");

/** 22 workouts, one every second day, in cursor pages of 4; each with its samples behind a detail request. */
const WORKOUTS = Array.from({ length: 22 }, (_, i) => ({
  id: `w${String(i).padStart(2, "0")}`,
  start: new Date(START + i * 2 * DAY + 7 * 3_600_000).toISOString(),
  end: new Date(START + i * 2 * DAY + 8 * 3_600_000).toISOString(),
}));

/**
 * The provider's two windows, per user and per OAuth client, small enough that a pull spends them many
 * times over: each time the next request fits only in more than a second, the pull parks.
 */
const RATE_LIMITS = [
  { name: "user_window", scope: "user", max: 5, perSeconds: 2 },
  { name: "client_window", scope: "client", max: 12, perSeconds: 6 },
] as const;

const spec = {
  name: PROVIDER,
  displayName: "Parked",
  dataTypes: ["activity"],
  auth: { type: "bearer_token" },
  http: { baseUrl: "https://api.parked.example/v1", rateLimits: RATE_LIMITS.map((w) => ({ ...w })) },
  streams: {
    activity: [
      {
        name: "workouts",
        request: { path: "/users/{provider_user_id}/workouts", query: { from: "{start}", to: "{end}" } },
        dateRange: { start: { format: "datetime" }, end: { format: "datetime" }, maxWindowDays: 31 },
        paging: { type: "cursor", param: "cursor", cursorPath: "/next", sizeParam: "limit", size: 4 },
        records: "/data",
        id: "/id",
        details: [{ name: "label", request: { path: "/users/{provider_user_id}/workouts/{record.id}/label" }, select: "/label" }],
      },
    ],
  },
  mappings: {
    activity: {
      template: {
        metadata: {
          summary_id: { path: "/id", required: true },
          name: { path: "/label", required: true },
          start_time: { path: "/start", time: { format: "datetime" }, required: true },
          end_time: { path: "/end", time: { format: "datetime" }, required: true },
          type: 1,
          upload_type: 1,
        },
      },
    },
  },
} as unknown as ConnectorSpec;

/**
 * Fixtures of a provider that lists what touched the window: the two days before it too, so the last
 * workout of a window is listed again at the start of the next (to be dropped as a duplicate). `listed`
 * is the time the mock keeps records by: the window's start for all it lists; without a window the mock
 * is looking a record up for its detail.
 */
function relisting(workouts: typeof WORKOUTS) {
  return {
    records: ({ window }: { window: { start?: number; end?: number } }) =>
      window.start === undefined || window.end === undefined
        ? workouts
        : workouts
            .filter((w) => Date.parse(w.start) >= window.start! - 2 * DAY && Date.parse(w.start) < window.end!)
            .map((w) => ({ ...w, listed: new Date(window.start!).toISOString() })),
    time: { path: "/listed", format: "datetime" as const },
  };
}

/** PARKED without details, and a budget of one request in 2 s: the pull parks before every request. */
const EACH = "PARKED_EACH";
const everyRequestSpec = {
  ...spec,
  name: EACH,
  displayName: "Parked before each request",
  http: { ...spec.http, rateLimits: [{ name: "user_slow", scope: "user", max: 1, perSeconds: 2 }] },
  streams: { activity: [{ ...spec.streams!.activity![0]!, details: undefined }] },
  mappings: {
    activity: { template: { metadata: { ...(spec.mappings!.activity!.template as { metadata: object }).metadata, name: { path: "/id" } } } },
  },
} as unknown as ConnectorSpec;
/** Eight workouts, one every five days: seven in the first 31-day window, the seventh listed again in the second. */
const SPARSE = Array.from({ length: 8 }, (_, i) => ({
  id: `s${i}`,
  start: new Date(START + i * 5 * DAY + 7 * 3_600_000).toISOString(),
  end: new Date(START + i * 5 * DAY + 8 * 3_600_000).toISOString(),
}));

/**
 * A pull that waits out the provider's rate windows, parked as a delayed job between them, against a
 * mock that enforces both windows: it continues each time from exactly where it stopped — no list page
 * or detail asked for twice, no record delivered twice (a record listed again after a park is known as
 * one already read) — and never makes a request the provider refuses.
 */
describe("a parked pull", () => {
  let pipeline: Pipeline;
  let mock: MockProvider;
  let everyRequestMock: MockProvider;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    mock = mockFromSpec(spec, {
      users: [{ id: MEMBER, token: TOKEN }],
      streams: {
        workouts: {
          ...relisting(WORKOUTS),
          details: { label: (record) => ({ label: `label of ${(record as { id: string }).id}` }) },
        },
      },
    });
    await mock.listen();
    everyRequestMock = mockFromSpec(everyRequestSpec, { users: [{ id: MEMBER, token: TOKEN }], streams: { workouts: relisting(SPARSE) } });
    await everyRequestMock.listen();
    const registry = createPluginRegistry([defineConnector({ spec }), defineConnector({ spec: everyRequestSpec })]);
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString("utf8").split("\n")) if (line.trim() !== "") lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    pipeline = await startPipeline({
      registry,
      providers: { [PROVIDER]: { baseUrl: mock.urls().baseUrl }, [EACH]: { baseUrl: everyRequestMock.urls().baseUrl } },
      log: createLogger({ level: "debug", destination, format: "json" }),
    });
  }, 60_000);
  afterAll(async () => {
    await pipeline?.close();
    await mock?.close();
    await everyRequestMock?.close();
  });

  /** A connected member's backfill of `days` from START, run to completion (parks and all). */
  const backfill = async (provider: string, days: number) => {
    const { ctx } = pipeline;
    const user = await ctx.store.createConnection({
      provider,
      providerUserId: MEMBER,
      tokens: { auth_type: "bearer_token", access_token: TOKEN, obtained_at: Date.now() },
    });
    const data: PullJobData = {
      userId: user.user_id,
      provider,
      dataType: "activity",
      start: new Date(START).toISOString(),
      end: new Date(START + days * DAY).toISOString(),
      reason: "backfill",
      withSamples: true,
      traceId: randomUUID(),
    };
    const job = await ctx.queues.pull.add(`${provider}:activity`, data, { jobId: `parked-${user.user_id}`, priority: Priority.backfill });
    for (let state = await job.getState(); state !== "completed"; state = await job.getState()) {
      expect(state).not.toBe("failed");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { user, job };
  };

  /** The activity payloads the receiver got (not counting repeats) once they hold at least `count` records; a second more for any extra. */
  const deliveredOnce = async (userId: string, count: number) => {
    const received = () => receivedFor(pipeline.receiver, userId, "activity").filter((r) => !r.duplicate);
    await until(`${count} delivered records`, async () => (naturalKeys(received()).length >= count ? true : undefined), 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return received();
  };

  it("continues from the exact stream position after every park: each page and detail asked for once, each record delivered once, no 429", async () => {
    const { ctx } = pipeline;
    const { user, job } = await backfill(PROVIDER, 50);

    // It did park, more than once, for the budget.
    const finished = await ctx.queues.pull.getJob(job.id!);
    expect((finished!.data as PullJobData).resume?.part).toBeGreaterThan(1);
    expect(finished?.attemptsMade).toBe(1);

    const requests = mock.requests;
    expect(requests.filter((r) => r.status === 429)).toEqual([]);
    const pages = requests.filter((r) => r.path.endsWith("/workouts")).map((r) => `${r.query.from}|${r.query.cursor ?? ""}`);
    expect(pages).toHaveLength(new Set(pages).size);
    // Two windows of 31 days: 22 workouts in pages of 4 (one 31-day window holds 16: 4 pages; the rest 6
    // and the first window's last, listed again: 2 pages).
    expect(pages).toHaveLength(6);
    const labels = requests.filter((r) => r.path.endsWith("/label")).map((r) => r.path);
    expect(labels.sort()).toEqual(WORKOUTS.map((w) => `/v1/users/${MEMBER}/workouts/${w.id}/label`).sort());

    // A payload delivered again (same trace id: a delivery retried) is the receiver's to drop; every payload is counted once.
    // Delivery runs after the pull job completes, so the last page's records may still be on their way.
    const received = await deliveredOnce(user.user_id, WORKOUTS.length);
    expect(naturalKeys(received).sort()).toEqual(WORKOUTS.map((w) => `activity/${w.id}`).sort());
    const names = received.flatMap((r) => (r.payload as unknown as { data: { metadata: { summary_id: string; name: string } }[] }).data.map((a) => a.metadata));
    for (const metadata of names) expect(metadata.name).toBe(`label of ${metadata.summary_id}`);

    // Waiting for our own budget is pacing: said at debug level, with the window, and never as the provider refusing us.
    const parks = lines.filter((line) => typeof line.msg === "string" && line.msg.startsWith("rate budget spent"));
    expect(parks.length).toBeGreaterThan(0);
    expect(parks.every((line) => line.level === 20 && (line.window === "user_window" || line.window === "client_window"))).toBe(true);
    expect(lines.filter((line) => (line.level as number) >= 40 && line.provider === PROVIDER)).toEqual([]);
  }, 120_000);
  it("parked before every list page, it still delivers a workout listed again in the next window once", async () => {
    const { ctx } = pipeline;
    const { user, job } = await backfill(EACH, 40);
    // Three pages (two in the first window, one in the second, which starts with s6 again), each after a park.
    const pages = everyRequestMock.requests.filter((r) => r.status === 200 && r.path.endsWith("/workouts"));
    expect(pages).toHaveLength(3);
    expect(((await ctx.queues.pull.getJob(job.id!))!.data as PullJobData).resume?.part).toBeGreaterThanOrEqual(2);
    const received = await deliveredOnce(user.user_id, SPARSE.length);
    expect(naturalKeys(received).sort()).toEqual(SPARSE.map((w) => `activity/${w.id}`).sort());
  }, 60_000);
});
