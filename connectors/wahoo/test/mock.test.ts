import { describe, expect, it, beforeAll, onTestFinished } from "vitest";
import { ErrorCodes } from "@tributary/core/contracts";
import type { SpecFixtures } from "@tributary/core/mock-provider";
import { createUndiciTransport, type ProviderTransport } from "@tributary/core/provider-http";
import type { ConnectorDefinition } from "@tributary/core/spec";
import { connectorClient, connectToMock, MOCK_CLIENT, pullAndMap } from "@tributary/test-kit/connector";
import { mockTokenRequest, startMockProvider } from "@tributary/test-kit/mock-provider";
import { LEA, MARCH, SAM, wahoo, wahooFixtures, withCdn, workoutFiles } from "./wahoo.ts";

const ALL_TIME = { start: new Date("2026-01-01T00:00:00Z"), end: new Date("2026-04-01T00:00:00Z") };
const now = () => Date.parse("2026-04-15T00:00:00Z");

/** The Wahoo Cloud API mocked from the spec and fixtures: code flow, 2-hour tokens, single-use refresh tokens, page/per_page with a total, revocation. */
describe("WAHOO through its mock", () => {
  let definition: ConnectorDefinition;
  let fixtures: SpecFixtures;
  const userOf = (id: string) => fixtures.users.find((user) => String(user.id) === id)!;

  beforeAll(async () => {
    definition = wahoo();
    fixtures = await wahooFixtures(definition);
  });

  function liveTransport(): ProviderTransport {
    const transport = createUndiciTransport();
    onTestFinished(() => transport.close());
    return withCdn(transport, workoutFiles());
  }

  /** Connect a mock user and pull: the API from the mock, workout files from the CDN stand-in. */
  async function pullFromMock(id: string, window: { start: Date; end: Date }) {
    const mock = await startMockProvider(definition.spec, fixtures);
    const connection = await connectToMock(mock, userOf(id));
    const client = connectorClient(definition, { transport: liveTransport(), baseUrl: mock.urls().baseUrl });
    return { mock, ...(await pullAndMap(definition, client, { window, providerUserId: id, credentials: connection.credentials, now })) };
  }

  it("connects Sam (the id from /v1/user) and reads all 70 workouts in three pages of 30, stopped by the total", async () => {
    const pull = await pullFromMock(SAM, ALL_TIME);
    expect(pull.failures()).toEqual([]);
    expect(pull.stats.workouts).toMatchObject({ pages: 3, records: 70 });
    const pages = pull.mock.requests.filter((request) => request.path === "/v1/workouts").map((request) => request.query);
    expect(pages).toEqual([1, 2, 3].map((page) => ({ page: String(page), per_page: "30" })));
    expect(pull.delivered()[0]).toMatchObject({ metadata: { summary_id: "774300", name: "Morning Ride", type: 16 } });
    // The ride's FIT file was fetched and decoded; the run's file is not a FIT file: the run keeps its summary only.
    expect(pull.stats.workouts).toMatchObject({ detailRequests: 2, detailFailures: 1 });
    expect((pull.delivered()[0] as any).heart_rate_data.detailed.hr_samples).toHaveLength(60);
    // Sam's summary says Europe/Helsinki: the ride (07:00 UTC, after the change to summer time) and its file's samples at +03:00.
    expect(pull.delivered()[0]).toMatchObject({ metadata: { start_time: "2026-03-31T10:00:00.000000+03:00", timestamp_localization: 1 } });
    expect((pull.delivered()[0] as any).heart_rate_data.detailed.hr_samples[59]).toMatchObject({ timestamp: "2026-03-31T10:00:59.000000+03:00" });
    expect(pull.delivered()[1]).not.toHaveProperty("heart_rate_data.detailed");
    // A workout Wahoo has no summary for yet is still an activity, with its minutes.
    expect(pull.delivered()[2]).toEqual({
      metadata: {
        summary_id: "774298",
        name: "Trainer spin (no summary yet)",
        type: 18,
        upload_type: 1,
        start_time: "2026-03-29T07:00:00.000000+00:00",
        end_time: "2026-03-29T07:30:00.000000+00:00",
        timestamp_localization: 0,
      },
    });
  });

  it("gives Lea only Lea's workout", async () => {
    const pull = await pullFromMock(LEA, MARCH);
    expect(pull.delivered().map((record: any) => record.metadata.summary_id)).toEqual(["775001"]);
  });

  it("a 2-hour token that expires: 401, one refresh, the read goes on; a refresh token Wahoo never issued is refused", async () => {
    const mock = await startMockProvider(definition.spec, fixtures);
    const first = await mockTokenRequest(mock, { grant_type: "refresh_token", refresh_token: "not-issued" }, { client: MOCK_CLIENT });
    expect(first.status).toBe(400);
    const connection = await connectToMock(mock, userOf(SAM));
    mock.oauth!.tokens.expireAccessTokens();
    const client = connectorClient(definition, { transport: liveTransport(), baseUrl: mock.urls().baseUrl });
    const pull = await pullAndMap(definition, client, { window: ALL_TIME, providerUserId: SAM, credentials: connection.credentials, now });
    expect(pull.delivered()).toHaveLength(70);
    expect(connection.credentials.refreshes).toBe(1);
    const refreshed = mock.oauth!.tokens.events.filter((event) => event.type === "refreshed");
    expect(refreshed).toHaveLength(1);
    expect(mock.oauth!.tokens.events.some((event) => event.type === "issued")).toBe(true);
  });

  it("a user who revoked the app: the refresh is refused and the read ends as access revoked", async () => {
    const mock = await startMockProvider(definition.spec, fixtures);
    const connection = await connectToMock(mock, userOf(SAM));
    mock.oauth!.tokens.revokeUser(SAM);
    const client = connectorClient(definition, { transport: liveTransport(), baseUrl: mock.urls().baseUrl });
    await expect(pullAndMap(definition, client, { window: ALL_TIME, providerUserId: SAM, credentials: connection.credentials, now })).rejects.toMatchObject({
      code: ErrorCodes.AUTH_REVOKED,
    });
  });

  it("disconnecting calls DELETE /v1/permissions with the user's token", async () => {
    const mock = await startMockProvider(definition.spec, fixtures);
    const connection = await connectToMock(mock, userOf(SAM));
    const client = connectorClient(definition, { transport: liveTransport(), baseUrl: mock.urls().baseUrl });
    const session = client.session({ credentials: connection.credentials, variables: { user_id: "terra-1", provider_user_id: SAM } });
    const revoke = (definition.spec.auth as { revoke: Parameters<typeof session.send>[0] }).revoke;
    expect((await session.send(revoke)).status).toBeLessThan(300);
    expect(mock.lifecycleCalls).toMatchObject([{ phase: "revoke", path: "/v1/permissions", userId: SAM }]);
  });
});
