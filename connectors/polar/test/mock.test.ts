import { describe, expect, it, beforeAll, onTestFinished } from "vitest";
import { ErrorCodes } from "@tributary/core/contracts";
import type { SpecFixtures } from "@tributary/core/mock-provider";
import { createUndiciTransport, type ProviderTransport } from "@tributary/core/provider-http";
import type { ConnectorDefinition } from "@tributary/core/spec";
import { connectorClient, connectToMock, pullAndMap, pullFromMock } from "@tributary/test-kit/connector";
import { startMockProvider } from "@tributary/test-kit/mock-provider";
import { AVA, MARCH, TOM, polar, polarFixtures } from "./polar.ts";

const now = () => Date.parse("2026-03-31T12:00:00Z");

/** Polar AccessLink mocked from the spec and fixtures: code flow with Basic client auth, tokens without refresh, user registration, lists of the last 30 days. */
describe("POLAR through its mock", () => {
  let definition: ConnectorDefinition;
  let fixtures: SpecFixtures;
  const userOf = (id: string) => fixtures.users.find((user) => String(user.id) === id)!;

  beforeAll(async () => {
    definition = polar();
    fixtures = await polarFixtures(definition);
  });

  function liveTransport(): ProviderTransport {
    const transport = createUndiciTransport();
    onTestFinished(() => transport.close());
    return transport;
  }

  it("connects Ava (x_user_id in the token answer, no refresh token) and reads exercises, nights with their recharge, days and her physical information", async () => {
    const pull = await pullFromMock(definition, { fixtures, user: userOf(AVA), window: MARCH, now });
    expect(pull.connection.providerUserId).toBe(AVA);
    expect(pull.failures()).toEqual([]);
    expect(pull.stats.exercises).toMatchObject({ records: 3 });
    // The second night has no Nightly Recharge: its optional detail is absent, the night is delivered.
    expect(pull.stats.sleep).toMatchObject({ records: 2, detailRequests: 2, detailFailures: 0 });
    // [1 Mar, 29 Mar) then [29 Mar, 1 Apr) (today, 31 March, included), dates with inclusive ends.
    expect(pull.mock.requests.filter((r) => r.path === "/v3/users/activities").map((r) => r.query)).toEqual([
      { from: "2026-03-01", to: "2026-03-28" },
      { from: "2026-03-29", to: "2026-03-31" },
    ]);
    expect(pull.stats.physical_info).toMatchObject({ records: 1 });
    expect(pull.delivered()).toHaveLength(3 + 2 + 2 + 1);
    expect(pull.mock.requests.find((r) => r.path === "/v3/exercises")!.query).toEqual({ samples: "true", zones: "true" });
  });

  it("gives Tom only Tom's exercise", async () => {
    const pull = await pullFromMock(definition, { fixtures, user: userOf(TOM), window: MARCH, now });
    expect(pull.delivered().map((record: any) => record.metadata.summary_id)).toEqual(["475301-20260311T160000Z"]);
  });

  it("a refused token cannot be refreshed: the read ends as access revoked at once, with no refresh attempt", async () => {
    const mock = await startMockProvider(definition.spec, fixtures);
    const connection = await connectToMock(mock, userOf(AVA));
    mock.oauth!.tokens.expireAccessTokens();
    const client = connectorClient(definition, { transport: liveTransport(), baseUrl: mock.urls().baseUrl });
    await expect(
      pullAndMap(definition, client, { window: MARCH, providerUserId: AVA, credentials: connection.credentials, streams: ["exercises"], now }),
    ).rejects.toMatchObject({ code: ErrorCodes.AUTH_REVOKED });
    expect(connection.credentials.refreshes).toBe(0);
    expect(mock.oauth!.tokens.events.filter((event) => event.type === "refreshed")).toEqual([]);
  });

  it("registers the user with the client on connect (a second registration is 409, which counts as done) and removes it on disconnect", async () => {
    const mock = await startMockProvider(definition.spec, fixtures);
    const connection = await connectToMock(mock, userOf(AVA));
    const client = connectorClient(definition, { transport: liveTransport(), baseUrl: mock.urls().baseUrl });
    const session = client.session({ credentials: connection.credentials, variables: { user_id: "terra-ava", provider_user_id: AVA } });
    const { connect, disconnect } = (definition.spec.auth as { lifecycle: { connect: any[]; disconnect: any[] } }).lifecycle;
    expect((await session.send(connect[0])).status).toBe(200);
    await expect(session.send(connect[0])).rejects.toMatchObject({ details: expect.objectContaining({ status: 409 }) });
    expect((await session.send(disconnect[0])).status).toBe(204);
    expect(mock.lifecycleCalls.map((call) => [call.phase, call.path, call.userId])).toEqual([
      ["connect", "/v3/users", AVA],
      ["connect", "/v3/users", AVA],
      ["disconnect", `/v3/users/${AVA}`, AVA],
    ]);
    expect(mock.lifecycleCalls[0]!.variables).toMatchObject({ user_id: "terra-ava" });
  });
});
