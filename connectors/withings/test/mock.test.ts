import { describe, expect, it, beforeAll, onTestFinished } from "vitest";
import { ErrorCodes } from "@tributary/core/contracts";
import type { SpecFixtures } from "@tributary/core/mock-provider";
import { createUndiciTransport, type ProviderTransport } from "@tributary/core/provider-http";
import type { ConnectorDefinition } from "@tributary/core/spec";
import { connectorClient, connectToMock, MOCK_CLIENT, pullAndMap, pullFromMock } from "@tributary/test-kit/connector";
import { mockTokenRequest, startMockProvider } from "@tributary/test-kit/mock-provider";
import { INES, MARC, MARCH, withings, withingsFixtures } from "./withings.ts";

/**
 * Withings mocked from the spec and fixtures, with its habits: the token endpoint wants
 * action=requesttoken and answers {"status":0,"body":{…}}; every data request is a form POST told apart by
 * its action; errors are HTTP 200 with a status (401 token, 601 too many requests); pages say `more` and
 * the next `offset`.
 */
describe("WITHINGS through its mock", () => {
  let definition: ConnectorDefinition;
  let fixtures: SpecFixtures;
  const userOf = (id: string) => fixtures.users.find((user) => String(user.id) === id)!;
  const mockOptions = { errors: "withings" as const };

  beforeAll(async () => {
    definition = withings();
    fixtures = await withingsFixtures(definition);
  });

  function liveTransport(): ProviderTransport {
    const transport = createUndiciTransport();
    onTestFinished(() => transport.close());
    return transport;
  }

  it("connects Ines (requesttoken, the user id in the token body) and reads March: a Body a day, nights with stages, days, workouts", async () => {
    const pull = await pullFromMock(definition, { fixtures, user: userOf(INES), window: MARCH, mockOptions });
    expect(pull.connection.providerUserId).toBe(INES);
    expect(pull.failures()).toEqual([]);
    // A new connection: the probe asks the zone first, so the backfill's days are Paris days — 1 March
    // (from 28 February 23:00Z) to 1 April (1 April 00:00Z is 02:00 in Paris, so its day is read whole):
    // 32 one-day windows; 2 March has three groups, two a page.
    expect(pull.stats.measures).toMatchObject({ windows: 32, pages: 33, records: 6, collected: 3 });
    expect(pull.stats.sleep_summaries).toMatchObject({ records: 2, detailRequests: 2, detailFailures: 0 });
    expect(pull.stats.activity).toMatchObject({ records: 2 });
    expect(pull.stats.workouts).toMatchObject({ records: 3 });
    const bodies = pull.records.filter((r) => r.stream === "measures").flatMap((r) => r.mapped.map((m: any) => m.record.metadata.start_time));
    expect(bodies).toEqual(["2026-03-02T00:00:00.000000+01:00", "2026-03-05T00:00:00.000000+01:00", "2026-03-09T00:00:00.000000+01:00"]);
    const tokenCalls = pull.mock.requests.filter((request) => request.path === "/v2/oauth2");
    expect(tokenCalls).toHaveLength(1);
    // Every data request is a POST; the pages of 2 March asked offset 0, then 2.
    const measureCalls = pull.mock.requests.filter((request) => request.path === "/measure");
    // 33 pages and the probe.
    expect(measureCalls).toHaveLength(34);
    expect(measureCalls.every((request) => request.method === "POST")).toBe(true);
  });

  it("gives Marc only Marc's data", async () => {
    const pull = await pullFromMock(definition, { fixtures, user: userOf(MARC), window: MARCH, mockOptions });
    expect(pull.delivered().map((record: any) => record.metadata.summary_id ?? record.metadata.start_time)).toEqual([
      "2026-03-10T00:00:00.000000+01:00",
      "2490001",
      "2026-03-10T00:00:00.000000+01:00",
      "3399001",
    ]);
  });

  it("the token endpoint refuses an unknown refresh token in its envelope: HTTP 200 with a non-zero status", async () => {
    const mock = await startMockProvider(definition.spec, fixtures, mockOptions);
    const answer = await mockTokenRequest(mock, { grant_type: "refresh_token", refresh_token: "nope" }, { client: MOCK_CLIENT });
    expect(answer.status).toBe(200);
    expect(answer.answer).toMatchObject({ status: expect.any(Number) });
    expect((answer.answer as { status: number }).status).not.toBe(0);
  });

  it("an expired token: status 401 in a 200 answer, one refresh through requesttoken, the read goes on", async () => {
    const mock = await startMockProvider(definition.spec, fixtures, mockOptions);
    const connection = await connectToMock(mock, userOf(INES));
    mock.oauth!.tokens.expireAccessTokens();
    const client = connectorClient(definition, { transport: liveTransport(), baseUrl: mock.urls().baseUrl });
    const pull = await pullAndMap(definition, client, { window: MARCH, providerUserId: INES, credentials: connection.credentials, streams: ["workouts"] });
    expect(pull.delivered()).toHaveLength(3);
    expect(connection.credentials.refreshes).toBe(1);
    expect(mock.oauth!.tokens.events.filter((event) => event.type === "refreshed")).toHaveLength(1);
  });

  it("a user whose grant is gone: the refresh is refused and the read ends as access revoked", async () => {
    const mock = await startMockProvider(definition.spec, fixtures, mockOptions);
    const connection = await connectToMock(mock, userOf(INES));
    mock.oauth!.tokens.revokeUser(INES);
    const client = connectorClient(definition, { transport: liveTransport(), baseUrl: mock.urls().baseUrl });
    await expect(
      pullAndMap(definition, client, { window: MARCH, providerUserId: INES, credentials: connection.credentials, streams: ["workouts"] }),
    ).rejects.toMatchObject({ code: ErrorCodes.AUTH_REVOKED });
  });

  it("status 601 (too many requests) waits and tries again; another non-zero status fails the request", async () => {
    const answers = [
      { status: 601, body: {}, error: "Too many request" },
      { status: 0, body: { series: [], more: false, offset: 0 } },
    ];
    const seen: number[] = [];
    const transport: ProviderTransport = async () => {
      const body = answers.shift() ?? { status: 0, body: { series: [], more: false, offset: 0 } };
      seen.push(body.status);
      return { status: 200, headers: { "content-type": "application/json", "retry-after": "0" }, body: Buffer.from(JSON.stringify(body)) };
    };
    const day = { start: new Date("2026-03-02T00:00:00Z"), end: new Date("2026-03-03T00:00:00Z") };
    await pullAndMap(definition, connectorClient(definition, { transport }), { window: day, providerUserId: INES, streams: ["workouts"] });
    expect(seen).toEqual([601, 0]);
    const refusing: ProviderTransport = async () => ({
      status: 200,
      headers: { "content-type": "application/json" },
      body: Buffer.from(JSON.stringify({ status: 503, body: {}, error: "Invalid Params" })),
    });
    await expect(
      pullAndMap(definition, connectorClient(definition, { transport: refusing }), { window: day, providerUserId: INES, streams: ["workouts"] }),
    ).rejects.toMatchObject({
      code: ErrorCodes.PROVIDER_REQUEST_FAILED,
    });
  });

  it("subscribes each category to the callback on connect and revokes them on disconnect, with the user's token", async () => {
    const mock = await startMockProvider(definition.spec, fixtures, mockOptions);
    const connection = await connectToMock(mock, userOf(INES));
    const client = connectorClient(definition, { transport: liveTransport(), baseUrl: mock.urls().baseUrl });
    const session = client.session({
      credentials: connection.credentials,
      variables: { user_id: "terra-1", provider_user_id: INES, webhook_url: "https://tributary.example/hooks/WITHINGS" },
    });
    const lifecycle = (definition.spec.auth as { lifecycle: { connect: any[]; disconnect: any[] } }).lifecycle;
    for (const request of [...lifecycle.connect, ...lifecycle.disconnect]) expect((await session.send(request)).status).toBeLessThan(300);
    expect(mock.lifecycleCalls.every((call) => call.userId === INES)).toBe(true);
    expect(mock.lifecycleCalls.map((call) => call.phase)).toEqual([...Array(5).fill("connect"), ...Array(5).fill("disconnect")]);
    expect(mock.lifecycleCalls[0]!.variables).toMatchObject({ webhook_url: "https://tributary.example/hooks/WITHINGS" });
  });

  it("answers the zone probe the spec declares with the member's zone, the one the fixtures' answers say", async () => {
    const mock = await startMockProvider(definition.spec, fixtures, mockOptions);
    const connection = await connectToMock(mock, userOf(INES));
    const session = connectorClient(definition, { transport: liveTransport(), baseUrl: mock.urls().baseUrl }).session({ credentials: connection.credentials });
    const measures = definition.spec.streams!.body!.find((stream) => stream.name === "measures")!;
    const declared = measures.timezone!.probe!;
    // Withings declares one probe request (a probe may also be a list made in turn).
    const probe = Array.isArray(declared) ? declared[0]! : declared;
    const answer = await session.send(probe.request, { end: "1774828800" });
    // The probe's own route: a getmeas page would be refused (its meastypes differ) or carry measure groups.
    expect(answer.body).toMatchObject({ status: 0, body: { timezone: "Europe/Paris" } });
    expect(answer.body).not.toHaveProperty("body.measuregrps");
    // The zone a page of the stream says for her, read at the probe's path.
    const page = await session.send(measures.request!, { start: "1772323200", end: "1772409600" });
    expect(page.body).toMatchObject({ status: 0, body: { measuregrps: expect.any(Array) } });
    const at = (body: unknown, path: string) =>
      path
        .split("/")
        .slice(1)
        .reduce<any>((value, key) => value?.[key], body);
    expect(at(answer.body, probe.path)).toBe(at(page.body, measures.timezone!.path!));
    expect(mock.requests.filter((request) => request.path === "/measure").map((request) => request.status)).toEqual([200, 200]);
  });
});
