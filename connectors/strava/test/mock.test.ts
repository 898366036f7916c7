import { Redis } from "ioredis";
import { afterAll, describe, expect, it, beforeAll, beforeEach, onTestFinished } from "vitest";
import { ErrorCodes } from "@tributary/core/contracts";
import { manualClock, type SpecFixtures } from "@tributary/core/mock-provider";
import { createUndiciTransport, type ProviderTransport } from "@tributary/core/provider-http";
import type { ConnectorDefinition } from "@tributary/core/spec";
import { connectorClient, connectToMock, MOCK_CLIENT, pullAndMap, pullFromMock } from "@tributary/test-kit/connector";
import { providerWait, specBudget, TEST_REDIS_URL } from "@tributary/test-kit";
import { mockTokenRequest, startMockProvider } from "@tributary/test-kit/mock-provider";
import { ACTIVITY, MARCH, MAYA, OSKAR, strava, stravaFixtures } from "./strava.ts";

const JANUARY = { start: new Date("2026-01-01T00:00:00Z"), end: new Date("2026-02-01T00:00:00Z") };

/**
 * The Strava API v3 mocked from the spec and fixtures with Strava's error bodies: authorization code
 * without PKCE, comma-separated scopes, the athlete in the token answer, before/after windows in unix
 * seconds with page/per_page, the detail and the streams per activity, 6-hour tokens with rotating refresh
 * tokens, deauthorization, and the read limit of 100 requests per quarter hour.
 */
describe("STRAVA through its mock", () => {
  let definition: ConnectorDefinition;
  let fixtures: SpecFixtures;
  const userOf = (id: string) => fixtures.users.find((user) => String(user.id) === id)!;
  // Strava's error bodies on data routes and at the token endpoint; 6-hour access tokens.
  const mockOptions = { errors: "strava" as const, oauth: { tokenErrors: "strava" as const, accessTokenSeconds: 21600 } };

  beforeAll(async () => {
    definition = strava();
    fixtures = await stravaFixtures(definition);
  });

  function liveTransport(): ProviderTransport {
    const transport = createUndiciTransport();
    onTestFinished(() => transport.close());
    return transport;
  }

  it("connects Maya (no PKCE, scopes joined by commas, the athlete id from the token answer) and reads March: one page, details, streams for recorded activities only", async () => {
    const pull = await pullFromMock(definition, { fixtures, user: userOf(MAYA), window: MARCH, mockOptions });
    expect(pull.connection.providerUserId).toBe(MAYA);
    const authorize = pull.mock.requests.find((request) => request.path === "/oauth/authorize" && request.query.scope !== undefined)!;
    expect(authorize.query).toMatchObject({ scope: "read,activity:read_all,profile:read_all" });
    expect(authorize.query.code_challenge).toBeUndefined();
    expect(pull.failures()).toEqual([]);
    const lists = pull.mock.requests.filter((request) => request.path === "/api/v3/athlete/activities");
    // 1 Mar 00:00Z and 1 Apr 00:00Z in unix seconds; five activities is a short page: no second request.
    expect(lists.map((request) => request.query)).toEqual([{ after: "1772323200", before: "1775001600", page: "1", per_page: "100" }]);
    expect(pull.stats.activities).toMatchObject({ windows: 1, pages: 1, records: 5, detailRequests: 9, detailFailures: 0 });
    const streamRequests = pull.mock.requests.filter((request) => request.path.endsWith("/streams"));
    // The manual gym session has no streams, so they are never asked for.
    expect(streamRequests.map((request) => request.path).sort()).toEqual(
      [ACTIVITY.ride, ACTIVITY.run, ACTIVITY.virtualRide, ACTIVITY.summerTimeRun].map((id) => `/api/v3/activities/${id}/streams`).sort(),
    );
    expect(streamRequests.every((request) => request.query.key_by_type === "true")).toBe(true);
    const delivered = pull.delivered();
    expect(delivered.filter((record: any) => record.metadata).map((record: any) => record.metadata.summary_id)).toEqual(
      [ACTIVITY.ride, ACTIVITY.run, ACTIVITY.virtualRide, ACTIVITY.manualGym, ACTIVITY.summerTimeRun].map(String),
    );
    expect(delivered.filter((record: any) => !record.metadata)).toMatchObject([{ provider_user_id: MAYA, first_name: "Maya" }]);
  });

  it("pages Oskar's January per_page 100 at a time: 101 walks are two pages, the second short", async () => {
    const pull = await pullFromMock(definition, {
      fixtures,
      user: userOf(OSKAR),
      window: JANUARY,
      streams: ["activities"],
      mockOptions: { ...mockOptions, rateLimits: false },
    });
    const lists = pull.mock.requests.filter((request) => request.path === "/api/v3/athlete/activities");
    expect(lists.map((request) => request.query.page)).toEqual(["1", "2"]);
    expect(pull.stats.activities).toMatchObject({ pages: 2, records: 101, detailRequests: 101 });
    expect(pull.delivered()).toHaveLength(101);
    expect(pull.delivered().every((record: any) => record.metadata.type === 7 && record.metadata.upload_type === 2)).toBe(true);
  });

  it("the read limit: the 101st request of a quarter hour is Strava's 429 with both usage headers and no Retry-After, handed back as a wait for the next quarter hour", async () => {
    const clock = manualClock(Date.parse("2026-02-02T10:01:00Z"));
    const mock = await startMockProvider(definition.spec, fixtures, { ...mockOptions, clock });
    const connection = await connectToMock(mock, userOf(OSKAR));
    const client = connectorClient(definition, { transport: liveTransport(), baseUrl: mock.urls().baseUrl });
    const error = await providerWait(
      pullAndMap(definition, client, {
        window: JANUARY,
        providerUserId: OSKAR,
        credentials: connection.credentials,
        streams: ["activities"],
      }),
    );
    expect(error.reason).toBe("provider");
    // The read usage at its limit: until the next :00/:15/:30/:45 (the client's own clock), and a second.
    const quarter = 900_000;
    expect(error.retryAfterMs).toBeGreaterThan(1000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(quarter + 1000);
    const data = mock.requests.filter((request) => request.path.startsWith("/api/v3/"));
    expect(data.filter((request) => request.status === 200)).toHaveLength(100);
    expect(data.filter((request) => request.status === 429)).toHaveLength(1);
    // Strava's answer: its body, the overall and read usage of both windows, no Retry-After.
    const refused = await fetch(`${mock.urls().baseUrl}/athlete`, { headers: { authorization: `Bearer ${connection.credentials.accessToken}` } });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("x-ratelimit-limit")).toBe("200,2000");
    expect(refused.headers.get("x-ratelimit-usage")).toBe("100,100");
    expect(refused.headers.get("x-readratelimit-limit")).toBe("100,1000");
    expect(refused.headers.get("x-readratelimit-usage")).toBe("100,100");
    expect(refused.headers.get("retry-after")).toBeNull();
    expect(await refused.json()).toEqual({ message: "Rate Limit Exceeded", errors: [{ resource: "Application", field: "rate limit", code: "exceeded" }] });
  });

  it("a 6-hour token that expires: Strava's 401 Authorization Error, one refresh with the rotating refresh token, the read goes on", async () => {
    const mock = await startMockProvider(definition.spec, fixtures, mockOptions);
    const connection = await connectToMock(mock, userOf(MAYA));
    mock.oauth!.tokens.expireAccessTokens();
    const client = connectorClient(definition, {
      transport: liveTransport(),
      baseUrl: mock.urls().baseUrl,
      clientId: MOCK_CLIENT.id,
      clientSecret: MOCK_CLIENT.secret,
    });
    const pull = await pullAndMap(definition, client, { window: MARCH, providerUserId: MAYA, credentials: connection.credentials, streams: ["activities"] });
    expect(pull.delivered()).toHaveLength(5);
    expect(connection.credentials.refreshes).toBe(1);
    expect(mock.requests.filter((request) => request.status === 401)).toHaveLength(1);
    expect(mock.oauth!.tokens.events.filter((event) => event.type === "refreshed")).toHaveLength(1);
  });

  it("tokens live 6 hours and name the athlete; an unknown refresh token is Strava's 400 naming refresh_token", async () => {
    const mock = await startMockProvider(definition.spec, fixtures, mockOptions);
    const connection = await connectToMock(mock, userOf(MAYA));
    expect(await connection.credentials.refresh()).toBe(true);
    const issued = mock.oauth!.tokens.events.filter((event) => event.type === "issued" || event.type === "refreshed");
    expect(issued).toHaveLength(2);
    const wrong = await mockTokenRequest(mock, { grant_type: "refresh_token", refresh_token: "not-a-refresh-token" }, { client: MOCK_CLIENT });
    expect(wrong.status).toBe(400);
    expect(wrong.answer).toMatchObject({ message: "Bad Request", errors: [{ resource: "RefreshToken", field: "refresh_token", code: "invalid" }] });
  });

  it("deauthorization (POST /oauth/deauthorize with the access token) ends the grant: the next read is access revoked", async () => {
    const mock = await startMockProvider(definition.spec, fixtures, mockOptions);
    const connection = await connectToMock(mock, userOf(MAYA));
    const client = connectorClient(definition, {
      transport: liveTransport(),
      baseUrl: mock.urls().baseUrl,
      clientId: MOCK_CLIENT.id,
      clientSecret: MOCK_CLIENT.secret,
    });
    const auth = definition.spec.auth;
    if (auth.type !== "oauth2" || !auth.revoke) throw new Error("STRAVA declares a revoke request");
    const answer = await client.session({ credentials: connection.credentials, variables: { provider_user_id: MAYA } }).send(auth.revoke);
    expect(answer.status).toBe(200);
    expect(mock.lifecycleCalls).toEqual([expect.objectContaining({ phase: "revoke", path: "/oauth/deauthorize", userId: MAYA })]);
    await expect(pullAndMap(definition, client, { window: MARCH, providerUserId: MAYA, credentials: connection.credentials })).rejects.toMatchObject({
      code: ErrorCodes.AUTH_REVOKED,
    });
  });

  it("an athlete who did not grant activity:read_all: the 401 fails the read instead of refreshing", async () => {
    const body = { message: "Authorization Error", errors: [{ resource: "AccessToken", field: "activity:read_permission", code: "missing" }] };
    let calls = 0;
    const transport: ProviderTransport = async () => (
      calls++, { status: 401, headers: { "content-type": "application/json" }, body: Buffer.from(JSON.stringify(body)) }
    );
    await expect(
      pullAndMap(definition, connectorClient(definition, { transport }), { window: MARCH, providerUserId: MAYA, streams: ["activities"] }),
    ).rejects.toMatchObject({
      code: ErrorCodes.PROVIDER_REQUEST_FAILED,
    });
    expect(calls).toBe(1);
  });
  /**
   * Strava counts a day as well as a quarter hour (overall 2,000, reads 1,000, reset at midnight UTC). A
   * day spent parks the reads until midnight even while the quarter hour has room — whether our budget
   * knows it from the counts and limits the answers report, or a 429 says so.
   */
  describe("the daily windows", () => {
    let redis: Redis;
    const DAY = 86_400_000;
    /** What an aligned daily wait should be now: to the next midnight UTC (a wait from a 429 adds a second for clock skew). */
    const untilMidnight = () => DAY - (Date.now() % DAY);

    beforeAll(() => {
      redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 2 });
    });
    // A test that met midnight UTC halfway would see the day it spent reset under it.
    beforeEach(async () => {
      if (untilMidnight() < 10_000) await new Promise((resolve) => setTimeout(resolve, untilMidnight() + 50));
    });
    afterAll(async () => {
      await redis?.quit();
    });

    const stravaBudget = () => specBudget(redis, definition.spec);

    it("an app allowed 5 reads a day (X-ReadRateLimit-Limit: 100,5): the 6th read parks until midnight UTC, named the daily window, with 95 left in the quarter hour — Strava never says 429", async () => {
      const clock = manualClock(Date.parse("2026-02-02T10:01:00Z"));
      const rateLimits = definition.spec.http!.rateLimits!.map((window) => (window.name === "read_daily" ? { ...window, max: 5 } : window));
      const mock = await startMockProvider(definition.spec, fixtures, { ...mockOptions, clock, rateLimits });
      const connection = await connectToMock(mock, userOf(OSKAR));
      const client = connectorClient(definition, { transport: liveTransport(), baseUrl: mock.urls().baseUrl, budget: stravaBudget() });
      const wait = await providerWait(
        pullAndMap(definition, client, { window: JANUARY, providerUserId: OSKAR, credentials: connection.credentials, streams: ["activities"] }),
      );
      expect(wait).toMatchObject({ reason: "budget", details: { window: "read_daily" } });
      expect(Math.abs(wait.retryAfterMs - untilMidnight())).toBeLessThan(2000);
      const data = mock.requests.filter((request) => request.path.startsWith("/api/v3/"));
      expect(data.map((request) => request.status)).toEqual([200, 200, 200, 200, 200]);
      // Strava's count (overall and read, quarter hour and day): 5 each — the day at its limit, the quarter hour not.
      expect(mock.budget!.usage({ clientId: MOCK_CLIENT.id })).toEqual([5, 5, 5, 5]);
    });

    it("an answer whose X-RateLimit-Usage reports the day spent (12,2000 of 200,2000) parks the next request until midnight UTC, nothing sent; a 429 saying so waits for midnight too, not the quarter hour", async () => {
      const daySpent = {
        "x-ratelimit-limit": "200,2000",
        "x-ratelimit-usage": "12,2000",
        "x-readratelimit-limit": "100,1000",
        "x-readratelimit-usage": "12,640",
      };
      let sent = 0;
      const answering =
        (status: number): ProviderTransport =>
        async () => (sent++, { status, headers: { "content-type": "application/json", ...daySpent }, body: Buffer.from(JSON.stringify({ id: Number(MAYA) })) });

      const client = connectorClient(definition, { transport: answering(200), budget: stravaBudget() });
      await client.session({ userId: "maya" }).send({ path: "/athlete" });
      const parked = await providerWait(client.session({ userId: "maya" }).send({ path: "/athlete" }));
      expect(parked).toMatchObject({ reason: "budget", details: { window: "overall_daily" } });
      expect(Math.abs(parked.retryAfterMs - untilMidnight())).toBeLessThan(2000);
      expect(sent).toBe(1);

      // Without a budget of our own (or when another process spent the day), Strava's 429 carries no
      // Retry-After: the headers say which window is spent, and that is the day.
      sent = 0;
      const refused = await providerWait(
        connectorClient(definition, { transport: answering(429) })
          .session({ userId: "maya" })
          .send({ path: "/athlete" }),
      );
      expect(refused.reason).toBe("provider");
      expect(Math.abs(refused.retryAfterMs - (untilMidnight() + 1000))).toBeLessThan(2000);
      expect(sent).toBe(1);
    });
  });
});
