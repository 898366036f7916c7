import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { ErrorCodes } from "@tributary/core/contracts";
import type { SpecFixtures, StreamFixture } from "@tributary/core/mock-provider";
import { createUndiciTransport, type ProviderBudget, type ProviderTransport } from "@tributary/core/provider-http";
import type { ConnectorDefinition } from "@tributary/core/spec";
import { providerWait, specBudget, TEST_REDIS_URL } from "@tributary/test-kit";
import { connectorClient, connectToMock, pullAndMap, pullFromMock } from "@tributary/test-kit/connector";
import { startMockProvider } from "@tributary/test-kit/mock-provider";
import { fixtureWorkouts, MARCH, peloton, pelotonFixtures, RILEY, SAM, WORKOUT } from "./peloton.ts";

/**
 * Peloton's member API mocked from the spec and the fixtures (mockFromSpec with Peloton's error bodies),
 * read back through the provider client and the stream executor with the connector's mapping: Auth0
 * code flow with PKCE, 0-based pages of 10 stopped by show_next, two detail requests per workout, the
 * Peloton-Platform header, 48 h tokens refreshed with rotating refresh tokens, revocation and 429s.
 */
describe("PELOTON through its mock", () => {
  let definition: ConnectorDefinition;
  let fixtures: SpecFixtures;
  const userOf = (id: string) => fixtures.users.find((user) => String(user.id) === id)!;
  const mockOptions = { errors: "peloton" as const };

  beforeAll(async () => {
    definition = peloton();
    fixtures = await pelotonFixtures(definition);
  });

  /** The live transport, keeping the headers of every request it sends. */
  function watchedTransport(): { transport: ProviderTransport; sent: { url: string; headers: Record<string, string> }[] } {
    const live = createUndiciTransport();
    onTestFinished(() => live.close());
    const sent: { url: string; headers: Record<string, string> }[] = [];
    return { sent, transport: (request) => (sent.push({ url: request.url, headers: request.headers }), live(request)) };
  }

  it("connects Riley (Auth0 consent with PKCE) and reads March: two pages of 10, the class still running skipped, two details per workout", async () => {
    const pull = await pullFromMock(definition, { fixtures, user: userOf(RILEY), window: MARCH, mockOptions });
    expect(pull.failures()).toEqual([]);
    // 14 workouts created in March (February's yoga is outside the window), one of them IN_PROGRESS.
    expect(pull.stats.workouts).toMatchObject({ windows: 1, pages: 2, records: 13, filtered: 1, detailRequests: 26, detailFailures: 0, duplicates: 0 });
    const lists = pull.mock.requests.filter((request) => request.path === `/api/user/${RILEY}/workouts`);
    expect(lists.map((request) => request.query)).toEqual([
      { from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z", joins: "ride,ride.instructor", sort_by: "-created", page: "0", limit: "10" },
      { from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z", joins: "ride,ride.instructor", sort_by: "-created", page: "1", limit: "10" },
    ]);
    const details = pull.mock.requests.filter((request) => request.path.startsWith("/api/workout/"));
    expect(details.filter((request) => request.path.endsWith("/performance_graph")).every((request) => request.query.every_n === "1")).toBe(true);
    expect(details.filter((request) => !request.path.endsWith("/performance_graph")).every((request) => request.query.joins === "ride,ride.instructor")).toBe(
      true,
    );
    expect(details.map((request) => request.path)).not.toContain(`/api/workout/${WORKOUT.inProgress}`);

    const activities = pull.delivered().filter((record: any) => record.metadata !== undefined);
    expect(activities.map((record: any) => record.metadata.summary_id).sort()).toEqual(
      Object.entries(WORKOUT)
        .filter(([name]) => !["inProgress", "februaryYoga", "samRide"].includes(name))
        .map(([, id]) => id)
        .sort(),
    );
    const athletes = pull.delivered().filter((record: any) => record.provider_user_id !== undefined);
    expect(athletes).toEqual([expect.objectContaining({ provider_user_id: RILEY, first_name: "Riley" })]);
  });

  it("sends Peloton-Platform: web and the bearer token on every API request", async () => {
    const mock = await startMockProvider(definition.spec, fixtures, mockOptions);
    const connection = await connectToMock(mock, userOf(RILEY));
    const { transport, sent } = watchedTransport();
    const client = connectorClient(definition, { transport, baseUrl: mock.urls().baseUrl });
    await pullAndMap(definition, client, { window: MARCH, providerUserId: RILEY, credentials: connection.credentials });
    // 2 list pages, 13 × 2 details, /api/me.
    expect(sent.length).toBe(29);
    for (const request of sent) {
      expect(request.headers["peloton-platform"]).toBe("web");
      expect(request.headers.authorization).toBe(`Bearer ${connection.credentials.accessToken}`);
    }
  });

  it("gives each member only their own workouts, and refuses one member's token on another's workouts", async () => {
    const sam = await pullFromMock(definition, { fixtures, user: userOf(SAM), window: MARCH, mockOptions });
    expect(
      sam
        .delivered()
        .filter((record: any) => record.metadata)
        .map((record: any) => record.metadata.summary_id),
    ).toEqual([WORKOUT.samRide]);

    const { transport } = watchedTransport();
    const client = connectorClient(definition, { transport, baseUrl: sam.mock.urls().baseUrl });
    const reading = pullAndMap(definition, client, { window: MARCH, providerUserId: RILEY, credentials: sam.connection.credentials, streams: ["workouts"] });
    await expect(reading).rejects.toMatchObject({ code: ErrorCodes.PROVIDER_REQUEST_FAILED, details: { status: 403 } });
  });

  it("a 48 h token that expires mid-read: Peloton's 401 body, one refresh with the rotating refresh token, the read goes on", async () => {
    let expireOnCall = 5;
    const graphs = fixtures.streams!.workouts!.details!.performance_graph!;
    let expire = () => {};
    const watched: SpecFixtures = {
      ...fixtures,
      streams: {
        ...fixtures.streams,
        workouts: {
          ...(fixtures.streams!.workouts as StreamFixture),
          details: { ...fixtures.streams!.workouts!.details, performance_graph: (record, user) => (--expireOnCall === 0 && expire(), graphs(record, user)) },
        },
      },
    };
    const mock = await startMockProvider(definition.spec, watched, mockOptions);
    expire = () => mock.oauth!.tokens.expireAccessTokens();
    const connection = await connectToMock(mock, userOf(RILEY));
    const firstAccess = connection.credentials.accessToken;
    const { transport } = watchedTransport();
    const client = connectorClient(definition, { transport, baseUrl: mock.urls().baseUrl });
    const pull = await pullAndMap(definition, client, { window: MARCH, providerUserId: RILEY, credentials: connection.credentials, streams: ["workouts"] });

    expect(pull.delivered()).toHaveLength(13);
    expect(connection.credentials.refreshes).toBe(1);
    expect(connection.credentials.accessToken).not.toBe(firstAccess);
    expect(mock.oauth!.tokens.events.filter((event) => event.type === "refreshed")).toHaveLength(1);
    expect(pull.stats.workouts).toMatchObject({ detailRequests: 26, detailFailures: 0 });

    // What a refused request looked like: Peloton's own error body.
    const refused = await transport({
      method: "GET",
      url: `${mock.urls().baseUrl}/api/me`,
      headers: { authorization: `Bearer ${firstAccess}` },
      timeoutMs: 5000,
      maxResponseBytes: 1 << 20,
    });
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body.toString())).toMatchObject({ status: 401, error_code: 3010, message: "Not logged in" });
  });

  it("a member whose grant Peloton revoked: the refresh is refused and the read ends as access revoked", async () => {
    const mock = await startMockProvider(definition.spec, fixtures, mockOptions);
    const connection = await connectToMock(mock, userOf(RILEY));
    mock.oauth!.tokens.revokeUser(RILEY);
    const { transport } = watchedTransport();
    const client = connectorClient(definition, { transport, baseUrl: mock.urls().baseUrl });
    const reading = pullAndMap(definition, client, { window: MARCH, providerUserId: RILEY, credentials: connection.credentials });
    await expect(reading).rejects.toMatchObject({ code: ErrorCodes.AUTH_REVOKED });
    expect(connection.credentials.refreshes).toBe(1);
  });

  describe("the courtesy budget (60 requests a minute per member)", () => {
    /** Riley with 40 rides in March: a March read needs 4 list pages and 80 detail requests. */
    let busy: SpecFixtures;
    let redis: Redis;
    beforeAll(() => {
      const template = fixtureWorkouts(fixtures).find((record) => record.id === WORKOUT.samRide)!;
      const details = fixtures.streams!.workouts!.details!;
      const records = Array.from({ length: 40 }, (_, i) => ({
        ...template,
        user_id: RILEY,
        id: `busy${String(i).padStart(28, "0")}`,
        created_at: Date.parse("2026-03-02T00:00:00Z") / 1000 + i * 3600 * 12,
      }));
      const asTemplate = (fetch: NonNullable<typeof details.workout>) => (record: unknown, user: Parameters<typeof fetch>[1]) =>
        fetch({ ...(record as object), id: WORKOUT.samRide }, { ...user, id: SAM });
      busy = {
        ...fixtures,
        streams: {
          ...fixtures.streams,
          workouts: {
            ...fixtures.streams!.workouts!,
            records: { [RILEY]: records },
            details: { workout: asTemplate(details.workout!), performance_graph: asTemplate(details.performance_graph!) },
          },
        },
      };
      redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 2 });
    });
    afterAll(async () => {
      await redis?.quit();
    });
    /** Riley's busy March read through the mock until it has to wait: the provider's 429, or the budget's. */
    const readBusyMarch = async (budget?: ProviderBudget) => {
      const mock = await startMockProvider(definition.spec, busy, mockOptions);
      const connection = await connectToMock(mock, userOf(RILEY));
      const client = connectorClient(definition, { transport: watchedTransport().transport, baseUrl: mock.urls().baseUrl, ...(budget ? { budget } : {}) });
      const read = pullAndMap(definition, client, { window: MARCH, providerUserId: RILEY, credentials: connection.credentials, streams: ["workouts"] });
      return { mock, error: await providerWait(read) };
    };

    it("the mock answers the 61st request of a minute 429 with Retry-After, which the client hands back as a wait", async () => {
      const { mock, error } = await readBusyMarch();
      expect(error.reason).toBe("provider");
      expect(error.retryAfterMs).toBeGreaterThan(30_000);
      const api = mock.requests.filter((request) => request.path.startsWith("/api/"));
      // Detail requests run up to four ahead: those in flight when the minute is spent all meet the 429.
      const limited = api.filter((request) => request.status === 429);
      expect(limited.length).toBeGreaterThanOrEqual(1);
      expect(limited.length).toBeLessThanOrEqual(4);
      expect(api.filter((request) => request.status === 200)).toHaveLength(60);
    });

    it("a client with the spec's budget stops itself at the limit: Peloton never answers 429", async () => {
      const { mock, error } = await readBusyMarch(specBudget(redis, definition.spec));
      expect(error.reason).toBe("budget");
      expect(mock.requests.filter((request) => request.status === 429)).toEqual([]);
      expect(mock.requests.filter((request) => request.path.startsWith("/api/"))).toHaveLength(60);
    });
  });
});
