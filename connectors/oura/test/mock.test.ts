import { describe, expect, it, beforeAll, onTestFinished } from "vitest";
import { ErrorCodes } from "@tributary/core/contracts";
import type { SpecFixtures } from "@tributary/core/mock-provider";
import { createUndiciTransport, type ProviderTransport } from "@tributary/core/provider-http";
import type { ConnectorDefinition } from "@tributary/core/spec";
import { connectorClient, connectToMock, pullAndMap, pullFromMock } from "@tributary/test-kit/connector";
import { startMockProvider } from "@tributary/test-kit/mock-provider";
import { KAI, MARCH, NOOR, oura, ouraFixtures, WEEK } from "./oura.ts";

/**
 * The Oura API v2 mocked from the spec and fixtures with Oura's FastAPI error bodies: authorization code,
 * 24-hour tokens with single-use refresh tokens, the user from personal_info, start_date/end_date windows
 * (inclusive) paged by next_token, the day's readiness and sleep score per day, heart rate per workout.
 */
describe("OURA through its mock", () => {
  let definition: ConnectorDefinition;
  let fixtures: SpecFixtures;
  const userOf = (id: string) => fixtures.users.find((user) => String(user.id) === id)!;
  const mockOptions = { errors: "oura" as const, oauth: { accessTokenSeconds: 86400 } };

  beforeAll(async () => {
    definition = oura();
    fixtures = await ouraFixtures(definition);
  });

  function liveTransport(): ProviderTransport {
    const transport = createUndiciTransport();
    onTestFinished(() => transport.close());
    return transport;
  }

  it("reads Noor's March: sleep in two next_token pages, a Daily a day with its two scores, the workouts with their heart rate", async () => {
    const pull = await pullFromMock(definition, { fixtures, user: userOf(NOOR), window: MARCH, mockOptions });
    expect(pull.failures()).toEqual([]);
    const sleep = pull.mock.requests.filter((request) => request.path === "/v2/usercollection/sleep");
    // 1 Mar – 31 Mar inclusive; 32 periods at 25 a page
    expect(sleep.map((request) => request.query)).toEqual([
      { start_date: "2026-03-01", end_date: "2026-03-31" },
      { start_date: "2026-03-01", end_date: "2026-03-31", next_token: expect.any(String) },
    ]);
    expect(pull.stats.sleep_periods).toMatchObject({ pages: 2, records: 32 });
    expect(pull.stats.daily_activity).toMatchObject({ records: 31, detailRequests: 62 });
    // The 20th has no sleep score: Oura answers an empty list, and the optional detail is left out.
    expect(pull.stats.daily_activity!.detailFailures).toBe(0);
    expect(pull.mock.requests.filter((request) => request.status >= 400)).toEqual([]);
    expect(pull.stats.workouts).toMatchObject({ records: 3, detailRequests: 3, detailFailures: 0 });
    const heart = pull.mock.requests.find((request) => request.path === "/v2/usercollection/heartrate")!;
    expect(heart.query).toEqual({ start_datetime: "2026-03-12T18:00:00.000+01:00", end_datetime: "2026-03-12T19:00:00.000+01:00" });
    expect(pull.delivered()).toHaveLength(32 + 31 + 3);
  });

  it("names the user from personal_info, and gives Kai only Kai's night", async () => {
    const mock = await startMockProvider(definition.spec, fixtures, mockOptions);
    const connection = await connectToMock(mock, userOf(KAI));
    const client = connectorClient(definition, { transport: liveTransport(), baseUrl: mock.urls().baseUrl });
    const auth = definition.spec.auth;
    if (auth.type !== "oauth2" || auth.providerUserId?.from !== "request") throw new Error("OURA reads the user from personal_info");
    const info = await client.session({ credentials: connection.credentials }).send(auth.providerUserId.request);
    expect(info.body).toMatchObject({ id: KAI, biological_sex: "male" });
    const pull = await pullAndMap(definition, client, { window: MARCH, providerUserId: KAI, credentials: connection.credentials, streams: ["sleep_periods"] });
    expect(pull.delivered().map((record: any) => [record.metadata.start_time, record.metadata.end_time])).toEqual([
      ["2026-03-07T22:40:00.000000-05:00", "2026-03-08T07:00:00.000000-04:00"],
    ]);
  });

  it("a 24-hour token that expires: Oura's 401, one refresh with the single-use refresh token, the read goes on", async () => {
    const mock = await startMockProvider(definition.spec, fixtures, mockOptions);
    const connection = await connectToMock(mock, userOf(NOOR));
    mock.oauth!.tokens.expireAccessTokens();
    const client = connectorClient(definition, { transport: liveTransport(), baseUrl: mock.urls().baseUrl });
    const pull = await pullAndMap(definition, client, { window: WEEK, providerUserId: NOOR, credentials: connection.credentials, streams: ["sleep_periods"] });
    expect(pull.delivered()).toHaveLength(8);
    expect(connection.credentials.refreshes).toBe(1);
    const refused = await fetch(`${mock.urls().baseUrl}/v2/usercollection/sleep?start_date=2026-03-09&end_date=2026-03-15`, {
      headers: { authorization: "Bearer spent" },
    });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ detail: "Unauthorized" });
  });

  it("429 with retry-after is waited for; a 403 (scope not granted, membership lapsed) fails without refreshing; a revoked grant ends as access revoked", async () => {
    let calls = 0;
    const limited: ProviderTransport = async () => {
      calls += 1;
      return calls === 1
        ? {
            status: 429,
            headers: { "content-type": "application/json", "retry-after": "0" } as Record<string, string>,
            body: Buffer.from(JSON.stringify({ detail: "Too Many Requests" })),
          }
        : {
            status: 200,
            headers: { "content-type": "application/json" } as Record<string, string>,
            body: Buffer.from(JSON.stringify({ data: [], next_token: null })),
          };
    };
    const waited = await pullAndMap(definition, connectorClient(definition, { transport: limited }), {
      window: WEEK,
      providerUserId: NOOR,
      streams: ["workouts"],
    });
    expect(waited.delivered()).toEqual([]);
    expect(calls).toBe(2);

    const forbidden: ProviderTransport = async () => ({
      status: 403,
      headers: { "content-type": "application/json" },
      body: Buffer.from(JSON.stringify({ detail: "Forbidden" })),
    });
    await expect(
      pullAndMap(definition, connectorClient(definition, { transport: forbidden }), { window: WEEK, providerUserId: NOOR, streams: ["workouts"] }),
    ).rejects.toMatchObject({ code: ErrorCodes.PROVIDER_REQUEST_FAILED });

    const mock = await startMockProvider(definition.spec, fixtures, mockOptions);
    const connection = await connectToMock(mock, userOf(NOOR));
    mock.oauth!.tokens.revokeUser(NOOR);
    const client = connectorClient(definition, { transport: liveTransport(), baseUrl: mock.urls().baseUrl });
    await expect(
      pullAndMap(definition, client, { window: WEEK, providerUserId: NOOR, credentials: connection.credentials, streams: ["workouts"] }),
    ).rejects.toMatchObject({ code: ErrorCodes.AUTH_REVOKED });
  });
});
