import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import type { StreamSpec } from "@tributary/schemas";
import type { StateStore } from "../../src/state/index.ts";
import { ProviderWaitError } from "../../src/provider-http/errors.ts";
import { checkpointKey } from "../../src/streams/checkpoints.ts";
import type { StreamPosition } from "../../src/streams/read-stream.ts";
import { clientFor, dropKeys, specFor, startMockProvider, testRedis, uniquePrefix, type MockProvider } from "../provider-http/helpers.ts";
import { collect, executorFor, ids, stream, testStore } from "./stream-helpers.ts";

const DAY = 86_400_000;
const T0 = Date.parse("2024-03-01T00:00:00Z");
/** One record a day at noon for 20 days; `start_time` in unix seconds. */
const DAILY = Array.from({ length: 20 }, (_, i) => ({ id: `d${i}`, start_time: (T0 + i * DAY + DAY / 2) / 1000 }));

describe("stream windows, checkpoints and resuming", () => {
  let provider: MockProvider;
  let store: StateStore;
  let closeStore: (() => Promise<void>) | undefined;
  let redis: Redis;
  const prefixes: string[] = [];
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    redis = testRedis();
    ({ store, close: closeStore } = await testStore());
    provider = await startMockProvider((app) => {
      // Xert-like: records whose start lies in [from, to], unix seconds.
      app.get("/activity", async (request) => {
        const { from, to } = request.query as Record<string, string>;
        return { success: true, activities: DAILY.filter((r) => r.start_time >= Number(from) && r.start_time <= Number(to)) };
      });
      // Overlap-listing provider: anything touching the window, so a record on a boundary appears twice.
      app.get("/overlap", async (request) => {
        const { from, to } = request.query as Record<string, string>;
        return { activities: DAILY.filter((r) => r.start_time >= Number(from) - DAY / 1000 && r.start_time <= Number(to)) };
      });
      app.get("/days", async () => ({ data: [] }));
      // WHOOP-like: current values with no time of their own; the answer's Date header says when they were given.
      app.get("/current", async (_request, reply) => reply.header("date", "Mon, 16 Mar 2026 07:30:00 GMT").send({ weight_kilogram: 90.7 }));
      // Fitbit-like: one day's summary, which names no day.
      app.get("/summary/:date", async (request) => ({ summary: { steps: Number((request.params as { date: string }).date.slice(-2)) * 100 } }));
      app.get("/numbered", async (request) => {
        const page = Number((request.query as Record<string, string>).page);
        return { data: DAILY.slice(page - 1, page) };
      });
      // Cursor pages of three, each record's samples by id, the user's profile.
      app.get("/cursored", async (request) => {
        const at = Number((request.query as Record<string, string>).cursor ?? 0);
        const next = at + 3 < DAILY.length ? String(at + 3) : null;
        return { data: DAILY.slice(at, at + 3), next };
      });
      // Cursor pages of three that overlap by one (a list that shifted between requests): each page
      // starts with the record the previous one ended with.
      app.get("/shifting", async (request) => {
        const at = Number((request.query as Record<string, string>).cursor ?? 0);
        const next = at + 3 < DAILY.length ? String(at + 2) : null;
        return { data: DAILY.slice(at, at + 3), next };
      });
      app.get("/cursored/:id/samples", async (request) => ({ samples: [(request.params as { id: string }).id] }));
      app.get("/profile", async () => ({ tz: "Europe/Amsterdam" }));
      // Withings-like: the member's zone beside the records; Polar-like: each record's offset in minutes.
      app.get("/measures", async () => ({ body: { timezone: "Europe/Paris", groups: [{ grpid: 1 }, { grpid: 2 }] } }));
      app.get("/exercises", async () => [{ id: "e1", offset: 60 }, { id: "e2", offset: 120 }, { id: "e3" }]);
    });
  });
  afterAll(async () => {
    for (const close of closers) await close();
    for (const prefix of prefixes) await dropKeys(redis, prefix);
    redis?.disconnect();
    await closeStore?.();
    await provider?.close();
  });

  const client = (options: Parameters<typeof clientFor>[1] = {}, http: Parameters<typeof specFor>[1] = {}) => {
    const made = clientFor(specFor(provider.url, http), options);
    closers.push(made.close);
    return made.client;
  };
  const xert = (order: "oldest_first" | "newest_first", extra: Partial<StreamSpec> = {}): StreamSpec =>
    stream({
      request: { path: "/activity", query: { from: "{start}", to: "{end}" } },
      records: "/activities",
      dateRange: { start: { format: "unix_seconds" }, end: { format: "unix_seconds", inclusive: true }, maxWindowDays: 7, order },
      ...extra,
    });
  const range = { start: new Date(T0), end: new Date(T0 + 20 * DAY) };
  const now = () => T0 + 30 * DAY;
  /** Cursor pages of three, each record with its samples behind a detail request. */
  const cursoredWithSamples = (name: string): StreamSpec =>
    stream({
      name,
      request: { path: "/cursored" },
      records: "/data",
      paging: { type: "cursor", param: "cursor", cursorPath: "/next" },
      details: [{ name: "samples", request: { path: "/cursored/{record.id}/samples" }, select: "/samples" }],
    });
  /** A session on which d4's samples wait for the budget, while d5's, fetched alongside, arrive. */
  const stallingAtD4 = () => {
    const session = client().session();
    return Object.assign(Object.create(session) as typeof session, {
      send: async (request: Parameters<typeof session.send>[0], extra?: Parameters<typeof session.send>[1]) => {
        if ((extra?.record as { id?: string } | undefined)?.id === "d4") throw new ProviderWaitError("budget spent", 60_000, "budget");
        return session.send(request, extra);
      },
    });
  };

  it("steps through maxWindowDays oldest first, with inclusive unix-second ends", async () => {
    const before = provider.requests.length;
    const reading = executorFor({ name: "X" }, { now }).readStream(xert("oldest_first"), range, { session: client().session() });
    const records = await collect(reading);
    expect(ids(records)).toEqual(DAILY.map((r) => r.id));
    const windows = provider.requests.slice(before).map((r) => [Number(r.query.from), Number(r.query.to)]);
    expect(windows).toEqual([
      [T0 / 1000, (T0 + 7 * DAY) / 1000 - 1],
      [(T0 + 7 * DAY) / 1000, (T0 + 14 * DAY) / 1000 - 1],
      [(T0 + 14 * DAY) / 1000, (T0 + 20 * DAY) / 1000 - 1],
    ]);
    expect(reading.stats.windows).toBe(3);
  });

  it("recordFields: each record of a window gets the fields rendered for that window (a day's summary that names no day)", async () => {
    const spec = stream({
      request: { path: "/summary/{start}" },
      dateRange: { start: { format: "date" }, maxWindowDays: 1 },
      recordFields: { date: "{start}", owner: "{provider_user_id}" },
    });
    const days = { start: new Date(T0), end: new Date(T0 + 3 * DAY) };
    const records = await collect(
      executorFor({ name: "X" }, { now }).readStream(spec, days, { session: client().session({ variables: { provider_user_id: "GGNJL9" } }) }),
    );
    expect(records).toEqual([
      { summary: { steps: 100 }, date: "2024-03-01", owner: "GGNJL9" },
      { summary: { steps: 200 }, date: "2024-03-02", owner: "GGNJL9" },
      { summary: { steps: 300 }, date: "2024-03-03", owner: "GGNJL9" },
    ]);
  });

  it("recordFields: {answered_at} is when the provider answered the page (its Date header), the time of a record that has none", async () => {
    const spec = stream({ request: { path: "/current" }, id: "/weight_kilogram", recordFields: { measured_at: "{answered_at}" } });
    const records = await collect(executorFor({ name: "X" }, { now }).readStream(spec, range, { session: client().session() }));
    expect(records).toEqual([{ weight_kilogram: 90.7, measured_at: "2026-03-16T07:30:00.000Z" }]);
  });

  it("following: each record gets a value of the record after it in its page; a window's last record gets none", async () => {
    const spec = xert("oldest_first", { following: { into: "next_start", path: "/start_time" } });
    const records = await collect(executorFor({ name: "X" }, { now }).readStream(spec, range, { session: client().session() }));
    const next = (i: number) => (records.find((r) => r.id === `d${i}`) as { next_start?: number }).next_start;
    // Windows of 7 days: d0–d6, d7–d13, d14–d19.
    expect([next(0), next(5), next(6), next(7), next(13), next(18), next(19)]).toEqual([
      DAILY[1]!.start_time,
      DAILY[6]!.start_time,
      undefined,
      DAILY[8]!.start_time,
      undefined,
      DAILY[19]!.start_time,
      undefined,
    ]);
    // A value, never the record itself: nothing holds a chain of the records after it.
    expect(JSON.stringify(records[0])).toBe(JSON.stringify({ ...DAILY[0], next_start: DAILY[1]!.start_time }));
  });

  it("timezone: a stream learns the member's zone for the connection; every stream's recordFields read it as {timezone}", async () => {
    const user = await store.createConnection({ provider: "X" });
    const executor = executorFor({ name: "X" }, { now, cursors: store });
    const read = (spec: StreamSpec, userId: string | null = user.user_id) =>
      collect(executor.readStream(spec, range, { session: client().session(), ...(userId ? { userId } : {}) }));
    const day = stream({ name: "day", request: { path: "/current" }, id: "/weight_kilogram", recordFields: { zone: "{timezone}" } });
    // Nothing learned yet: empty.
    expect(await read(day)).toEqual([{ weight_kilogram: 90.7, zone: "" }]);
    const measures = stream({
      name: "measures",
      request: { path: "/measures" },
      records: "/body/groups",
      id: "/grpid",
      timezone: { in: "answer", path: "/body/timezone" },
      recordFields: { zone: "{timezone}" },
    });
    // The page's own records already get the zone it says.
    expect(await read(measures)).toEqual([
      { grpid: 1, zone: "Europe/Paris" },
      { grpid: 2, zone: "Europe/Paris" },
    ]);
    expect(await store.getCursor(user.user_id, "timezone")).toMatchObject({ v: 1, zone: "Europe/Paris" });
    expect(await read(day)).toEqual([{ weight_kilogram: 90.7, zone: "Europe/Paris" }]);
    // Offsets in minutes: the page's last record that has one (e3 has none).
    const exercises = stream({ name: "exercises", request: { path: "/exercises" }, timezone: { in: "record", path: "/offset", unit: "minutes" } });
    expect(ids(await read(exercises))).toEqual(["e1", "e2", "e3"]);
    expect(await read(day)).toEqual([{ weight_kilogram: 90.7, zone: "+02:00" }]);
    // Without a connection (a user id and a store) it lives for the read only.
    expect(await read(day, null)).toEqual([{ weight_kilogram: 90.7, zone: "" }]);
    // localDays: whole days from the member's midnight (+02:00: 22:00Z the day before), each collected record says its zone.
    const local = xert("oldest_first", {
      name: "local",
      dateRange: { start: { format: "unix_seconds" }, end: { format: "unix_seconds", inclusive: true }, maxWindowDays: 1, wholeDays: true, localDays: true },
      collect: { into: "acts" },
    });
    const before = provider.requests.length;
    const reading = executor.readStream(local, { start: new Date(T0), end: new Date(T0 + 2 * DAY) }, { session: client().session(), userId: user.user_id });
    const days = await collect(reading);
    const H = 3_600_000;
    expect(provider.requests.slice(before).map((r) => Number(r.query.from) * 1000)).toEqual([T0 - 2 * H, T0 + DAY - 2 * H, T0 + 2 * DAY - 2 * H]);
    expect(days.map((d) => [(d.acts as { id: string }[]).map((a) => a.id), d.window])).toEqual([
      [["d0"], { start: "2024-02-29T22:00:00.000Z", end: "2024-03-01T22:00:00.000Z", timezone: "+02:00" }],
      [["d1"], { start: "2024-03-01T22:00:00.000Z", end: "2024-03-02T22:00:00.000Z", timezone: "+02:00" }],
      [["d2"], { start: "2024-03-02T22:00:00.000Z", end: "2024-03-03T22:00:00.000Z", timezone: "+02:00" }],
    ]);
    expect(reading.position()).toMatchObject({ zone: "+02:00", done: true });
  });

  it("timezone.probe: a connection that knows no zone asks it once before cutting its first local days; a probe that says none leaves UTC days", async () => {
    const user = await store.createConnection({ provider: "X" });
    const executor = executorFor({ name: "X" }, { now, cursors: store });
    const local = (probe: NonNullable<StreamSpec["timezone"]>["probe"]) =>
      xert("oldest_first", {
        name: "probed",
        dateRange: { start: { format: "unix_seconds" }, end: { format: "unix_seconds", inclusive: true }, maxWindowDays: 1, wholeDays: true, localDays: true },
        timezone: { in: "record", path: "/offset", probe },
        collect: { into: "acts" },
      });
    const days = { start: new Date(T0), end: new Date(T0 + DAY) };
    const read = async (spec: StreamSpec, userId?: string) => {
      const before = provider.requests.length;
      const reading = executor.readStream(spec, days, { session: client().session(), ...(userId ? { userId } : {}) });
      const records = await collect(reading);
      return { requests: provider.requests.slice(before).map((r) => `${r.path}${r.query.from ? ` ${Number(r.query.from) * 1000 - T0}` : ""}`), records };
    };
    const H = 3_600_000;
    // No zone known: the probe first, then Amsterdam's days (+01:00 in March: 23:00Z the day before).
    const probed = local({ request: { path: "/profile", query: { until: "{end}" } }, path: "/tz" });
    expect((await read(probed, user.user_id)).requests).toEqual(["/profile", `/activity ${-H}`, `/activity ${DAY - H}`]);
    expect(provider.requests.findLast((r) => r.path === "/profile")?.query).toEqual({ until: String((T0 + DAY) / 1000 - 1) });
    expect(await store.getCursor(user.user_id, "timezone")).toMatchObject({ v: 1, zone: "Europe/Amsterdam" });
    // Known now: no probe again.
    const again = await read(probed, user.user_id);
    expect(again.requests).toEqual([`/activity ${-H}`, `/activity ${DAY - H}`]);
    expect(again.records.map((d) => d.window)).toEqual([
      { start: "2024-02-29T23:00:00.000Z", end: "2024-03-01T23:00:00.000Z", timezone: "Europe/Amsterdam" },
      { start: "2024-03-01T23:00:00.000Z", end: "2024-03-02T23:00:00.000Z", timezone: "Europe/Amsterdam" },
    ]);
    // Without a connection it lives for the read: asked every read. A probe that says no zone: UTC days.
    expect((await read(probed)).requests[0]).toBe("/profile");
    const silent = local({ request: { path: "/days" }, path: "/tz" });
    expect((await read(silent)).requests).toEqual(["/days", "/activity 0"]);
  });

  it("steps newest first", async () => {
    const before = provider.requests.length;
    const records = await collect(executorFor({ name: "X" }, { now }).readStream(xert("newest_first"), range, { session: client().session() }));
    expect(records.map((r) => r.id).slice(0, 6)).toEqual(["d13", "d14", "d15", "d16", "d17", "d18"]);
    expect(records).toHaveLength(20);
    expect(provider.requests.slice(before).map((r) => Number(r.query.from))).toEqual([(T0 + 13 * DAY) / 1000, (T0 + 6 * DAY) / 1000, T0 / 1000]);
  });

  it("a record listed in two windows is handed out once", async () => {
    const spec = xert("oldest_first", { request: { path: "/overlap", query: { from: "{start}", to: "{end}" } } });
    const reading = executorFor({ name: "X" }, { now }).readStream(spec, range, { session: client().session() });
    expect(ids(await collect(reading))).toEqual(DAILY.map((r) => r.id));
    expect(reading.stats.duplicates).toBeGreaterThan(0);
  });

  it("clamps to maxHistoryDays and now plus a margin; date ranges are whole days with inclusive ends", async () => {
    const spec = stream({
      request: { path: "/days", query: { start_date: "{start}", end_date: "{end}" } },
      records: "/data",
      dateRange: { start: { format: "date" }, end: { format: "date", inclusive: true } },
    });
    const today = Date.parse("2024-06-15T12:00:00Z");
    const before = provider.requests.length;
    const executor = executorFor({ name: "O", sync: { maxHistoryDays: 30 } }, { now: () => today });
    await collect(
      executor.readStream(spec, { start: new Date("2020-01-01T00:00:00Z"), end: new Date("2024-07-01T00:00:00Z") }, { session: client().session() }),
    );
    expect(provider.requests.slice(before).map((r) => r.query)).toEqual([{ start_date: "2024-05-16", end_date: "2024-06-15" }]);
    const nothing = executor.readStream(
      spec,
      { start: new Date("2019-01-01T00:00:00Z"), end: new Date("2019-02-01T00:00:00Z") },
      { session: client().session() },
    );
    expect(await collect(nothing)).toEqual([]);
    expect(nothing.position()).toMatchObject({ window: null, done: true });
  });

  it("checkpoints: a completed read records the newest record time; a poll starts there minus the lookback; never winds back", async () => {
    const user = await store.createConnection({ provider: "X" });
    const executor = executorFor({ name: "X" }, { now, cursors: store });
    const spec = xert("oldest_first", { name: "activities", checkpoint: { path: "/start_time", format: "unix_seconds", lookbackSeconds: 7200 } });
    await collect(executor.readStream(spec, { start: new Date(T0), end: new Date(T0 + 10 * DAY) }, { session: client().session(), userId: user.user_id }));
    const newest = DAILY[9]!.start_time * 1000;
    expect(await store.getCursor(user.user_id, checkpointKey("activities"))).toEqual({ v: 1, newest: new Date(newest).toISOString() });

    const before = provider.requests.length;
    const poll = executor.readStream(spec, range, { session: client().session(), userId: user.user_id, checkpoint: "use" });
    const polled = await collect(poll);
    expect(Number(provider.requests[before]!.query.from)).toBe(newest / 1000 - 7200);
    expect(ids(polled)).toEqual(DAILY.slice(9).map((r) => r.id));

    // A request for an old window reads all of it and leaves the newer checkpoint alone.
    const old = await collect(
      executor.readStream(spec, { start: new Date(T0), end: new Date(T0 + 3 * DAY) }, { session: client().session(), userId: user.user_id, checkpoint: "use" }),
    );
    expect(old).toHaveLength(0); // the checkpoint is past this window: a poll has nothing to do
    await collect(executor.readStream(spec, { start: new Date(T0), end: new Date(T0 + 3 * DAY) }, { session: client().session(), userId: user.user_id }));
    expect(await store.getCursor(user.user_id, checkpointKey("activities"))).toEqual({ v: 1, newest: new Date(DAILY[19]!.start_time * 1000).toISOString() });
  });

  it("with autoCommit off, the checkpoint moves only on commit()", async () => {
    const user = await store.createConnection({ provider: "X" });
    const spec = xert("oldest_first", { name: "manual", checkpoint: { path: "/start_time", format: "unix_seconds" } });
    const reading = executorFor({ name: "X" }, { now, cursors: store }).readStream(spec, range, {
      session: client().session(),
      userId: user.user_id,
      autoCommit: false,
    });
    await collect(reading);
    expect(await store.getCursor(user.user_id, checkpointKey("manual"))).toBeUndefined();
    await reading.commit();
    expect(await store.getCursor(user.user_id, checkpointKey("manual"))).toMatchObject({ newest: new Date(DAILY[19]!.start_time * 1000).toISOString() });
  });

  it("a read stopped by the budget continues from its position, without asking for what it already handed out", async () => {
    const spec = stream({
      name: "numbered",
      request: { path: "/numbered" },
      records: "/data",
      paging: { type: "page", param: "page", size: 1, stop: [{ type: "short_page" }] },
    });
    const rateLimits = [{ scope: "client" as const, max: 3, perSeconds: 3600 }];
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const first = executorFor({ name: "X" }, { now }).readStream(spec, range, { session: client({ redis, prefix }, { rateLimits }).session() });
    const handedOut: unknown[] = [];
    const error = await (async () => {
      for await (const record of first) handedOut.push(record.id);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderWaitError);
    expect(handedOut).toEqual(["d0", "d1", "d2"]);
    const position = JSON.parse(JSON.stringify(first.position())) as StreamPosition;
    expect(position).toMatchObject({ page: { page: 4, pages: 3 }, skip: 0 });

    // Later (a fresh budget stands in for the window having passed): the job continues where it stopped.
    const laterPrefix = uniquePrefix();
    prefixes.push(laterPrefix);
    const before = provider.requests.length;
    const rest = executorFor({ name: "X" }, { now }).readStream(spec, range, {
      session: client({ redis, prefix: laterPrefix }, { rateLimits: [{ scope: "client", max: 100, perSeconds: 3600 }] }).session(),
      resume: position,
    });
    const remaining = await collect(rest);
    expect(ids(remaining)).toEqual(DAILY.slice(3).map((r) => r.id));
    expect(provider.requests[before]!.query.page).toBe("4");
    expect(rest.position()).toMatchObject({ done: true });

    await expect(
      collect(
        executorFor({ name: "X" }, { now }).readStream(
          spec,
          { start: new Date(T0), end: new Date(T0 + DAY) },
          { session: client().session(), resume: position },
        ),
      ),
    ).rejects.toThrow(/another read/);
  });

  it("a read stopped by the budget in the middle of a page's details continues from the exact record: no page, detail or once answer asked for twice", async () => {
    const spec = stream({
      name: "cursored",
      request: { path: "/cursored" },
      records: "/data",
      paging: { type: "cursor", param: "cursor", cursorPath: "/next" },
      details: [
        { name: "profile", request: { path: "/profile" }, once: true },
        { name: "samples", request: { path: "/cursored/{record.id}/samples" }, select: "/samples" },
      ],
    });
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const before = provider.requests.length;
    // Page 1, the profile, three samples, page 2, one more sample: then the budget is spent for an hour.
    const first = executorFor({ name: "X" }, { now }).readStream(spec, range, {
      session: client({ redis, prefix }, { rateLimits: [{ scope: "client", max: 7, perSeconds: 3600 }] }).session(),
    });
    const handedOut: string[] = [];
    const error = await (async () => {
      for await (const record of first) handedOut.push(record.id as string);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderWaitError);
    expect(handedOut).toEqual(["d0", "d1", "d2", "d3"]);
    const position = JSON.parse(JSON.stringify(first.position())) as StreamPosition;
    // The rest of page 2 as the provider sent it (no details on its records), and the cursor after it.
    expect(position).toMatchObject({
      page: { cursor: "3" },
      skip: 0,
      fetched: { records: DAILY.slice(4, 6), after: { next: { cursor: "6" } } },
      once: { profile: { tz: "Europe/Amsterdam" } },
    });

    const laterPrefix = uniquePrefix();
    prefixes.push(laterPrefix);
    const rest = executorFor({ name: "X" }, { now }).readStream(spec, range, { session: client({ redis, prefix: laterPrefix }).session(), resume: position });
    const remaining = await collect(rest);
    expect(ids(remaining)).toEqual(DAILY.slice(4).map((r) => r.id));
    expect(remaining.every((record) => (record.profile as { tz: string }).tz === "Europe/Amsterdam" && (record.samples as string[])[0] === record.id)).toBe(
      true,
    );
    const asked = provider.requests.slice(before).map((r) => `${r.path}${r.query.cursor ? `?cursor=${r.query.cursor}` : ""}`);
    // Every page and every record's samples exactly once over both runs (a refused request never reached the provider).
    expect(asked.filter((path) => path === "/profile")).toHaveLength(1);
    expect(asked.filter((path) => path.startsWith("/cursored?") || path === "/cursored").sort()).toEqual(
      ["/cursored", ...[3, 6, 9, 12, 15, 18].map((at) => `/cursored?cursor=${at}`)].sort(),
    );
    expect(asked.filter((path) => path.endsWith("/samples")).sort()).toEqual(DAILY.map((r) => `/cursored/${r.id}/samples`).sort());
  });

  it("details that arrived for records after the one the read stopped at are kept in the position, not asked for again", async () => {
    const spec = cursoredWithSamples("cursored_ahead");
    const stalling = stallingAtD4();
    const before = provider.requests.length;
    const first = executorFor({ name: "X" }, { now }).readStream(spec, range, { session: stalling });
    const handedOut: string[] = [];
    await expect(
      (async () => {
        for await (const record of first) handedOut.push(record.id as string);
      })(),
    ).rejects.toBeInstanceOf(ProviderWaitError);
    expect(handedOut).toEqual(["d0", "d1", "d2", "d3"]);
    const position = JSON.parse(JSON.stringify(first.position())) as StreamPosition;
    expect(position.fetched).toEqual({
      records: [DAILY[4], { ...DAILY[5], samples: ["d5"] }],
      after: { next: { pages: 2, records: 6, cursor: "6" } },
      ready: [1],
    });

    const rest = await collect(executorFor({ name: "X" }, { now }).readStream(spec, range, { session: client().session(), resume: position }));
    expect(ids(rest)).toEqual(DAILY.slice(4).map((r) => r.id));
    expect(rest.every((record) => (record.samples as string[])[0] === record.id)).toBe(true);
    const samples = provider.requests
      .slice(before)
      .filter((r) => r.path.endsWith("/samples"))
      .map((r) => r.path);
    expect(samples.sort()).toEqual(DAILY.map((r) => `/cursored/${r.id}/samples`).sort());
  });
  /** Reads until the client budget (`max` requests an hour) is spent; then continues with a fresh budget from the saved position. */
  const parkAndContinue = async (spec: StreamSpec, max: number) => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const first = executorFor({ name: "X" }, { now }).readStream(spec, range, {
      session: client({ redis, prefix }, { rateLimits: [{ scope: "client", max, perSeconds: 3600 }] }).session(),
    });
    const before: string[] = [];
    await expect(
      (async () => {
        for await (const record of first) before.push(record.id as string);
      })(),
    ).rejects.toBeInstanceOf(ProviderWaitError);
    const position = JSON.parse(JSON.stringify(first.position())) as StreamPosition;
    const after = ids(await collect(executorFor({ name: "X" }, { now }).readStream(spec, range, { session: client().session(), resume: position })));
    return { before, after, position };
  };

  it("a continued read drops what the read before the wait had handed out: records repeated on a later page of the step", async () => {
    const spec = stream({
      name: "shifting",
      request: { path: "/shifting" },
      records: "/data",
      paging: { type: "cursor", param: "cursor", cursorPath: "/next" },
    });
    // Two pages (d0–d2, d2–d4), then the budget is spent: the third page starts with d4 again.
    const { before, after, position } = await parkAndContinue(spec, 2);
    expect(before).toEqual(["d0", "d1", "d2", "d3", "d4"]);
    expect(position.seen?.sort()).toEqual(["d0", "d1", "d2", "d3", "d4"]);
    expect([...before, ...after]).toEqual(DAILY.map((r) => r.id));
  });

  it("a continued read drops what the read before the wait had handed out: records listed again in the next window step", async () => {
    const spec = xert("oldest_first", { request: { path: "/overlap", query: { from: "{start}", to: "{end}" } } });
    // The first week, then the budget is spent; the second week lists the first week's last day again.
    const { before, after, position } = await parkAndContinue(spec, 1);
    expect(before).toEqual(DAILY.slice(0, 7).map((r) => r.id));
    expect(position).toMatchObject({ step: { start: new Date(T0 + 7 * DAY).toISOString() }, seen: [] });
    expect(position.seenBefore?.sort()).toEqual(
      DAILY.slice(0, 7)
        .map((r) => r.id)
        .sort(),
    );
    expect([...before, ...after]).toEqual(DAILY.map((r) => r.id));
  });

  it("a position larger than maxPositionBytes lets go of details that arrived ahead, then of the rest of the page, which are asked for again", async () => {
    const spec = cursoredWithSamples("cursored_capped");
    const stopped = async (maxPositionBytes: number) => {
      const reading = executorFor({ name: "X" }, { now, maxPositionBytes }).readStream(spec, range, { session: stallingAtD4() });
      await expect(collect(reading)).rejects.toBeInstanceOf(ProviderWaitError);
      return JSON.parse(JSON.stringify(reading.position())) as StreamPosition;
    };
    const continued = async (position: StreamPosition) => {
      const before = provider.requests.length;
      const rest = await collect(executorFor({ name: "X" }, { now }).readStream(spec, range, { session: client().session(), resume: position }));
      expect(ids(rest)).toEqual(DAILY.slice(4).map((r) => r.id));
      expect(rest.every((record) => (record.samples as string[])[0] === record.id)).toBe(true);
      return provider.requests.slice(before).map((r) => `${r.path}${r.query.cursor ? `?cursor=${r.query.cursor}` : ""}`);
    };

    const whole = await stopped(100_000);
    expect(whole.fetched?.ready).toEqual([1]);
    const size = JSON.stringify(whole).length;

    // Without d5's samples the page's rest fits: d5's samples are asked for again, the page is not.
    const withoutDetails = await stopped(size - 1);
    expect(withoutDetails.fetched).toEqual({ records: [DAILY[4], DAILY[5]], after: { next: { pages: 2, records: 6, cursor: "6" } } });
    const asked = await continued(withoutDetails);
    expect(asked.filter((path) => path === "/cursored/d5/samples")).toHaveLength(1);
    expect(asked.some((path) => path === "/cursored?cursor=3")).toBe(false);

    // Smaller still: the page itself is asked for again from its cursor, and the read skips to d4.
    const pageOnly = await stopped(JSON.stringify(withoutDetails).length - 1);
    expect(pageOnly.fetched).toBeUndefined();
    expect(pageOnly).toMatchObject({ page: { cursor: "3" }, skip: 1, seen: ["d0", "d1", "d2", "d3"] });
    expect((await continued(pageOnly))[0]).toBe("/cursored?cursor=3");
  });
});
