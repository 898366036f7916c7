import { describe, expect, it, beforeAll, onTestFinished } from "vitest";
import type { SpecFixtures } from "@tributary/core/mock-provider";
import { createUndiciTransport } from "@tributary/core/provider-http";
import type { ConnectorDefinition } from "@tributary/core/spec";
import { connectorClient, connectToMock } from "@tributary/test-kit/connector";
import { startMockProvider } from "@tributary/test-kit/mock-provider";
import { ELI, garmin, garminFixtures, NOOR } from "./garmin.ts";

/**
 * The Garmin Health API mocked from the spec: the code flow with PKCE and no scopes, /user/id naming the
 * user, backfill requests answered 202 (the history then comes by push), deregistration.
 */
describe("GARMIN through its mock", () => {
  let definition: ConnectorDefinition;
  let fixtures: SpecFixtures;
  const userOf = (id: string) => fixtures.users.find((user) => String(user.id) === id)!;

  beforeAll(async () => {
    definition = garmin();
    fixtures = await garminFixtures(definition);
  });

  async function connected(id: string) {
    const mock = await startMockProvider(definition.spec, fixtures);
    const connection = await connectToMock(mock, userOf(id));
    const transport = createUndiciTransport();
    onTestFinished(() => transport.close());
    const client = connectorClient(definition, { transport, baseUrl: mock.urls().baseUrl });
    return { mock, connection, session: client.session({ credentials: connection.credentials, variables: { user_id: "terra-1", provider_user_id: id } }) };
  }

  it("connects with a PKCE S256 challenge and no scopes, and names the user by GET /user/id", async () => {
    const { mock, session } = await connected(NOOR);
    const auth = definition.spec.auth as Extract<typeof definition.spec.auth, { type: "oauth2" }>;
    const answer = await session.send(auth.providerUserId!.from === "request" ? auth.providerUserId!.request : ({} as never));
    expect(answer.body).toEqual({ userId: NOOR });
    const authorize = mock.requests.find((request) => request.path === "/oauth2Confirm")!;
    expect(authorize.query).toMatchObject({ code_challenge_method: "S256", response_type: "code" });
    expect(authorize.query.scope ?? "").toBe("");
  });

  it("answers GET /user/permissions with what each user shares, the list itself", async () => {
    const auth = definition.spec.auth as Extract<typeof definition.spec.auth, { type: "oauth2" }>;
    expect(auth.grantedScopes?.request).toEqual({ path: "/user/permissions" });
    for (const [id, shared] of [
      [NOOR, ["ACTIVITY_EXPORT", "HEALTH_EXPORT"]],
      [ELI, ["ACTIVITY_EXPORT"]],
    ] as const) {
      const { session } = await connected(id);
      expect((await session.send(auth.grantedScopes!.request)).body).toEqual(shared);
    }
  });

  it("requests the history of each type for a window; Garmin answers 202 and pushes it later", async () => {
    const { mock, session } = await connected(ELI);
    const requests = definition.spec.sync!.backfillRequests!;
    for (const request of Object.values(requests).flat()) expect((await session.send(request, { start: "1770681600", end: "1773273600" })).status).toBe(202);
    expect(mock.lifecycleCalls.map((call) => [call.phase, call.path, call.userId])).toEqual(
      ["dailies", "epochs", "userMetrics", "sleeps", "activities", "activityDetails", "bodyComps", "mct"].map((type) => [
        "backfill",
        `/wellness-api/rest/backfill/${type}`,
        ELI,
      ]),
    );
    expect(mock.lifecycleCalls[0]!.variables).toMatchObject({ start: "1770681600", end: "1773273600" });
  });

  it("a backfill Garmin already has (409, a retried connect job asking again) is nothing to do, not a failure", async () => {
    const sent: string[] = [];
    const client = connectorClient(definition, {
      transport: async (request) => {
        sent.push(new URL(request.url).pathname);
        return { status: 409, headers: { "content-type": "application/json" }, body: Buffer.from('{"errorMessage":"Duplicate backfill"}') };
      },
    });
    const [dailies] = definition.spec.sync!.backfillRequests!.daily as Parameters<ReturnType<typeof client.session>["send"]>[0][];
    const answer = await client.session({ variables: { provider_user_id: ELI } }).send(dailies!, { start: "1770681600", end: "1773273600" });
    expect(answer).toMatchObject({ status: 409, ignored: true });
    expect(sent).toEqual(["/wellness-api/rest/backfill/dailies"]);
  });

  it("the history of a summary type the app has not enabled (400 Endpoint not enabled) is nothing to request, not a failure; another 400 fails", async () => {
    const answers = [
      { status: 400, body: '{"errorMessage":"Endpoint not enabled for summary type: CONNECT_ACTIVITY"}' },
      { status: 400, body: '{"errorMessage":"Missing time range parameters"}' },
    ];
    const client = connectorClient(definition, {
      transport: async () => {
        const { status, body } = answers.shift()!;
        return { status, headers: { "content-type": "application/json" }, body: Buffer.from(body) };
      },
    });
    const [activities] = definition.spec.sync!.backfillRequests!.activity as Parameters<ReturnType<typeof client.session>["send"]>[0][];
    const session = client.session({ variables: { provider_user_id: ELI } });
    expect(await session.send(activities!, { start: "1770681600", end: "1773273600" })).toMatchObject({ status: 400, ignored: true });
    await expect(session.send(activities!, { start: "1770681600", end: "1773273600" })).rejects.toMatchObject({ code: "ERR_PROVIDER_REQUEST_FAILED" });
  });

  it("deregisters the user on disconnect", async () => {
    const { mock, session } = await connected(NOOR);
    const [deregister] = (definition.spec.auth as { lifecycle: { disconnect: Parameters<typeof session.send>[0][] } }).lifecycle.disconnect;
    expect((await session.send(deregister!)).status).toBe(204);
    expect(mock.lifecycleCalls).toMatchObject([{ phase: "disconnect", path: "/wellness-api/rest/user/registration", userId: NOOR }]);
  });
});
