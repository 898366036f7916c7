import { describe, expect, it, beforeAll, onTestFinished } from "vitest";
import { ErrorCodes } from "@tributary/core/contracts";
import { manualClock, type SpecFixtures } from "@tributary/core/mock-provider";
import { createUndiciTransport, ProviderWaitError, type ProviderTransport } from "@tributary/core/provider-http";
import type { ConnectorDefinition } from "@tributary/core/spec";
import { connectorClient, connectToMock, MOCK_CLIENT, pullAndMap, pullFromMock } from "@tributary/test-kit/connector";
import { startMockProvider } from "@tributary/test-kit/mock-provider";
import { fitbit, fitbitFixtures, fixtureRecords, LENA, MARCH, SAM, WEEK } from "./fitbit.ts";

/**
 * The Fitbit Web API mocked from the spec and fixtures with Fitbit's error bodies: authorization code
 * with PKCE and HTTP Basic client auth, 8-hour tokens with single-use refresh tokens, the exercise list
 * paged by next links, per-day summaries and food logs, sleep and weight by date range, the profile once
 * per read, the subscription made on connect and removed on disconnect, 150 requests an hour per user.
 */
describe("FITBIT through its mock", () => {
  let definition: ConnectorDefinition;
  let fixtures: SpecFixtures;
  const userOf = (id: string) => fixtures.users.find((user) => String(user.id) === id)!;
  const mockOptions = { errors: "fitbit" as const, oauth: { accessTokenSeconds: 28800 } };

  beforeAll(async () => {
    definition = fitbit();
    fixtures = await fitbitFixtures(definition);
  });

  function liveTransport(): ProviderTransport {
    const transport = createUndiciTransport();
    onTestFinished(() => transport.close());
    return transport;
  }

  it("connects Lena (PKCE, Basic) and reads a week: one summary and one food log a day, sleep and weight by range, the profile once per stream", async () => {
    const pull = await pullFromMock(definition, { fixtures, user: userOf(LENA), window: WEEK, mockOptions });
    expect(pull.connection.providerUserId).toBe(LENA);
    expect(pull.failures()).toEqual([]);
    const paths = pull.mock.requests.map((request) => request.path);
    expect(paths.filter((path) => path.startsWith("/1/user/-/activities/date/"))).toEqual(
      ["09", "10", "11", "12", "13", "14", "15"].map((d) => `/1/user/-/activities/date/2026-03-${d}.json`),
    );
    expect(paths.filter((path) => path.startsWith("/1/user/-/foods/log/date/"))).toHaveLength(7);
    expect(paths.filter((path) => path.startsWith("/1.2/user/-/sleep/date/"))).toEqual(["/1.2/user/-/sleep/date/2026-03-09/2026-03-15.json"]);
    expect(paths.filter((path) => path.startsWith("/1/user/-/body/log/weight/date/"))).toEqual(["/1/user/-/body/log/weight/date/2026-03-09/2026-03-15.json"]);
    // One profile request per stream read that needs the time zone (daily, sleep, weight only when it has records, food).
    expect(paths.filter((path) => path === "/1/user/-/profile.json")).toHaveLength(3);
    expect(pull.stats.daily_summary).toMatchObject({ windows: 7, records: 7, detailFailures: 0 });
    const byType = (key: string) =>
      pull.records.filter((record) => record.dataType === key).flatMap((record) => record.mapped.filter((m) => m.kind === "record"));
    expect(byType("daily")).toHaveLength(7);
    expect(byType("sleep")).toHaveLength(2);
    // Only the 11th has food logged.
    expect(byType("nutrition")).toHaveLength(1);
    // Fitbit's list takes only afterDate and answers on past the window's end: the walk of the 30th is left out.
    expect(byType("activity").map((m: any) => m.record.metadata.summary_id)).toEqual(["52402113305"]);
    expect(pull.stats.activity_logs).toMatchObject({ records: 1, filtered: 1 });
    const list = pull.mock.requests.find((request) => request.path === "/1/user/-/activities/list.json")!;
    expect(list.query).toEqual({ afterDate: "2026-03-09", sort: "asc", offset: "0", limit: "100" });
  });

  it("follows the exercise list's next links, 100 at a time", async () => {
    const logs = fixtureRecords(fixtures, "activity_logs", LENA);
    const many = Array.from({ length: 230 }, (_, i) => ({
      ...logs[0]!,
      logId: 70000000000 + i,
      startTime: new Date(Date.parse("2026-03-01T06:00:00Z") + i * 3 * 3600_000).toISOString().replace("Z", "+00:00"),
    }));
    const busy: SpecFixtures = {
      ...fixtures,
      streams: { ...fixtures.streams, activity_logs: { ...fixtures.streams!.activity_logs!, records: { [LENA]: many } } },
    };
    const pull = await pullFromMock(definition, { fixtures: busy, user: userOf(LENA), window: MARCH, streams: ["activity_logs"], mockOptions });
    const lists = pull.mock.requests.filter((request) => request.path === "/1/user/-/activities/list.json");
    expect(lists.map((request) => request.query.offset)).toEqual(["0", "100", "200"]);
    expect(pull.stats.activity_logs).toMatchObject({ pages: 3, records: 230 });
    expect(pull.delivered()).toHaveLength(230);
  });

  it("the subscription: one per Fitbit account, named by its id — the same for every user the account is connected under — a second one is a 409 Fitbit's way, removed on disconnect", async () => {
    const mock = await startMockProvider(definition.spec, fixtures, mockOptions);
    const connection = await connectToMock(mock, userOf(LENA));
    const client = connectorClient(definition, {
      transport: liveTransport(),
      baseUrl: mock.urls().baseUrl,
      clientId: MOCK_CLIENT.id,
      clientSecret: MOCK_CLIENT.secret,
    });
    const auth = definition.spec.auth;
    if (auth.type !== "oauth2" || !auth.lifecycle?.connect || !auth.lifecycle.disconnect) throw new Error("FITBIT declares its subscription requests");
    // Two users of ours (two reference_ids or developers) connected to Lena's one account.
    const first = client.session({ credentials: connection.credentials, variables: { user_id: "terra-user-1", provider_user_id: LENA } });
    const second = client.session({ credentials: connection.credentials, variables: { user_id: "terra-user-2", provider_user_id: LENA } });
    expect((await first.send(auth.lifecycle.connect[0]!)).status).toBe(200);
    expect(mock.lifecycleCalls).toEqual([expect.objectContaining({ phase: "connect", path: `/1/user/-/apiSubscriptions/${LENA}.json`, userId: LENA })]);
    await expect(second.send(auth.lifecycle.connect[0]!)).rejects.toMatchObject({ details: { status: 409 } });
    expect(mock.lifecycleCalls.at(-1)).toMatchObject({ phase: "connect", path: `/1/user/-/apiSubscriptions/${LENA}.json` });
    // Whichever of them is the account's last connection removes the subscription the first one made.
    expect((await second.send(auth.lifecycle.disconnect[0]!)).status).toBe(204);
    expect(mock.lifecycleCalls.at(-1)).toMatchObject({ phase: "disconnect", path: `/1/user/-/apiSubscriptions/${LENA}.json` });
  });

  it("an 8-hour token that expires: Fitbit's 401 expired_token, one refresh with the single-use refresh token, the read goes on", async () => {
    const mock = await startMockProvider(definition.spec, fixtures, mockOptions);
    const connection = await connectToMock(mock, userOf(SAM));
    mock.oauth!.tokens.expireAccessTokens();
    const client = connectorClient(definition, { transport: liveTransport(), baseUrl: mock.urls().baseUrl });
    const pull = await pullAndMap(definition, client, { window: MARCH, providerUserId: SAM, credentials: connection.credentials, streams: ["sleep_logs"] });
    expect(pull.delivered()).toHaveLength(1);
    expect(connection.credentials.refreshes).toBe(1);
    const refused = mock.requests.filter((request) => request.status === 401);
    expect(refused).toHaveLength(1);
    expect(mock.oauth!.tokens.events.filter((event) => event.type === "refreshed")).toHaveLength(1);
  });

  it("150 requests an hour per user: the 151st is Fitbit's 429 with Retry-After and its rate-limit headers, handed back as a wait", async () => {
    const clock = manualClock(Date.parse("2026-04-02T10:05:00Z"));
    const mock = await startMockProvider(definition.spec, fixtures, { ...mockOptions, clock });
    const connection = await connectToMock(mock, userOf(LENA));
    const client = connectorClient(definition, { transport: liveTransport(), baseUrl: mock.urls().baseUrl });
    // A quarter of a year of day summaries: two requests a day.
    const quarter = { start: new Date("2026-01-01T00:00:00Z"), end: new Date("2026-04-01T00:00:00Z") };
    const error = await pullAndMap(definition, client, {
      window: quarter,
      providerUserId: LENA,
      credentials: connection.credentials,
      streams: ["daily_summary"],
      now: () => clock.now(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderWaitError);
    const data = mock.requests.filter((request) => request.path.startsWith("/1/"));
    expect(data.filter((request) => request.status === 429)).toHaveLength(1);
    // Days without a heart-rate fixture answer 404 (an optional detail): every answer but the last counts.
    expect(data.filter((request) => request.status !== 429)).toHaveLength(150);
    const refused = await fetch(`${mock.urls().baseUrl}/1/user/-/profile.json`, { headers: { authorization: `Bearer ${connection.credentials.accessToken}` } });
    expect(refused.status).toBe(429);
    // 55 minutes to the top of the hour
    expect(refused.headers.get("retry-after")).toBe("3300");
    expect(refused.headers.get("fitbit-rate-limit-remaining")).toBe("0");
    expect(refused.headers.get("fitbit-rate-limit-limit")).toBe("150");
  });

  it("a scope the user did not grant (403 insufficient_scope) reads as nothing, not as a failure; a revoked grant ends as access revoked", async () => {
    const body = {
      errors: [{ errorType: "insufficient_scope", message: "This application does not have permission to access nutrition data." }],
      success: false,
    };
    const transport: ProviderTransport = async () => ({
      status: 403,
      headers: { "content-type": "application/json" },
      body: Buffer.from(JSON.stringify(body)),
    });
    const pull = await pullAndMap(definition, connectorClient(definition, { transport }), { window: WEEK, providerUserId: LENA, streams: ["weight_logs"] });
    expect(pull.delivered()).toEqual([]);

    const mock = await startMockProvider(definition.spec, fixtures, mockOptions);
    const connection = await connectToMock(mock, userOf(LENA));
    mock.oauth!.tokens.revokeUser(LENA);
    const client = connectorClient(definition, { transport: liveTransport(), baseUrl: mock.urls().baseUrl });
    await expect(
      pullAndMap(definition, client, { window: WEEK, providerUserId: LENA, credentials: connection.credentials, streams: ["sleep_logs"] }),
    ).rejects.toMatchObject({ code: ErrorCodes.AUTH_REVOKED });
  });
});
