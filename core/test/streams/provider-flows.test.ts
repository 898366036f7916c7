import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConnectorSpec, StreamSpec } from "@tributary/schemas";
import { clientFor, fakeCredentials, reply, startMockProvider, type MockProvider } from "../provider-http/helpers.ts";
import type { StateStore } from "../../src/state/index.ts";
import { checkpointKey } from "../../src/streams/checkpoints.ts";
import { collect, executorFor, ids, testStore } from "./stream-helpers.ts";

const DAY = 86_400_000;
const NOW = Date.parse("2024-05-20T12:00:00Z");

/**
 * Provider-shaped flows end to end over HTTP: the request shapes, paging and errors of Peloton (list +
 * per-workout detail + performance graph), Xert (windowed list by unix seconds + per-activity detail)
 * and Withings (POST forms, offset paging in the body, errors in a 200 status body).
 */
describe("provider-shaped stream flows", () => {
  let provider: MockProvider;
  let store: StateStore;
  let closeStore: (() => Promise<void>) | undefined;
  const closers: (() => Promise<void>)[] = [];
  /** Peloton: access token "token-1" expires after this many data calls. */
  let pelotonCallsLeftForToken1 = 3;

  const workouts = Array.from({ length: 7 }, (_, i) => ({
    id: `pw${i}`,
    user_id: "peloton-user",
    created_at: NOW / 1000 - (i + 1) * 3600,
    start_time: NOW / 1000 - (i + 1) * 3600 + 60,
    status: i === 1 ? "IN_PROGRESS" : "COMPLETE",
    fitness_discipline: "cycling",
    ride: { id: `ride${i}`, title: "30 min Ride" },
  }));
  const xertActivities = Array.from({ length: 6 }, (_, i) => ({
    name: `Ride ${i}`,
    path: `xp${i}`,
    activity_type: "Cycling",
    start: NOW / 1000 - (i * 9 + 1) * 86_400,
  }));
  const measures = Array.from({ length: 5 }, (_, i) => ({
    grpid: 2900 + i,
    date: NOW / 1000 - i * 86_400,
    category: 1,
    measures: [{ value: 65_750 - i * 10, type: 1, unit: -3 }],
  }));

  beforeAll(async () => {
    ({ store, close: closeStore } = await testStore());
    provider = await startMockProvider((app) => {
      // ---- Peloton ----
      app.addHook("onRequest", async (request, response) => {
        if (!request.url.startsWith("/api/")) return;
        if (request.headers["peloton-platform"] !== "web") return reply(response, 403, { message: "platform header missing" });
        const auth = request.headers.authorization;
        const token1Valid = auth === "Bearer token-1" && pelotonCallsLeftForToken1-- > 0;
        if (!token1Valid && auth !== "Bearer token-2") return reply(response, 401, { status: 401, error_code: 3010, message: "Not logged in" });
      });
      app.get("/api/user/:uid/workouts", async (request) => {
        const { uid } = request.params as { uid: string };
        const { page, limit, from, to } = request.query as Record<string, string>;
        const inWindow = workouts.filter((w) => uid === "peloton-user" && w.created_at * 1000 >= Date.parse(from!) && w.created_at * 1000 < Date.parse(to!));
        const size = Number(limit);
        const count = Math.ceil(inWindow.length / size);
        const index = Number(page);
        return {
          data: inWindow.slice(index * size, index * size + size),
          limit: size,
          page: index,
          total: inWindow.length,
          count: inWindow.slice(index * size, index * size + size).length,
          page_count: count,
          show_previous: index > 0,
          show_next: index + 1 < count,
          sort_by: "-created_at,-pk",
        };
      });
      app.get("/api/workout/:id", async (request) => {
        const { id } = request.params as { id: string };
        return {
          ...workouts.find((w) => w.id === id),
          ftp_info: { ftp: 154, ftp_source: "ftp_estimated_source" },
          total_heart_rate_zone_durations: { heart_rate_z1_duration: 60 },
        };
      });
      app.get("/api/workout/:id/performance_graph", async (request, response) => {
        const { id } = request.params as { id: string };
        if (id === "pw3") return reply(response, 404, { message: "no graph for this class" });
        return {
          duration: 1800,
          seconds_since_pedaling_start: [1, 2],
          metrics: [
            { slug: "output", display_unit: "watts", values: [39, 38] },
            { slug: "heart_rate", values: [101, 102] },
          ],
        };
      });
      // ---- Xert ----
      app.get("/oauth/activity", async (request, response) => {
        const { from, to } = request.query as Record<string, string>;
        if (!from || !to) return reply(response, 200, { success: false, message: "from and to are required" });
        return {
          success: true,
          activities: xertActivities
            .filter((a) => a.start >= Number(from) && a.start <= Number(to))
            .map(({ start, ...a }) => ({
              ...a,
              start_date: { date: new Date(start * 1000).toISOString().replace("T", " ").replace("Z", "000"), timezone_type: 3, timezone: "UTC" },
            })),
        };
      });
      app.get("/oauth/activity/:path", async (request) => {
        const { path } = request.params as { path: string };
        const { include_session_data: withSamples } = request.query as Record<string, string>;
        return {
          success: true,
          name: path,
          summary: { duration: 3600, distance: 38.2, xss: 95.1 },
          ...(withSamples === "1" ? { session_data: [{ unix_time: 1, power: 212, hr: 131 }] } : {}),
        };
      });
      // ---- Withings ----
      app.post("/measure", async (request) => {
        const form = request.body as Record<string, string>;
        if (request.headers.authorization !== "Bearer token-2") return { status: 401, body: {}, error: "XRequestError: Invalid Params: invalid access_token" };
        if (form.action !== "getmeas") return { status: 2554, body: {}, error: "Unknown action" };
        const offset = Number(form.offset ?? 0);
        const inWindow = measures.filter((m) => m.date >= Number(form.startdate) && m.date <= Number(form.enddate));
        const page = inWindow.slice(offset, offset + 2);
        const more = offset + 2 < inWindow.length;
        return { status: 0, body: { updatetime: NOW / 1000, timezone: "Europe/Paris", measuregrps: page, more: more ? 1 : 0, offset: more ? offset + 2 : 0 } };
      });
      // ---- push follow-ups ----
      app.get("/wellness-api/rest/dailies", async () => [
        { summaryId: "d1", calendarDate: "2024-05-19" },
        { summaryId: "d2", calendarDate: "2024-05-20" },
      ]);
      app.get("/v3/exercises/:id", async (request) => ({ id: (request.params as { id: string }).id, sport: "RUNNING" }));
    });
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await closeStore?.();
    await provider?.close();
  });

  const setup = (spec: Pick<ConnectorSpec, "name" | "http" | "sync">) => {
    const made = clientFor({ name: spec.name, http: spec.http });
    closers.push(made.close);
    return made.client;
  };

  const pelotonStream: StreamSpec = {
    name: "workouts",
    request: { path: "/api/user/{provider_user_id}/workouts", query: { joins: "ride,ride.instructor", sort_by: "-created", from: "{start}", to: "{end}" } },
    dateRange: { start: { format: "datetime" }, end: { format: "datetime" } },
    paging: { type: "page", param: "page", start: 0, sizeParam: "limit", size: 3, stop: [{ type: "flag", path: "/show_next", equals: false }] },
    records: "/data",
    filter: 'status = "COMPLETE"',
    id: "/id",
    details: [
      { name: "workout", request: { path: "/api/workout/{record.id}", query: { joins: "ride,ride.instructor" } } },
      { name: "performance_graph", request: { path: "/api/workout/{record.id}/performance_graph", query: { every_n: "1" } }, optional: true },
    ],
    object: { request: { path: "/api/workout/{object_id}", query: { joins: "ride,ride.instructor" } } },
    checkpoint: { path: "/start_time", format: "unix_seconds" },
  };

  it("Peloton: list pages (0-based, show_next), COMPLETE only, detail + optional performance graph, a token refreshed mid-read", async () => {
    const spec = { name: "PELOTON", http: { baseUrl: provider.url, headers: { "Peloton-Platform": "web" } }, sync: { maxHistoryDays: 3650 } };
    const client = setup(spec);
    const user = await store.createConnection({ provider: "PELOTON", providerUserId: "peloton-user" });
    const credentials = fakeCredentials();
    pelotonCallsLeftForToken1 = 3;
    const executor = executorFor(spec, { cursors: store, now: () => NOW, detailConcurrency: 2 });
    const reading = executor.readStream(
      pelotonStream,
      { start: new Date(NOW - DAY), end: new Date(NOW) },
      {
        session: client.session({ userId: user.user_id, credentials, variables: { provider_user_id: "peloton-user", user_id: user.user_id } }),
        userId: user.user_id,
      },
    );
    const records = await collect(reading);
    expect(ids(records)).toEqual(["pw0", "pw2", "pw3", "pw4", "pw5", "pw6"]);
    expect(records[0]).toMatchObject({
      id: "pw0",
      ride: { id: "ride0" },
      workout: { ftp_info: { ftp: 154 } },
      performance_graph: { metrics: [{ slug: "output", values: [39, 38] }, { slug: "heart_rate" }] },
    });
    expect(records.find((r) => r.id === "pw3")).not.toHaveProperty("performance_graph");
    expect(credentials.refreshes).toBe(1);
    const lists = provider.requests.filter((r) => r.path === "/api/user/peloton-user/workouts");
    expect(lists.map((r) => r.query.page)).toEqual(["0", "1", "2"]);
    expect(lists[0]!.query).toMatchObject({
      limit: "3",
      joins: "ride,ride.instructor",
      from: new Date(NOW - DAY).toISOString().replace(".000", ""),
      to: new Date(NOW).toISOString().replace(".000", ""),
    });
    expect(reading.stats).toMatchObject({ records: 6, filtered: 1, detailFailures: 1, pages: 3 });
    expect(await store.getCursor(user.user_id, checkpointKey("workouts"))).toEqual({ v: 1, newest: new Date(workouts[0]!.start_time * 1000).toISOString() });

    // A push naming one workout: the same detail and graph, the same filter.
    const session = client.session({ credentials, variables: { provider_user_id: "peloton-user" } });
    expect(await executor.fetchObject(pelotonStream, "pw0", { session })).toMatchObject({
      id: "pw0",
      ftp_info: { ftp: 154 },
      workout: { id: "pw0" },
      performance_graph: { duration: 1800 },
    });
    expect(await executor.fetchObject(pelotonStream, "pw1", { session })).toBeUndefined();
  });

  it("Xert: a windowed list by unix seconds (both bounds required), stepped, with each activity's detail and samples", async () => {
    const spec = {
      name: "XERT",
      http: { baseUrl: provider.url, responses: [{ bodyPath: "/success", equals: [false], action: "fail" as const, message: "Xert says success: false" }] },
    };
    const client = setup(spec);
    const stream: StreamSpec = {
      name: "activities",
      request: { path: "/oauth/activity", query: { from: "{start}", to: "{end}" } },
      dateRange: { start: { format: "unix_seconds" }, end: { format: "unix_seconds", inclusive: true }, maxWindowDays: 20 },
      records: "/activities",
      id: "/path",
      details: [{ name: "detail", request: { path: "/oauth/activity/{record.path}", query: { include_session_data: "1" } } }],
    };
    const before = provider.requests.length;
    const records = await collect(
      executorFor(spec, { now: () => NOW }).readStream(
        stream,
        { start: new Date(NOW - 50 * DAY), end: new Date(NOW) },
        { session: client.session({ credentials: fakeCredentials(["token-2"]) }) },
      ),
    );
    // Oldest window first; within a window, the provider's order.
    expect(records.map((r) => r.path)).toEqual(["xp4", "xp5", "xp2", "xp3", "xp0", "xp1"]);
    expect(records[4]).toMatchObject({ path: "xp0", start_date: { timezone: "UTC" }, detail: { summary: { xss: 95.1 }, session_data: [{ power: 212 }] } });
    const lists = provider.requests.slice(before).filter((r) => r.path === "/oauth/activity");
    expect(lists.map((r) => Number(r.query.to) - Number(r.query.from))).toEqual([20 * 86_400 - 1, 20 * 86_400 - 1, 10 * 86_400 - 1]);

    const missingBound = { ...stream, request: { path: "/oauth/activity", query: { from: "{start}" } } };
    await expect(
      collect(
        executorFor(spec, { now: () => NOW }).readStream(missingBound, { start: new Date(NOW - DAY), end: new Date(NOW) }, { session: client.session() }),
      ),
    ).rejects.toThrow(/success: false/);
  });

  it("Withings: POST form with offset paging in the body, errors in a 200 status body (401 → refresh)", async () => {
    const spec = {
      name: "WITHINGS",
      http: {
        baseUrl: provider.url,
        responses: [
          { bodyPath: "/status", equals: [0], action: "success" as const },
          { bodyPath: "/status", equals: [100, 101, 102, 200, 401], action: "refresh" as const },
          { bodyPath: "/status", equals: [601], action: "rate_limited" as const, retryAfter: { defaultSeconds: 60 } },
          { bodyPath: "/status", action: "fail" as const, message: "Withings refused the request" },
        ],
      },
    };
    const client = setup(spec);
    const stream: StreamSpec = {
      name: "measures",
      request: {
        method: "POST",
        path: "/measure",
        bodyEncoding: "form",
        body: { action: "getmeas", meastype: "1,6,8", category: "1", startdate: "{start}", enddate: "{end}" },
      },
      dateRange: { start: { format: "unix_seconds" }, end: { format: "unix_seconds", inclusive: true } },
      paging: { type: "offset", param: "offset", size: 2, nextOffsetPath: "/body/offset", in: "body", stop: [{ type: "flag", path: "/body/more", equals: 0 }] },
      records: "/body/measuregrps",
      id: "/grpid",
    };
    const credentials = fakeCredentials();
    const before = provider.requests.length;
    const records = await collect(
      executorFor(spec, { now: () => NOW }).readStream(
        stream,
        { start: new Date(NOW - 10 * DAY), end: new Date(NOW + 1000) },
        { session: client.session({ credentials }) },
      ),
    );
    expect(records.map((r) => r.grpid)).toEqual([2900, 2901, 2902, 2903, 2904]);
    expect(credentials.refreshes).toBe(1);
    const posts = provider.requests.slice(before);
    expect(posts.map((r) => (r.body as Record<string, string>).offset)).toEqual(["0", "0", "2", "4"]);
    expect(posts[1]!.body).toMatchObject({
      action: "getmeas",
      meastype: "1,6,8",
      category: "1",
      startdate: String((NOW - 10 * DAY) / 1000),
      enddate: String(NOW / 1000),
    });
    expect(posts.every((r) => r.query.offset === undefined)).toBe(true);

    const wrong = { ...stream, request: { ...stream.request!, body: { action: "nope" } } };
    await expect(
      collect(
        executorFor(spec, { now: () => NOW }).readStream(
          wrong,
          { start: new Date(NOW - DAY), end: new Date(NOW) },
          { session: client.session({ credentials }) },
        ),
      ),
    ).rejects.toMatchObject({
      code: "ERR_PROVIDER_REQUEST_FAILED",
      message: expect.stringContaining("Withings refused the request"),
    });
  });

  it("push follow-ups: a callback URL on an allowed origin is fetched with the user's credentials; elsewhere it is refused unsent", async () => {
    const spec = { name: "GARMIN", http: { baseUrl: `${provider.url}/wellness-api/rest` } };
    const client = setup(spec);
    const executor = executorFor(spec);
    const session = client.session({ credentials: fakeCredentials(["token-2"]) });
    const records = await executor.fetchUrl(`${provider.url}/wellness-api/rest/dailies?uploadStartTimeInSeconds=1&uploadEndTimeInSeconds=2&token=x`, {
      session,
    });
    expect(records.map((r) => r.summaryId)).toEqual(["d1", "d2"]);
    expect(provider.requests.at(-1)).toMatchObject({ path: "/wellness-api/rest/dailies", query: { token: "x" }, headers: { authorization: "Bearer token-2" } });
    expect(await executor.fetchUrl(`${provider.url}/v3/exercises/aQlC83`, { session })).toEqual([{ id: "aQlC83", sport: "RUNNING" }]);
    const before = provider.requests.length;
    await expect(executor.fetchUrl("https://apis.garmin.example/wellness-api/rest/dailies", { session })).rejects.toMatchObject({
      code: "ERR_PROVIDER_URL_REFUSED",
    });
    expect(provider.requests.length).toBe(before);
  });

  it("fetchObject: an ignored answer (a deleted object) is nothing; a stream without `object` says so", async () => {
    const spec = { name: "STRAVA", http: { baseUrl: provider.url, responses: [{ status: 404, action: "ignore" as const }] } };
    const client = setup(spec);
    const stream: StreamSpec = { name: "activities", id: "/id", object: { request: { path: "/activities/{object_id}" } } };
    const session = client.session({ credentials: fakeCredentials(["token-2"]) });
    const executor = executorFor(spec);
    // The mock has no such activity: 404, which this spec's rules ignore.
    await expect(executor.fetchObject(stream, "123", { session })).resolves.toBeUndefined();
    expect(provider.requests.at(-1)?.path).toBe("/activities/123");
    await expect(executor.fetchObject({ name: "bare", id: "/id" }, "1", { session })).rejects.toMatchObject({ code: "ERR_SPEC_INVALID" });
  });
});
