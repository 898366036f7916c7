import { createServer } from "node:http";
import { describe, expect, it, onTestFinished } from "vitest";
import { authorizeWithMock, manualClock, mockFromSpec, startMockProvider, type MockProvider, type UrlAnswer } from "../index.ts";
import { FITBIT_LIKE, GARMIN_LIKE, OURA_LIKE, PELOTON_LIKE, POLAR_LIKE, STRAVA_LIKE, valid, WITHINGS_LIKE, XERT_LIKE } from "./specs.ts";

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function call(url: string, init: RequestInit & { token?: string } = {}): Promise<Answer> {
  const { token, ...rest } = init;
  const response = await fetch(url, {
    ...rest,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(rest.headers as Record<string, string>) },
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === "" ? undefined : JSON.parse(text) };
}

/** Follows a stream's pages the simple way a client would and returns every record id. */
async function followCursor(first: string, token: string, param: string, field: string): Promise<unknown[]> {
  const ids: unknown[] = [];
  let url = first;
  for (let guard = 0; guard < 20; guard++) {
    const page = await call(url, { token });
    expect(page.status).toBe(200);
    ids.push(...page.body.data.map((r: { id: unknown }) => r.id));
    const next = page.body[field];
    if (next === null || next === undefined || next === "") return ids;
    const u = new URL(url);
    u.searchParams.set(param, next);
    url = u.toString();
  }
  throw new Error("paging did not end");
}

const day = (iso: string) => ({ id: `s-${iso}`, day: iso, bedtime_start: `${iso}T23:00:00+02:00` });
const SLEEP = ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"].map(day);

describe("mockFromSpec: OAuth and a cursor-paged stream (Oura-like)", () => {
  async function oura(options = {}) {
    return startMockProvider(
      OURA_LIKE,
      {
        users: [
          { id: "oura-1", username: "ada", password: "pw", profile: { email: "ada@example.org" } },
          { id: "oura-2", username: "bob", password: "pw" },
        ],
        streams: {
          sleep: { records: { "oura-1": SLEEP, "oura-2": [day("2026-03-02")] }, time: { path: "/day", format: "date" }, pageSize: 2 },
          daily_activity: { records: [{ id: "d1", day: "2026-03-01" }] },
        },
      },
      options,
    );
  }

  it("connects through consent + PKCE + code exchange, then pages the user's records inside the window, inclusive end", async () => {
    const mock = await oura();
    const { accessToken } = await authorizeWithMock(mock, { login: { username: "ada", password: "pw" } });
    const base = mock.urls().baseUrl;
    expect(base).toMatch(/\/v2$/);
    const ids = await followCursor(`${base}/usercollection/sleep?start_date=2026-03-02&end_date=2026-03-04`, accessToken, "next_token", "next_token");
    expect(ids).toEqual(["s-2026-03-02", "s-2026-03-03", "s-2026-03-04"]);
    const bob = await authorizeWithMock(mock, { login: { username: "bob", password: "pw" } });
    expect(await followCursor(`${base}/usercollection/sleep?start_date=2026-03-01&end_date=2026-03-31`, bob.accessToken, "next_token", "next_token")).toEqual([
      "s-2026-03-02",
    ]);
  });

  it("answers the profile request with the provider user id at the declared path, and objects by id", async () => {
    const mock = await oura();
    const { accessToken } = await authorizeWithMock(mock, { login: { username: "ada", password: "pw" } });
    expect((await call(`${mock.urls().baseUrl}/usercollection/personal_info`, { token: accessToken })).body).toEqual({
      email: "ada@example.org",
      id: "oura-1",
    });
    expect((await call(`${mock.urls().baseUrl}/usercollection/sleep/s-2026-03-03`, { token: accessToken })).body).toMatchObject({ id: "s-2026-03-03" });
    expect((await call(`${mock.urls().baseUrl}/usercollection/sleep/nope`, { token: accessToken })).status).toBe(404);
  });

  it("filters by the stream's checkpoint time when the fixture names none", async () => {
    const mock = await oura();
    const { accessToken } = await authorizeWithMock(mock, { login: { username: "ada", password: "pw" } });
    const inside = await call(`${mock.urls().baseUrl}/usercollection/daily_activity?start_date=2026-03-01&end_date=2026-03-01`, { token: accessToken });
    const outside = await call(`${mock.urls().baseUrl}/usercollection/daily_activity?start_date=2026-03-02&end_date=2026-03-03`, { token: accessToken });
    expect([inside.body.data.length, outside.body.data.length]).toEqual([1, 0]);
  });

  it("refuses dates in another format, a window that ends before it starts and a forged cursor, with 400s", async () => {
    const mock = await oura({ errors: "oura" });
    const { accessToken } = await authorizeWithMock(mock, { login: { username: "ada", password: "pw" } });
    const base = `${mock.urls().baseUrl}/usercollection/sleep`;
    for (const query of [
      "start_date=2026-03-02T00:00:00Z&end_date=2026-03-04",
      "start_date=2026-03-05&end_date=2026-03-01",
      "start_date=2026-03-01&end_date=2026-03-04&next_token=forged",
    ]) {
      const answer = await call(`${base}?${query}`, { token: accessToken });
      expect(answer.status).toBe(400);
      expect(Object.keys(answer.body)).toEqual(["detail"]);
    }
  });

  it("answers 401 in the provider's shape once the access token expires on the mock clock, and serves again after a refresh", async () => {
    const clock = manualClock();
    const mock = await oura({ clock, errors: "oura", oauth: { accessTokenSeconds: 86_400 } });
    const { accessToken, refreshToken } = await authorizeWithMock(mock, { login: { username: "ada", password: "pw" } });
    const url = `${mock.urls().baseUrl}/usercollection/sleep?start_date=2026-03-01&end_date=2026-03-01`;
    clock.advance(86_400);
    expect(await call(url, { token: accessToken })).toMatchObject({ status: 401, body: { detail: "Unauthorized" } });
    const refreshed = await call(mock.urls().tokenUrl as string, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: refreshToken as string,
        client_id: "mock-client-id",
        client_secret: "mock-client-secret",
      }),
    });
    expect((await call(url, { token: refreshed.body.access_token })).status).toBe(200);
  });

  it("signs its webhook examples the spec's way and makes the spec's handshakes", async () => {
    const mock = await oura();
    const got: Array<{ headers: Record<string, unknown>; body: string; url: string }> = [];
    const receiver = createServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://r");
      if (request.method === "GET")
        return response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ challenge: url.searchParams.get("challenge") }));
      const chunks: Buffer[] = [];
      request.on("data", (c: Buffer) => chunks.push(c));
      request.on("end", () => {
        got.push({ headers: request.headers, body: Buffer.concat(chunks).toString(), url: request.url ?? "" });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
    const callback = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks/OURA_LIKE`;
    expect((await mock.pushExample(callback, 0, { secret: "client-secret", hexCase: "upper" })).status).toBe(200);
    expect(got[0]?.headers["x-oura-signature"]).toMatch(/^[0-9A-F]{64}$/);
    expect(JSON.parse(got[0]?.body ?? "")).toEqual({ event_type: "create", data_type: "sleep", object_id: "s-2", user_id: "oura-1" });
    expect(await mock.handshake(callback, { verifyToken: "v" })).toEqual([{ type: "challenge", ok: true, detail: "challenge echoed as JSON" }]);
    await expect(mock.pushExample(callback, 5, { secret: "x" })).rejects.toMatchObject({ code: "ERR_MOCK_INVALID" });
  });
});

describe("mockFromSpec: bearer token, user in the path, page numbers, details (Peloton-like)", () => {
  const workouts = Array.from({ length: 5 }, (_, i) => ({ id: `w${i}`, created_at: 1_670_000_000 + i }));
  async function peloton(): Promise<MockProvider> {
    return startMockProvider(PELOTON_LIKE, {
      users: [
        { id: "p-user", token: "pasted-token", profile: { username: "rider1" } },
        { id: "p-other", token: "other-token" },
      ],
      streams: {
        workouts: { records: { "p-user": workouts }, details: { performance_graph: (record) => ({ duration: 1800, of: (record as { id: string }).id }) } },
      },
    });
  }

  it("pages from 0 with the declared size, show_next and page_count, until the flag says stop", async () => {
    const mock = await peloton();
    const pages = [];
    for (let page = 0; page < 10; page++) {
      const answer = await call(`${mock.urls().baseUrl}/api/user/p-user/workouts?limit=2&sort_by=-created&joins=ride&page=${page}`, { token: "pasted-token" });
      pages.push(answer.body);
      if (answer.body.show_next === false) break;
    }
    expect(pages.map((p) => p.data.map((w: { id: string }) => w.id))).toEqual([["w0", "w1"], ["w2", "w3"], ["w4"]]);
    expect(pages.map((p) => [p.show_next, p.page_count])).toEqual([
      [true, 3],
      [true, 3],
      [false, 3],
    ]);
  });

  it("refuses another user's path (403), a wrong pasted token (401) and a changed constant parameter (400)", async () => {
    const mock = await peloton();
    expect((await call(`${mock.urls().baseUrl}/api/user/p-other/workouts?limit=2&sort_by=-created&joins=ride`, { token: "pasted-token" })).status).toBe(403);
    expect((await call(`${mock.urls().baseUrl}/api/user/p-user/workouts?limit=2&sort_by=-created&joins=ride`, { token: "guess" })).status).toBe(401);
    const changed = await call(`${mock.urls().baseUrl}/api/user/p-user/workouts?limit=2&sort_by=created&joins=ride`, { token: "pasted-token" });
    expect(changed.status).toBe(400);
    expect(changed.body.error_description).toContain("sort_by");
    expect((await call(`${mock.urls().baseUrl}/api/unknown`, { token: "pasted-token" })).status).toBe(404);
  });

  it("answers detail requests for the record named in the path, and the profile with the id", async () => {
    const mock = await peloton();
    expect((await call(`${mock.urls().baseUrl}/api/workout/w3/performance_graph?every_n=1`, { token: "pasted-token" })).body).toEqual({
      duration: 1800,
      of: "w3",
    });
    expect((await call(`${mock.urls().baseUrl}/api/workout/w9/performance_graph?every_n=1`, { token: "pasted-token" })).status).toBe(404);
    expect((await call(`${mock.urls().baseUrl}/api/me`, { token: "pasted-token" })).body).toEqual({ username: "rider1", id: "p-user" });
  });
});

describe("mockFromSpec: status envelope, POST form streams, offsets (Withings-like)", () => {
  const groups = Array.from({ length: 5 }, (_, i) => ({ grpid: i, date: 1_700_000_000 + i * 86_400, measures: [{ value: 65_750 + i, type: 1, unit: -3 }] }));
  const series = [{ id: "wk1", startdate: 1_700_000_000 }];

  it("exchanges the code Withings' way and pages measures by offset with more/offset in the envelope", async () => {
    const mock = await startMockProvider(
      WITHINGS_LIKE,
      {
        users: [{ id: "w-1", username: "ada", password: "pw" }],
        streams: {
          measures: { records: groups, envelope: { status: 0 } },
          workouts: { records: series, envelope: { status: 0 }, time: { path: "/startdate", format: "unix_seconds" } },
        },
      },
      { errors: "withings" },
    );
    const { answer, accessToken } = await authorizeWithMock(mock, { login: { username: "ada", password: "pw" } });
    expect(answer).toMatchObject({ status: 0, body: { userid: "w-1", token_type: "Bearer" } });
    const seen: number[] = [];
    let offset = 0;
    for (let guard = 0; guard < 10; guard++) {
      const form = new URLSearchParams({ action: "getmeas", category: "1", startdate: "1700086400", enddate: "1700500000", offset: String(offset) });
      const page = await call(`${mock.urls().baseUrl}/measure`, {
        method: "POST",
        token: accessToken,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: form,
      });
      expect(page.body.status).toBe(0);
      seen.push(...page.body.body.measuregrps.map((g: { grpid: number }) => g.grpid));
      if (page.body.body.more === 0) break;
      expect(page.body.body.more).toBe(1);
      offset = page.body.body.offset;
    }
    expect(seen).toEqual([1, 2, 3, 4]);
    const other = await call(`${mock.urls().baseUrl}/measure`, {
      method: "POST",
      token: accessToken,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ action: "getworkouts", startdateymd: "2023-11-14", enddateymd: "2023-11-14" }),
    });
    expect(other.body).toEqual({ status: 0, body: { series } });
    const expired = await call(`${mock.urls().baseUrl}/measure`, {
      method: "POST",
      token: "nope",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ action: "getmeas", category: "1" }),
    });
    expect(expired).toMatchObject({ status: 200, body: { status: 401 } });
  });

  it("pushes its form-encoded, unsigned notification and probes the callback with HEAD", async () => {
    const mock = await startMockProvider(WITHINGS_LIKE, { users: [{ id: "w-1" }] });
    const got: Array<{ method: string; type: string; body: string }> = [];
    const receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (c: Buffer) => chunks.push(c));
      request.on("end", () => {
        got.push({ method: request.method ?? "", type: request.headers["content-type"] ?? "", body: Buffer.concat(chunks).toString() });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
    const callback = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks/WITHINGS_LIKE`;
    expect(await mock.handshake(callback)).toEqual([{ type: "head", ok: true, detail: "HEAD → 200 (want 2xx)" }]);
    expect((await mock.pushExample(callback, 0, { secret: "unused" })).status).toBe(200);
    expect(got).toEqual([
      { method: "HEAD", type: "", body: "" },
      { method: "POST", type: "application/x-www-form-urlencoded", body: "userid=w-1&appli=1&startdate=1530576000&enddate=1530698753" },
    ]);
  });

  it("answers HEAD on a stream like GET, without a body", async () => {
    const mock = await startMockProvider(OURA_LIKE, {
      users: [{ id: "oura-1" }],
      streams: { sleep: { records: SLEEP, time: { path: "/day", format: "date" } } },
    });
    const token = mock.oauth?.issueTokens("oura-1").accessToken as string;
    const response = await fetch(`${mock.urls().baseUrl}/usercollection/sleep?start_date=2026-03-01&end_date=2026-03-02`, {
      method: "HEAD",
      headers: { authorization: `Bearer ${token}` },
    });
    expect([response.status, response.headers.get("content-type"), await response.text()]).toEqual([200, "application/json; charset=utf-8", ""]);
  });

  it("refuses milliseconds where epoch seconds are declared", async () => {
    const mock = await startMockProvider(WITHINGS_LIKE, { users: [{ id: "w-1" }], streams: { measures: { records: groups } } });
    const token = mock.oauth?.issueTokens("w-1").accessToken as string;
    const answer = await call(`${mock.urls().baseUrl}/measure`, {
      method: "POST",
      token,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ action: "getmeas", category: "1", startdate: "1700000000000" }),
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error_description).toContain("looks like milliseconds");
  });
});

describe("mockFromSpec: a stream's timezone probe (the member's zone before the first local days)", () => {
  /** Local days whose zone the provider says in the member's settings, asked by the probe before a first read. */
  const ZONED = valid({
    name: "ZONED_LIKE",
    displayName: "Zoned-like",
    dataTypes: ["daily"],
    auth: { type: "oauth2", authorizeUrl: "https://zoned.example/authorize", tokenUrl: "https://zoned.example/token", scopes: ["daily"] },
    http: { baseUrl: "https://zoned.example/api" },
    streams: {
      daily: [
        {
          name: "days",
          request: { path: "/days", query: { from: "{start}", to: "{end}" } },
          dateRange: { start: { format: "date" }, end: { format: "date" }, wholeDays: true, localDays: true },
          records: "/data",
          id: "/id",
          timezone: { in: "record", path: "/tz", probe: { request: { path: "/me/settings", query: { until: "{end}" } }, path: "/settings/zone" } },
        },
      ],
    },
  });

  it("answers each member with the zone of their own profile fixture, where the stream's fixture has no envelope", async () => {
    const zones = { "z-1": "Europe/Paris", "z-2": "America/Los_Angeles" };
    const mock = await startMockProvider(ZONED, {
      users: Object.entries(zones).map(([id, zone]) => ({ id, profile: { settings: { zone, units: "metric" } } })),
      streams: { days: { records: { "z-1": [{ id: "d1", date: "2026-03-01", tz: "Europe/Paris" }] }, time: { path: "/date", format: "date" } } },
    });
    for (const [id, zone] of Object.entries(zones)) {
      const token = mock.oauth?.issueTokens(id).accessToken as string;
      const answer = await call(`${mock.urls().baseUrl}/me/settings?until=2026-03-02`, { token });
      expect(answer, id).toMatchObject({ status: 200, body: { settings: { zone } } });
    }
    // Not the stream's route: that one wants its window.
    const token = mock.oauth?.issueTokens("z-1").accessToken as string;
    expect((await call(`${mock.urls().baseUrl}/days?from=2026-03-01&to=2026-03-02`, { token })).body).toEqual({
      data: [{ id: "d1", date: "2026-03-01", tz: "Europe/Paris" }],
    });
    // A probe asks for someone: without a token it is refused, not answered with another member's zone.
    expect((await call(`${mock.urls().baseUrl}/me/settings?until=2026-03-02`)).status).toBe(401);
  });
});

describe("mockFromSpec: next links and a per-user budget (Fitbit-like)", () => {
  it("pages by next link and Link header, with Fitbit's rate-limit headers, then 429 with Retry-After", async () => {
    const clock = manualClock(Date.UTC(2026, 2, 1, 12, 0, 0));
    const activities = Array.from({ length: 5 }, (_, i) => ({ logId: i, startTime: `2026-02-2${i}T07:00:00.000+02:00` }));
    const mock = await startMockProvider(
      FITBIT_LIKE,
      { users: [{ id: "GGNJL9", username: "ada", password: "pw" }], streams: { activity_list: { records: activities } } },
      { clock, errors: "fitbit", oauth: { accessTokenSeconds: 28_800 } },
    );
    const { answer, accessToken } = await authorizeWithMock(mock, { login: { username: "ada", password: "pw" } });
    expect(answer.user_id).toBe("GGNJL9");
    let url: string | undefined = `${mock.urls().baseUrl}/1/user/-/activities/list.json?afterDate=2026-02-21&sort=asc&offset=0&limit=2`;
    const ids: number[] = [];
    const remaining: string[] = [];
    while (url) {
      const page = await call(url, { token: accessToken });
      expect(page.status).toBe(200);
      ids.push(...page.body.activities.map((a: { logId: number }) => a.logId));
      remaining.push(page.headers.get("fitbit-rate-limit-remaining") ?? "");
      expect(page.headers.get("link") ?? undefined).toBe(page.body.pagination.next ? `<${page.body.pagination.next}>; rel="next"` : undefined);
      url = page.body.pagination.next || undefined;
    }
    expect(ids).toEqual([1, 2, 3, 4]);
    expect(remaining).toEqual(["2", "1"]);
    await call(`${mock.urls().baseUrl}/1/user/-/activities/list.json?afterDate=2026-02-21&sort=asc&offset=0&limit=2`, { token: accessToken });
    const refused = await call(`${mock.urls().baseUrl}/1/user/-/activities/list.json?afterDate=2026-02-21&sort=asc&offset=0&limit=2`, { token: accessToken });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("3600");
    expect(refused.body).toMatchObject({ success: false });
    clock.advance(3600);
    expect(
      (await call(`${mock.urls().baseUrl}/1/user/-/activities/list.json?afterDate=2026-02-21&sort=asc&offset=0&limit=2`, { token: accessToken })).status,
    ).toBe(200);
  });

  it("can run without the spec's rate limits", async () => {
    const mock = await startMockProvider(FITBIT_LIKE, { users: [{ id: "GGNJL9" }], streams: { activity_list: { records: [] } } }, { rateLimits: false });
    const token = mock.oauth?.issueTokens("GGNJL9").accessToken as string;
    for (let i = 0; i < 5; i++)
      expect((await call(`${mock.urls().baseUrl}/1/user/-/activities/list.json?afterDate=2026-02-21&sort=asc&offset=0&limit=2`, { token })).status).toBe(200);
  });
});

describe("mockFromSpec: pages until empty, objects, revoke and Strava's limits (Strava-like)", () => {
  const activities = Array.from({ length: 3 }, (_, i) => ({ id: 100 + i, start_date: `2026-01-0${i + 1}T10:00:00Z` }));

  it("serves a bare array page by page until an empty page, with usage headers, and revokes by query token", async () => {
    const mock = await startMockProvider(
      STRAVA_LIKE,
      { users: [{ id: 134815, username: "ada", password: "pw" }], streams: { activities: { records: activities } } },
      { errors: "strava" },
    );
    const { answer, accessToken } = await authorizeWithMock(mock, { login: { username: "ada", password: "pw" } });
    expect(answer.athlete).toEqual({ id: 134815 });
    const after = Date.UTC(2026, 0, 1) / 1000;
    const before = Date.UTC(2026, 0, 31) / 1000;
    const pages = [];
    for (let page = 1; page < 10; page++) {
      const got = await call(`${mock.urls().baseUrl}/athlete/activities?after=${after}&before=${before}&page=${page}&per_page=2`, { token: accessToken });
      pages.push(got.body.map((a: { id: number }) => a.id));
      expect(got.headers.get("x-ratelimit-limit")).toBe("100,1000");
      expect(got.headers.get("x-ratelimit-usage")).toBe(`${page},${page}`);
      if (got.body.length === 0) break;
    }
    expect(pages).toEqual([[100, 101], [102], []]);
    expect((await call(`${mock.urls().baseUrl}/activities/101`, { token: accessToken })).body).toEqual(activities[1]);
    const revoked = await call(`${mock.origin}/oauth/deauthorize?access_token=${accessToken}`, { method: "POST" });
    expect(revoked.status).toBe(200);
    expect(mock.lifecycleCalls).toMatchObject([{ phase: "revoke", userId: "134815" }]);
    const after401 = await call(`${mock.urls().baseUrl}/activities/101`, { token: accessToken });
    expect(after401).toMatchObject({ status: 401, body: { message: "Authorization Error" } });
    expect((await call(`${mock.origin}/oauth/deauthorize?access_token=${accessToken}`, { method: "POST" })).status).toBe(401);
  });
});

describe("mockFromSpec: how the provider answers where the spec does not say", () => {
  const withReadLimits = {
    ...STRAVA_LIKE,
    http: {
      ...STRAVA_LIKE.http!,
      rateLimits: [
        { name: "overall_15min", scope: "client" as const, max: 4, perSeconds: 900, aligned: true },
        { name: "read_15min", scope: "client" as const, max: 2, perSeconds: 900, aligned: true },
      ],
      rateLimitHeaders: [
        { limit: "X-RateLimit-Limit", usage: "X-RateLimit-Usage", windows: ["overall_15min"] },
        { limit: "X-ReadRateLimit-Limit", usage: "X-ReadRateLimit-Usage", windows: ["read_15min"] },
      ],
    },
  };

  it("refuses Strava's way: its error body, every declared header set, no Retry-After; each refusal logged with when the window frees", async () => {
    const clock = manualClock(Date.parse("2026-01-05T10:07:00Z"));
    const mock = await startMockProvider(
      withReadLimits,
      { users: [{ id: 134815 }], streams: { activities: { records: [] } }, provider: { errors: "strava", rateLimited: { retryAfter: false } } },
      { clock },
    );
    const token = mock.oauth!.issueTokens("134815").accessToken;
    const url = `${mock.urls().baseUrl}/athlete/activities?after=1767225600&before=1769904000&page=1&per_page=2`;
    expect((await call(url, { token })).headers.get("x-readratelimit-usage")).toBe("1");
    await call(url, { token });
    const refused = await call(url, { token });
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ message: "Rate Limit Exceeded", errors: [{ resource: "Application", field: "rate limit", code: "exceeded" }] });
    expect(refused.headers.get("retry-after")).toBeNull();
    expect([refused.headers.get("x-ratelimit-limit"), refused.headers.get("x-ratelimit-usage")]).toEqual(["4", "2"]);
    expect([refused.headers.get("x-readratelimit-limit"), refused.headers.get("x-readratelimit-usage")]).toEqual(["2", "2"]);
    // The next quarter hour: 10:15.
    expect(mock.rateLimited).toMatchObject([
      { method: "GET", path: "/api/v3/athlete/activities", query: { page: "1" }, at: clock.now(), freeAt: Date.parse("2026-01-05T10:15:00Z") },
    ]);
  });

  it("answers a URL a push names (fixtures.urls) to the user it is for, with the budget taken", async () => {
    const urls: UrlAnswer[] = [
      { path: "/api/v3/pings/sleeps", query: { from: "100" }, user: "134815", body: [{ id: "s1" }] },
      { path: "/api/v3/pings/sleeps", query: { from: "100", token: "t" }, user: "134815", body: [{ id: "s1", exact: true }] },
    ];
    const mock = await startMockProvider(STRAVA_LIKE, { users: [{ id: 134815 }, { id: 2 }], urls });
    const [ada, other] = ["134815", "2"].map((id) => mock.oauth!.issueTokens(id).accessToken);
    const first = await call(`${mock.urls().baseUrl}/pings/sleeps?from=100&to=200`, { token: ada });
    expect(first.body).toEqual([{ id: "s1" }]);
    expect(first.headers.get("x-ratelimit-usage")).toBe("1,1");
    expect((await call(`${mock.urls().baseUrl}/pings/sleeps?from=100&token=t`, { token: ada })).body).toEqual([{ id: "s1", exact: true }]);
    expect((await call(`${mock.urls().baseUrl}/pings/sleeps?from=100`, { token: other })).status).toBe(404);
    expect((await call(`${mock.urls().baseUrl}/pings/sleeps?from=100`)).status).toBe(401);
    expect((await call(`${mock.urls().baseUrl}/pings/sleeps?from=999`, { token: ada })).status).toBe(404);
  });
});

describe("mockFromSpec: lifecycle requests (Polar-like), password grant (Xert-like), API key and backfill (Garmin-like)", () => {
  it("registers a user once (409 after), deregisters, and issues long-lived tokens without refresh", async () => {
    const mock = await startMockProvider(POLAR_LIKE, {
      users: [{ id: 475, username: "ada", password: "pw" }],
      clients: [{ id: "polar-client", secret: "polar-secret" }],
      streams: { exercises: { records: [{ id: "aQlC83" }] } },
    });
    const { answer, accessToken, refreshToken } = await authorizeWithMock(mock, {
      login: { username: "ada", password: "pw" },
      client: { id: "polar-client", secret: "polar-secret" },
    });
    expect(answer.x_user_id).toBe(475);
    expect(refreshToken).toBeUndefined();
    const register = () =>
      call(`${mock.urls().baseUrl}/v3/users`, {
        method: "POST",
        token: accessToken,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ "member-id": "tributary-user-1" }),
      });
    expect((await register()).status).toBe(200);
    expect((await register()).status).toBe(409);
    expect((await call(`${mock.urls().baseUrl}/v3/users/475`, { method: "DELETE", token: accessToken })).status).toBe(204);
    expect((await register()).status).toBe(200);
    expect(mock.lifecycleCalls.map((c) => c.phase)).toEqual(["connect", "connect", "disconnect", "connect"]);
    expect((await call(`${mock.urls().baseUrl}/v3/exercises`, { token: accessToken })).body).toEqual([{ id: "aQlC83" }]);
  });

  it("connects with the password grant and the spec's public client", async () => {
    const mock = await startMockProvider(XERT_LIKE, {
      users: [{ id: "xert-1", username: "grace", password: "pw" }],
      streams: { activities: { records: [{ path: "eef8", start: 1_700_000_000 }], time: { path: "/start", format: "unix_seconds" } } },
    });
    const token = await call(mock.urls().tokenUrl as string, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from("xert_public:xert_public").toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "password", username: "grace", password: "pw" }),
    });
    expect(token.status).toBe(200);
    expect(mock.urls().authorizeUrl).toBeUndefined();
    const list = await call(`${mock.urls().baseUrl}/oauth/activity?from=1699999999&to=1700000001`, { token: token.body.access_token });
    expect(list.body).toEqual({ activities: [{ path: "eef8", start: 1_700_000_000 }] });
  });

  it("takes the API key from the query, refuses windows longer than maxWindowDays, and answers backfill requests with 202", async () => {
    const dailies = [{ summaryId: "d1", startTimeInSeconds: 1_700_000_000 }];
    const mock = await startMockProvider(GARMIN_LIKE, { users: [{ id: "g-1", apiKey: "key-1" }], streams: { dailies: { records: dailies } } });
    const base = mock.urls().baseUrl;
    expect((await call(`${base}/dailies?uploadStartTimeInSeconds=1699990000&uploadEndTimeInSeconds=1700010000&api_key=key-1`)).body).toEqual(dailies);
    expect((await call(`${base}/dailies?uploadStartTimeInSeconds=1699990000&uploadEndTimeInSeconds=1700010000`)).status).toBe(401);
    const long = await call(`${base}/dailies?uploadStartTimeInSeconds=1690000000&uploadEndTimeInSeconds=1700010000&api_key=key-1`);
    expect(long.status).toBe(400);
    expect(long.body.error_description).toContain("longer than 1 days");
    expect((await call(`${base}/backfill/dailies?summaryStartTimeInSeconds=1690000000&summaryEndTimeInSeconds=1700000000&api_key=key-1`)).status).toBe(202);
    expect(mock.lifecycleCalls).toMatchObject([{ phase: "backfill", userId: "g-1", variables: { start: "1690000000", end: "1700000000" } }]);
  });
});

describe("mockFromSpec: endpoints that answer one object (single)", () => {
  const profile = {
    ...STRAVA_LIKE,
    streams: { athlete: [{ name: "athlete", request: { path: "/athlete" }, id: "/id" }] },
    dataTypes: ["athlete"],
    webhook: undefined,
  } as typeof STRAVA_LIKE;

  it("answers the user's record itself, not a list; a user without one gets the envelope (an empty day), else a 404 in the provider's shape; paging and single are refused together", async () => {
    const users = [
      { id: 134815, username: "ada", password: "pw" },
      { id: 7, username: "bo", password: "pw" },
    ];
    const mock = await startMockProvider(
      profile,
      { users, streams: { athlete: { single: true, records: { "134815": [{ id: 134815, firstname: "Ada" }] } } } },
      { errors: "strava" },
    );
    const ada = await authorizeWithMock(mock, { login: { username: "ada", password: "pw" } });
    expect(await call(`${mock.urls().baseUrl}/athlete`, { token: ada.accessToken })).toMatchObject({ status: 200, body: { id: 134815, firstname: "Ada" } });
    const bo = await authorizeWithMock(mock, { login: { username: "bo", password: "pw" } });
    expect(await call(`${mock.urls().baseUrl}/athlete`, { token: bo.accessToken })).toMatchObject({ status: 404, body: { message: "Record Not Found" } });
    const withEmpty = await startMockProvider(
      profile,
      { users, streams: { athlete: { single: true, envelope: { id: null, firstname: "" }, records: {} } } },
      { errors: "strava" },
    );
    const bo2 = await authorizeWithMock(withEmpty, { login: { username: "bo", password: "pw" } });
    expect(await call(`${withEmpty.urls().baseUrl}/athlete`, { token: bo2.accessToken })).toMatchObject({ status: 200, body: { id: null, firstname: "" } });
    expect(() => mockFromSpec(STRAVA_LIKE, { users, streams: { activities: { single: true, records: [] } } })).toThrow(
      /fixtures\.streams\.activities\.single: a paged stream answers lists/,
    );
  });
});

describe("mockFromSpec: fixtures that would make the mock lie are refused", () => {
  it("names each mistake", () => {
    expect(() => mockFromSpec(OURA_LIKE, { users: [], streams: { nope: { records: [] }, sleep: { records: [] } } })).toThrow(
      expect.objectContaining({
        code: "ERR_MOCK_INVALID",
        message: expect.stringMatching(/fixtures\.streams\.nope: the spec has no stream "nope".*fixtures\.streams\.sleep\.time: required.*fixtures\.users/),
      }),
    );
    const bare = {
      ...STRAVA_LIKE,
      streams: { activity: [{ name: "a", request: { path: "/a" }, id: "/id", paging: { type: "cursor" as const, param: "c", cursorPath: "/next" } }] },
    };
    expect(() => mockFromSpec(bare, { users: [{ id: 1 }] })).toThrow(
      /streams\.a\.records: the answer is the bare record array, so it cannot also carry cursorPath/,
    );
  });
});

describe("mockFromSpec: the granted-scopes request (auth.grantedScopes)", () => {
  it("answers the user's scopes from the fixtures, else the scopes their token was granted, at the spec's pointer", async () => {
    const spec = valid({
      ...OURA_LIKE,
      auth: { ...(OURA_LIKE.auth as Extract<typeof OURA_LIKE.auth, { type: "oauth2" }>), grantedScopes: { request: { path: "/me/scopes" }, path: "/granted" } },
    });
    const mock = await startMockProvider(spec, {
      users: [
        { id: "u-1", username: "ada", password: "pw", scopes: ["daily"] },
        { id: "u-2", username: "bob", password: "pw" },
      ],
    });
    const scopesOf = async (username: string) => {
      const { accessToken } = await authorizeWithMock(mock, { login: { username, password: "pw" } });
      return call(`${mock.urls().baseUrl}/me/scopes`, { token: accessToken });
    };
    expect(await scopesOf("ada")).toMatchObject({ status: 200, body: { granted: ["daily"] } });
    expect(await scopesOf("bob")).toMatchObject({ status: 200, body: { granted: ["daily", "personal"] } });
    expect((await call(`${mock.urls().baseUrl}/me/scopes`)).status).toBe(401);
  });
});
