import { describe, expect, it } from "vitest";
import { createRecordMapper, readPush } from "@tributary/core/authoring";
import { silentLogger } from "@tributary/core/log";
import { compileCondition } from "@tributary/core/mapping";
import { createUndiciTransport } from "@tributary/core/provider-http";
import { answerHandshake, checkWebhookVerification } from "@tributary/core/ingress";
import { readPointer } from "@tributary/core/spec";
import { createStreamExecutor } from "@tributary/core/streams";
import { connectorClient, connectToMock, startPushReceiver } from "@tributary/test-kit/connector";
import { startMockProvider } from "@tributary/test-kit/mock-provider";
import { ACTIVITY, MAYA, strava, stravaFixtures, SUBSCRIPTION_ID } from "./strava.ts";

const definition = strava();
const webhook = definition.spec.webhook!;
const verify = webhook.verify as Extract<typeof webhook.verify, { scheme: "none" }>;

/** What our endpoint may check of a Strava push, which is signed by nothing: the subscription it names. */
const ours = (body: unknown, subscriptionId: string) => String(readPointer(body, verify.match!.path)) === subscriptionId;

describe("STRAVA pushes", () => {
  it("reads each example: create and update pull that activity, delete is ignored, athlete authorized=false deauthorizes", () => {
    const read = webhook.examples!.map((example) => readPush(webhook, example.body)[0]!);
    expect(read.map((n) => [n.eventType, n.providerUserId, n.action?.action])).toEqual([
      ["activity.create", MAYA, "pull_object"],
      ["activity.update", MAYA, "pull_object"],
      ["activity.delete", MAYA, "ignore"],
      ["athlete.update", MAYA, "deauth"],
    ]);
    // A profile change of the athlete is not a deauthorization.
    expect(
      readPush(webhook, {
        aspect_type: "update",
        object_id: 48213377,
        object_type: "athlete",
        owner_id: 48213377,
        subscription_id: 281034,
        updates: { first_name: "May" },
      })[0]!.action,
    ).toMatchObject({ action: "ignore" });
  });

  it("the subscription handshake: Strava's GET with hub.challenge and our verify token, answered 200 with the challenge as JSON", async () => {
    const mock = await startMockProvider(definition.spec, await stravaFixtures(definition));
    const verifyToken = "tributary-strava-verify";
    const answering = await startPushReceiver("STRAVA", (request) => {
      const params = request.url.searchParams;
      if (params.get("hub.mode") !== "subscribe" || params.get("hub.verify_token") !== verifyToken) return { status: 403 };
      return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ "hub.challenge": params.get("hub.challenge") }) };
    });
    expect(await mock.handshake(answering.url, { verifyToken })).toMatchObject([{ type: "challenge", ok: true }]);
    expect(await mock.handshake(answering.url, { verifyToken: "someone-else" })).toMatchObject([{ ok: false }]);
    // The bare challenge as text is not what Strava accepts.
    const text = await startPushReceiver("STRAVA", (request) => ({ status: 200, body: request.url.searchParams.get("hub.challenge") ?? "" }));
    expect(await mock.handshake(text.url, { verifyToken })).toMatchObject([{ ok: false }]);
  });

  it("an update push from the mock: unsigned, our subscription id, the owner — and pulling the object delivers the renamed activity with its streams", async () => {
    const fixtures = await stravaFixtures(definition);
    const mock = await startMockProvider(definition.spec, fixtures, { errors: "strava" });
    const connection = await connectToMock(mock, fixtures.users.find((user) => String(user.id) === MAYA)!);
    const receiver = await startPushReceiver("STRAVA", () => ({ status: 200 }));
    expect((await mock.pushExample(receiver.url, 1, { secret: "" })).status).toBe(200);
    const [push] = receiver.received;
    expect(push!.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(push!.rawBody.toString("utf8"));
    expect(ours(body, SUBSCRIPTION_ID)).toBe(true);
    expect(ours(body, "999")).toBe(false);

    const [notification] = readPush(webhook, body);
    if (notification?.action?.action !== "pull_object") throw new Error("an update is a pull of the object");
    const objectId = String(readPointer(body, notification.action.id));
    expect(objectId).toBe(String(ACTIVITY.run));
    const transport = createUndiciTransport();
    try {
      const client = connectorClient(definition, { transport, baseUrl: mock.urls().baseUrl });
      const executor = createStreamExecutor({
        spec: definition.spec,
        compileExpression: (e) => {
          const c = compileCondition(e, "test");
          return (r) => c.test(r);
        },
        log: silentLogger(),
      });
      const stream = definition.spec.streams!.activity![0]!;
      const session = client.session({ credentials: connection.credentials, variables: { provider_user_id: notification.providerUserId! } });
      const record = await executor.fetchObject(stream, objectId, { session });
      const [mapped] = await createRecordMapper(definition, { userId: "terra-user", providerUserId: MAYA }).map("activity", "activity", record!);
      expect(mapped).toMatchObject({
        kind: "record",
        record: { metadata: { summary_id: String(ACTIVITY.run), type: 8 }, heart_rate_data: { detailed: { hr_samples: expect.any(Array) } } },
      });
      expect((mapped as any).record.heart_rate_data.detailed.hr_samples).toHaveLength(240);
      expect(
        mock.requests
          .filter((request) => request.path.startsWith("/api/v3/"))
          .map((request) => request.path)
          .sort(),
      ).toEqual([`/api/v3/activities/${ACTIVITY.run}`, `/api/v3/activities/${ACTIVITY.run}/streams`]);
    } finally {
      await transport.close();
    }
  });
  it("the ingress's own verification accepts each example push signed STRAVA's way and refuses it forged, stale, altered or replayed", () => {
    const checks = checkWebhookVerification(definition, { options: { subscription_id: SUBSCRIPTION_ID } });
    expect(checks.filter((check) => check.status !== "pass")).toEqual([]);
    expect(checks.length).toBeGreaterThanOrEqual(webhook.examples!.length);
  });

  it("the ingress answers STRAVA's handshake as the mock checks it", async () => {
    const mock = await startMockProvider(definition.spec, await stravaFixtures(definition));
    const token = "tributary-strava-verify";
    const receiver = await startPushReceiver("STRAVA", (request) => {
      const answer = answerHandshake(webhook.handshakes!, { method: request.method, query: Object.fromEntries(request.url.searchParams) }, token);
      return "json" in answer
        ? { status: answer.status, headers: { "content-type": "application/json" }, body: JSON.stringify(answer.json) }
        : { status: answer.status, body: "text" in answer ? answer.text : "" };
    });
    expect(await mock.handshake(receiver.url, { verifyToken: token })).toMatchObject([{ ok: true }]);
    expect(await mock.handshake(receiver.url, { verifyToken: `${token}-not` })).toMatchObject([{ ok: false }]);
  });
});
