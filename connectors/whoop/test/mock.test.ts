import { describe, expect, it, beforeAll, onTestFinished } from "vitest";
import { ErrorCodes } from "@tributary/core/contracts";
import { manualClock, type SpecFixtures } from "@tributary/core/mock-provider";
import { createUndiciTransport, ProviderWaitError, type ProviderTransport } from "@tributary/core/provider-http";
import type { ConnectorDefinition } from "@tributary/core/spec";
import { connectorClient, connectToMock, MOCK_CLIENT, pullAndMap, pullFromMock } from "@tributary/test-kit/connector";
import { mockTokenRequest, startMockProvider } from "@tributary/test-kit/mock-provider";
import { JONAS, MARCH, MIA, whoop, whoopFixtures, WEEK } from "./whoop.ts";

/**
 * The WHOOP API v2 mocked from the spec and fixtures: authorization code with state, one-hour tokens with
 * rotating refresh tokens (scope=offline on every token request), the user from the basic profile,
 * collections of at most 25 records paged by nextToken, each cycle's recovery, 100 requests a minute.
 */
describe("WHOOP through its mock", () => {
  let definition: ConnectorDefinition;
  let fixtures: SpecFixtures;
  const userOf = (id: string) => fixtures.users.find((user) => String(user.id) === id)!;

  beforeAll(async () => {
    definition = whoop();
    fixtures = await whoopFixtures(definition);
  });

  function liveTransport(): ProviderTransport {
    const transport = createUndiciTransport();
    onTestFinished(() => transport.close());
    return transport;
  }

  it("reads Jonas's March: 32 sleeps in two pages of 25, 31 cycles with their recoveries (the open one left out), workouts, the body", async () => {
    const pull = await pullFromMock(definition, { fixtures, user: userOf(JONAS), window: MARCH });
    expect(pull.failures()).toEqual([]);
    const sleeps = pull.mock.requests.filter((request) => request.path === "/developer/v2/activity/sleep");
    expect(sleeps.map((request) => request.query)).toEqual([
      { start: "2026-03-01T00:00:00Z", end: "2026-04-01T00:00:00Z", limit: "25" },
      { start: "2026-03-01T00:00:00Z", end: "2026-04-01T00:00:00Z", limit: "25", nextToken: expect.any(String) },
    ]);
    // Cycle 1 starts on the evening of 28 February: 30 cycles start in March.
    expect(pull.stats.cycles).toMatchObject({ pages: 2, records: 30, detailRequests: 30 });
    expect(pull.stats.sleeps).toMatchObject({ pages: 2, records: 31 });
    const byType = (dataType: string) => pull.records.filter((r) => r.dataType === dataType).flatMap((r) => r.mapped.filter((m) => m.kind === "record"));
    // The cycle still open on the 31st is skipped, the rest delivered.
    expect(byType("daily")).toHaveLength(29);
    expect(byType("activity")).toHaveLength(3);
    expect(byType("body")).toHaveLength(1);
  });

  it("names the user from the basic profile, and gives Mia only Mia's sleep", async () => {
    const mock = await startMockProvider(definition.spec, fixtures);
    const connection = await connectToMock(mock, userOf(MIA));
    const client = connectorClient(definition, { transport: liveTransport(), baseUrl: mock.urls().baseUrl });
    const auth = definition.spec.auth;
    if (auth.type !== "oauth2" || auth.providerUserId?.from !== "request") throw new Error("WHOOP reads the user from the basic profile");
    const profile = await client.session({ credentials: connection.credentials }).send(auth.providerUserId.request);
    expect(profile.body).toMatchObject({ user_id: 20488, first_name: "Mia" });
    const pull = await pullAndMap(definition, client, {
      window: MARCH,
      providerUserId: MIA,
      credentials: connection.credentials,
      streams: ["sleeps", "workouts"],
    });
    expect(pull.delivered().map((record: any) => record.metadata.summary_id)).toEqual(["mia08c6a-4661-442f-a9a4-f160dd7afae8"]);
  });

  it("one-hour tokens: a 401 after expiry, one refresh (scope=offline, the rotating refresh token), the read goes on; the spent refresh token is refused", async () => {
    const mock = await startMockProvider(definition.spec, fixtures);
    const connection = await connectToMock(mock, userOf(JONAS));
    mock.oauth!.tokens.expireAccessTokens();
    const client = connectorClient(definition, { transport: liveTransport(), baseUrl: mock.urls().baseUrl });
    const pull = await pullAndMap(definition, client, { window: WEEK, providerUserId: JONAS, credentials: connection.credentials, streams: ["workouts"] });
    expect(pull.delivered()).toHaveLength(1);
    expect(connection.credentials.refreshes).toBe(1);
    expect(mock.requests.filter((request) => request.status === 401)).toHaveLength(1);
    // Without scope=offline the refresh grant is refused.
    const refused = await mockTokenRequest(mock, { grant_type: "refresh_token", refresh_token: "x" }, { client: MOCK_CLIENT });
    expect(refused.status).toBe(400);
  });

  it("100 requests a minute per application: the 101st is a 429 with WHOOP's rate-limit headers, handed back as a wait", async () => {
    const clock = manualClock(Date.parse("2026-04-02T10:00:00Z"));
    const mock = await startMockProvider(definition.spec, fixtures, { clock });
    const connection = await connectToMock(mock, userOf(JONAS));
    const client = connectorClient(definition, { transport: liveTransport(), baseUrl: mock.urls().baseUrl });
    // March's streams (about 36 requests), then March again: the cycles' recoveries pass 100.
    const read = () => pullAndMap(definition, client, { window: MARCH, providerUserId: JONAS, credentials: connection.credentials, now: () => clock.now() });
    const error = await read()
      .then(read)
      .then(read)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderWaitError);
    const data = mock.requests.filter((request) => request.path.startsWith("/developer/"));
    // Up to the four detail requests in flight meet the spent budget; exactly 100 were served.
    expect(data.filter((request) => request.status === 429).length).toBeGreaterThanOrEqual(1);
    expect(data.filter((request) => request.status !== 429)).toHaveLength(100);
    const refused = await fetch(`${mock.urls().baseUrl}/v2/user/measurement/body`, {
      headers: { authorization: `Bearer ${connection.credentials.accessToken}` },
    });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
  });

  it("a revoked grant ends as access revoked", async () => {
    const mock = await startMockProvider(definition.spec, fixtures);
    const connection = await connectToMock(mock, userOf(JONAS));
    mock.oauth!.tokens.revokeUser(JONAS);
    const client = connectorClient(definition, { transport: liveTransport(), baseUrl: mock.urls().baseUrl });
    await expect(
      pullAndMap(definition, client, { window: WEEK, providerUserId: JONAS, credentials: connection.credentials, streams: ["sleeps"] }),
    ).rejects.toMatchObject({ code: ErrorCodes.AUTH_REVOKED });
  });
});
