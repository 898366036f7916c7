import { describe, expect, it, beforeAll, onTestFinished } from "vitest";
import { ErrorCodes } from "@tributary/core/contracts";
import type { SpecFixtures } from "@tributary/core/mock-provider";
import { createUndiciTransport, type ProviderTransport } from "@tributary/core/provider-http";
import type { ConnectorDefinition } from "@tributary/core/spec";
import { connectorClient, connectToMock, pullAndMap } from "@tributary/test-kit/connector";
import { mockTokenRequest, startMockProvider } from "@tributary/test-kit/mock-provider";
import { ACTIVITY, CASEY, JORDAN, MARCH, xert, xertFixtures } from "./xert.ts";

/**
 * Xert Online mocked from the spec and fixtures with Xert's error bodies: the password grant with the
 * public client xert_public (HTTP Basic), from/to windows of at most 30 days with no paging, the detail
 * with session_data per activity, 7-day tokens with rotating refresh tokens, revocation.
 */
describe("XERT through its mock", () => {
  let definition: ConnectorDefinition;
  let fixtures: SpecFixtures;
  const userOf = (id: string) => fixtures.users.find((user) => String(user.id) === id)!;
  const mockOptions = { errors: "xert" as const };
  const XERT_PUBLIC = { id: "xert_public", secret: "xert_public" };

  beforeAll(async () => {
    definition = xert();
    fixtures = await xertFixtures(definition);
  });

  function liveTransport(): ProviderTransport {
    const transport = createUndiciTransport();
    onTestFinished(() => transport.close());
    return transport;
  }

  it("connects Jordan with the password grant (xert_public, HTTP Basic) and reads March in two windows, each activity's detail", async () => {
    const mock = await startMockProvider(definition.spec, fixtures, mockOptions);
    const connection = await connectToMock(mock, userOf(JORDAN), XERT_PUBLIC);
    const client = connectorClient(definition, { transport: liveTransport(), baseUrl: mock.urls().baseUrl });
    const pull = await pullAndMap(definition, client, { window: MARCH, providerUserId: JORDAN, credentials: connection.credentials });
    expect(pull.failures()).toEqual([]);
    expect(pull.stats.activities).toMatchObject({ windows: 2, records: 5, detailRequests: 5, detailFailures: 0 });
    const lists = mock.requests.filter((request) => request.path === "/oauth/activity");
    // 1 Mar – 31 Mar, then 31 Mar – 1 Apr, in unix seconds.
    expect(lists.map((request) => request.query)).toEqual([
      { from: "1772323200", to: "1774915200" },
      { from: "1774915200", to: "1775001600" },
    ]);
    const details = mock.requests.filter((request) => request.path.startsWith("/oauth/activity/"));
    expect(details.every((request) => request.query.include_session_data === "1")).toBe(true);
    const delivered = pull.delivered();
    expect(
      delivered
        .filter((record: any) => record.metadata)
        .map((record: any) => record.metadata.summary_id)
        .sort(),
    ).toEqual([ACTIVITY.gpsRide, ACTIVITY.trainer, ACTIVITY.run, ACTIVITY.manual, ACTIVITY.bare].sort());
    expect(delivered.filter((record: any) => !record.metadata)).toEqual([{ provider_user_id: JORDAN }]);
  });

  it("sends no athlete for a connection without a provider user id (Xert's consent page names no account), and rejects nothing", async () => {
    const mock = await startMockProvider(definition.spec, fixtures, mockOptions);
    const connection = await connectToMock(mock, userOf(JORDAN), XERT_PUBLIC);
    const client = connectorClient(definition, { transport: liveTransport(), baseUrl: mock.urls().baseUrl });
    const pull = await pullAndMap(definition, client, { window: MARCH, credentials: connection.credentials, streams: ["training_info"] });
    expect(pull.failures()).toEqual([]);
    expect(mock.requests.filter((request) => request.path === "/oauth/training_info")).toHaveLength(1);
    expect(pull.delivered()).toEqual([]);
  });

  it("refuses a wrong password the way Xert does, and a client other than xert_public", async () => {
    const mock = await startMockProvider(definition.spec, fixtures, mockOptions);
    const wrong = await mockTokenRequest(mock, { grant_type: "password", username: JORDAN, password: "not-it" }, { client: XERT_PUBLIC });
    expect(wrong.status).toBe(400);
    expect(wrong.answer).toMatchObject({ error: "invalid_grant" });
    const otherClient = await mockTokenRequest(
      mock,
      { grant_type: "password", username: JORDAN, password: "xert-jordan" },
      { client: { id: "someone", secret: "else" } },
    );
    expect(otherClient.status).toBe(401);
  });

  it("gives Casey only Casey's activities", async () => {
    const mock = await startMockProvider(definition.spec, fixtures, mockOptions);
    const connection = await connectToMock(mock, userOf(CASEY), XERT_PUBLIC);
    const client = connectorClient(definition, { transport: liveTransport(), baseUrl: mock.urls().baseUrl });
    const pull = await pullAndMap(definition, client, { window: MARCH, providerUserId: CASEY, credentials: connection.credentials, streams: ["activities"] });
    expect(pull.delivered().map((record: any) => record.metadata.summary_id)).toEqual([ACTIVITY.casey]);
  });

  it("a 7-day token that expires: Xert's 401 invalid_token, one refresh with the rotating refresh token, the read goes on", async () => {
    const mock = await startMockProvider(definition.spec, fixtures, mockOptions);
    const connection = await connectToMock(mock, userOf(JORDAN), XERT_PUBLIC);
    mock.oauth!.tokens.expireAccessTokens();
    const client = connectorClient(definition, { transport: liveTransport(), baseUrl: mock.urls().baseUrl });
    const pull = await pullAndMap(definition, client, { window: MARCH, providerUserId: JORDAN, credentials: connection.credentials, streams: ["activities"] });
    expect(pull.delivered()).toHaveLength(5);
    expect(connection.credentials.refreshes).toBe(1);
    expect(mock.requests.filter((request) => request.status === 401)).toHaveLength(1);
    expect(mock.oauth!.tokens.events.filter((event) => event.type === "refreshed")).toHaveLength(1);
  });

  it("a user whose grant is gone: the refresh is refused and the read ends as access revoked", async () => {
    const mock = await startMockProvider(definition.spec, fixtures, mockOptions);
    const connection = await connectToMock(mock, userOf(JORDAN), XERT_PUBLIC);
    mock.oauth!.tokens.revokeUser(JORDAN);
    const client = connectorClient(definition, { transport: liveTransport(), baseUrl: mock.urls().baseUrl });
    await expect(pullAndMap(definition, client, { window: MARCH, providerUserId: JORDAN, credentials: connection.credentials })).rejects.toMatchObject({
      code: ErrorCodes.AUTH_REVOKED,
    });
  });

  it("success: false under HTTP 200 is a failed request, not an empty list", async () => {
    const transport: ProviderTransport = async () => ({
      status: 200,
      headers: { "content-type": "application/json" },
      body: Buffer.from(JSON.stringify({ success: false, message: "from and to are required" })),
    });
    await expect(
      pullAndMap(definition, connectorClient(definition, { transport }), { window: MARCH, providerUserId: JORDAN, streams: ["activities"] }),
    ).rejects.toMatchObject({
      code: ErrorCodes.PROVIDER_REQUEST_FAILED,
    });
  });
});
