import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { createRecordMapper } from "@tributary/core/authoring";
import { ErrorCodes } from "@tributary/core/contracts";
import type { SpecFixtures, StreamFixture } from "@tributary/core/mock-provider";
import { createUndiciTransport, ProviderAccessRevokedError, type ProviderTransport } from "@tributary/core/provider-http";
import type { ConnectorDefinition } from "@tributary/core/spec";
import { providerWait, specBudget, TEST_REDIS_URL } from "@tributary/test-kit";
import { connectorClient, connectToMock, MOCK_CLIENT, pullAndMap, pullFromMock } from "@tributary/test-kit/connector";
import { startMockProvider } from "@tributary/test-kit/mock-provider";
import { ADA, BOB, fixtureActivities, insiders, insidersFixtures, MARCH, withSamples } from "./insiders.ts";

/**
 * The INSIDERS partner API mocked from its spec and fixtures (mockFromSpec), read back through the
 * provider client and the stream executor with the connector's mapping: OAuth with PKCE, windows of at
 * most 31 days, cursor pages of 10, per-activity samples, token refresh, revocation and rate limits.
 */
describe("INSIDERS through its mock", () => {
  let definition: ConnectorDefinition;
  let fixtures: SpecFixtures;
  const userOf = (id: string) => fixtures.users.find((user) => String(user.id) === id)!;

  beforeAll(async () => {
    definition = insiders();
    fixtures = await insidersFixtures(definition);
  });

  it("connects Ada (consent, PKCE, basic client auth) and reads March in two pages, samples attached, eleven activities delivered", async () => {
    const pull = await pullFromMock(definition, { fixtures, user: userOf(ADA), window: MARCH });
    expect(pull.connection.providerUserId).toBe(ADA);
    expect(pull.stats.activities).toMatchObject({ windows: 1, pages: 2, records: 12, detailRequests: 10, detailFailures: 0, duplicates: 0 });

    const lists = pull.mock.requests.filter((request) => request.path === `/partner/v1/users/${ADA}/activities`);
    expect(lists.map((request) => request.query)).toEqual([
      { start_date: "2026-03-01T00:00:00Z", end_date: "2026-04-01T00:00:00Z", limit: "10" },
      { start_date: "2026-03-01T00:00:00Z", end_date: "2026-04-01T00:00:00Z", limit: "10", cursor: expect.any(String) },
    ]);
    const sampleRequests = pull.mock.requests.filter((request) => request.path.endsWith("/samples"));
    // Strength and yoga say has_samples: false, so their samples are never asked for.
    expect(sampleRequests).toHaveLength(10);
    expect(sampleRequests.map((request) => request.path)).not.toContain(`/partner/v1/users/${ADA}/activities/act_01JP8T0B2G/samples`);
    expect(pull.mock.requests.every((request) => request.status < 400)).toBe(true);

    // What the pull delivers is what the mapping makes of the fixtures with their samples: nothing lost on the way.
    const mapper = createRecordMapper(definition, { userId: "test-user", providerUserId: ADA });
    const expected: unknown[] = [];
    for (const record of fixtureActivities(fixtures).filter((r) => r.user_id === ADA)) {
      for (const outcome of await mapper.map("activity", "activity", withSamples(fixtures, record)))
        if (outcome.kind === "record") expected.push(outcome.record);
    }
    expect(pull.failures()).toEqual([]);
    expect(pull.delivered()).toHaveLength(11);
    expect(pull.delivered()).toEqual(expected);
  });

  it("gives each user only their own activities, and refuses one user's token on another's path", async () => {
    const bob = await pullFromMock(definition, { fixtures, user: userOf(BOB), window: MARCH });
    expect(bob.delivered().map((record: any) => record.metadata.summary_id)).toEqual(["act_01JNYV4K6R", "act_01JR8C2D5S"]);

    const transport = createUndiciTransport();
    onTestFinished(() => transport.close());
    const client = connectorClient(definition, { transport, baseUrl: bob.mock.urls().baseUrl });
    const reading = pullAndMap(definition, client, { window: MARCH, providerUserId: ADA, credentials: bob.connection.credentials });
    await expect(reading).rejects.toMatchObject({ code: ErrorCodes.PROVIDER_REQUEST_FAILED, details: { status: 403 } });
  });

  it("steps a 90-day window 31 days at a time, oldest first, and never asks for a longer one", async () => {
    const window = { start: new Date("2026-01-01T00:00:00Z"), end: new Date("2026-04-01T00:00:00Z") };
    const pull = await pullFromMock(definition, { fixtures, user: userOf(ADA), window });
    const lists = pull.mock.requests.filter((request) => request.path === `/partner/v1/users/${ADA}/activities` && request.query.cursor === undefined);
    expect(lists.map((request) => [request.query.start_date, request.query.end_date])).toEqual([
      ["2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"],
      ["2026-02-01T00:00:00Z", "2026-03-04T00:00:00Z"],
      ["2026-03-04T00:00:00Z", "2026-04-01T00:00:00Z"],
    ]);
    expect(pull.stats.activities).toMatchObject({ windows: 3, records: 12 });
    expect(pull.delivered()).toHaveLength(11);
  });

  it("refreshes an access token that expires in the middle of a read once, with the rotating refresh token, and reads on", async () => {
    let expireOnCall = 3;
    const samples = fixtures.streams!.activities!.details!.samples!;
    let expire = () => {};
    const watched: SpecFixtures = {
      ...fixtures,
      streams: {
        activities: {
          ...(fixtures.streams!.activities as StreamFixture),
          details: { samples: (record, user) => (--expireOnCall === 0 && expire(), samples(record, user)) },
        },
      },
    };
    const mock = await startMockProvider(definition.spec, watched);
    expire = () => mock.oauth!.tokens.expireAccessTokens();
    const connection = await connectToMock(mock, userOf(ADA));
    const transport = createUndiciTransport();
    onTestFinished(() => transport.close());
    const client = connectorClient(definition, { transport, baseUrl: mock.urls().baseUrl });
    const pull = await pullAndMap(definition, client, { window: MARCH, providerUserId: ADA, credentials: connection.credentials });

    expect(pull.delivered()).toHaveLength(11);
    expect(connection.credentials.refreshes).toBe(1);
    expect(mock.oauth!.tokens.events.filter((event) => event.type === "refreshed")).toHaveLength(1);
    // The sample requests in flight when the token expired (up to the executor's four) all met a 401; one refresh served them all.
    const refused = mock.requests.filter((request) => request.status === 401);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeLessThanOrEqual(4);
    // Every sample list arrived although one of their requests met the expired token.
    expect(pull.stats.activities).toMatchObject({ detailRequests: 10, detailFailures: 0 });
  });

  it("revokes the grant with RFC 7009 (client basic auth, the access token in a form body): the user's next read ends as revoked", async () => {
    const mock = await startMockProvider(definition.spec, fixtures);
    const connection = await connectToMock(mock, userOf(ADA));
    const transport = createUndiciTransport();
    onTestFinished(() => transport.close());
    const client = connectorClient(definition, { transport, baseUrl: mock.urls().baseUrl, clientId: MOCK_CLIENT.id, clientSecret: MOCK_CLIENT.secret });
    const auth = definition.spec.auth;
    if (auth.type !== "oauth2" || !auth.revoke) throw new Error("INSIDERS declares a revoke request");

    const answer = await client.session({ credentials: connection.credentials, variables: { provider_user_id: ADA } }).send(auth.revoke);
    expect(answer.status).toBe(200);
    expect(mock.lifecycleCalls).toEqual([expect.objectContaining({ phase: "revoke", path: "/partner/v1/oauth/revoke", userId: ADA })]);

    const reading = pullAndMap(definition, client, { window: MARCH, providerUserId: ADA, credentials: connection.credentials });
    await expect(reading).rejects.toMatchObject({ code: ErrorCodes.AUTH_REVOKED });
    expect(connection.credentials.refreshes).toBe(1);
  });

  it("reads the partner's 403 consent_revoked as a revoked connection, and another 403 as a plain failure", async () => {
    const answer =
      (error: string): ProviderTransport =>
      async () => ({
        status: 403,
        headers: { "content-type": "application/json" },
        body: Buffer.from(JSON.stringify({ error, error_description: "see the partner API" })),
      });
    const read = (transport: ProviderTransport) => pullAndMap(definition, connectorClient(definition, { transport }), { window: MARCH, providerUserId: ADA });
    const revoked = await read(answer("consent_revoked")).catch((error: unknown) => error);
    expect(revoked).toBeInstanceOf(ProviderAccessRevokedError);
    expect((revoked as Error).message).toMatch(/withdrew Tributary's access/);
    await expect(read(answer("insufficient_scope"))).rejects.toMatchObject({ code: ErrorCodes.PROVIDER_REQUEST_FAILED });
  });

  describe("rate limits (120 requests a minute per user)", () => {
    /** Ada with 130 classes in March, each with samples: a March read needs 13 list pages and 130 sample requests. */
    let busy: SpecFixtures;
    let redis: Redis;
    beforeAll(() => {
      const template = fixtureActivities(fixtures).find((record) => record.id === "act_01JP1D5X8E")!;
      const records = Array.from({ length: 130 }, (_, i) => ({
        ...template,
        id: `act_busy_${String(i).padStart(3, "0")}`,
        start_time: new Date(Date.parse("2026-03-01T06:00:00Z") + i * 5 * 3600_000).toISOString().replace(".000Z", "+00:00"),
      }));
      const base = fixtures.streams!.activities!;
      busy = {
        ...fixtures,
        streams: {
          activities: {
            ...base,
            records: { [ADA]: records },
            details: { samples: (record, user) => base.details!.samples!({ ...(record as object), id: template.id }, user) },
          },
        },
      };
      redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 2 });
    });
    afterAll(async () => {
      await redis?.quit();
    });

    it("the mock enforces the declared limit: the 121st request is a 429 with Retry-After, which the client hands back as a wait", async () => {
      const mock = await startMockProvider(definition.spec, busy);
      const connection = await connectToMock(mock, userOf(ADA));
      const transport = createUndiciTransport();
      onTestFinished(() => transport.close());
      const client = connectorClient(definition, { transport, baseUrl: mock.urls().baseUrl });
      const error = await providerWait(pullAndMap(definition, client, { window: MARCH, providerUserId: ADA, credentials: connection.credentials }));
      expect(error.reason).toBe("provider");
      expect(error.retryAfterMs).toBeGreaterThan(50_000);
      const dataRequests = mock.requests.filter((request) => request.path.startsWith("/partner/v1/users/"));
      expect(dataRequests.filter((request) => request.status === 429)).toHaveLength(1);
      expect(dataRequests.filter((request) => request.status === 200)).toHaveLength(120);
    });

    it("a client with the spec's budget stops itself at the limit: the provider never answers 429", async () => {
      const mock = await startMockProvider(definition.spec, busy);
      const connection = await connectToMock(mock, userOf(ADA));
      const transport = createUndiciTransport();
      onTestFinished(() => transport.close());
      const client = connectorClient(definition, { transport, baseUrl: mock.urls().baseUrl, budget: specBudget(redis, definition.spec) });
      const error = await providerWait(pullAndMap(definition, client, { window: MARCH, providerUserId: ADA, credentials: connection.credentials }));
      expect(error.reason).toBe("budget");
      expect(mock.requests.filter((request) => request.status === 429)).toEqual([]);
      expect(mock.requests.filter((request) => request.path.startsWith("/partner/v1/users/"))).toHaveLength(120);
    });
  });
});
