import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createRecordMapper, readPush } from "@tributary/core/authoring";
import { silentLogger } from "@tributary/core/log";
import { compileCondition } from "@tributary/core/mapping";
import { createUndiciTransport } from "@tributary/core/provider-http";
import { answerHandshake, checkWebhookVerification } from "@tributary/core/ingress";
import { readPointer } from "@tributary/core/spec";
import { createStreamExecutor } from "@tributary/core/streams";
import { connectorClient, connectToMock, headerOf, startPushReceiver, type ReceivedRequest } from "@tributary/test-kit/connector";
import { startMockProvider } from "@tributary/test-kit/mock-provider";
import { NIGHT_OF_THE_10TH, NOOR, oura, ouraFixtures } from "./oura.ts";

const definition = oura();
const webhook = definition.spec.webhook!;

/**
 * Oura's scheme, written out independently of the mock: x-oura-signature is the upper-case hex
 * HMAC-SHA256, keyed with the client secret, of x-oura-timestamp followed by the raw body; a timestamp
 * more than five minutes off is refused.
 */
function ouraSigned(request: ReceivedRequest, clientSecret: string, nowSeconds = Date.now() / 1000): boolean {
  const timestamp = headerOf(request, "x-oura-timestamp") ?? "";
  const signature = headerOf(request, "x-oura-signature") ?? "";
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > 300 || !/^[0-9A-F]{64}$/.test(signature)) return false;
  const expected = createHmac("sha256", clientSecret).update(timestamp).update(request.rawBody).digest();
  return timingSafeEqual(Buffer.from(signature, "hex"), expected);
}

describe("OURA webhooks", () => {
  const clientSecret = randomBytes(16).toString("hex");

  it("reads each example: sleep and workout changes fetch that document, a day's scores pull that day, deletions are ignored", () => {
    const read = webhook.examples!.map((example) => readPush(webhook, example.body)[0]!);
    expect(read.map((n) => [n.eventType, n.providerUserId, n.action?.action])).toEqual([
      ["sleep.create", NOOR, "pull_object"],
      ["workout.update", NOOR, "pull_object"],
      ["daily_readiness.create", NOOR, "pull_window"],
      ["workout.delete", NOOR, "ignore"],
    ]);
  });

  it("the mock signs as Oura does (upper-case hex over timestamp + body), verified with Oura's scheme; stale, re-signed or altered pushes fail", async () => {
    const mock = await startMockProvider(definition.spec, await ouraFixtures(definition));
    const receiver = await startPushReceiver("OURA", (request) => ({ status: ouraSigned(request, clientSecret) ? 200 : 401 }));
    for (let i = 0; i < webhook.examples!.length; i++)
      expect((await mock.pushExample(receiver.url, i, { secret: clientSecret, hexCase: "upper" })).status).toBe(200);
    expect((await mock.pushExample(receiver.url, 0, { secret: "another-secret", hexCase: "upper" })).status).toBe(401);
    expect((await mock.pushExample(receiver.url, 0, { secret: clientSecret, hexCase: "upper", now: Date.now() - 600_000 })).status).toBe(401);
    const signed = receiver.received[0]!;
    // The body alone (without the timestamp) is not what Oura signs.
    expect(createHmac("sha256", clientSecret).update(signed.rawBody).digest("hex").toUpperCase()).not.toBe(headerOf(signed, "x-oura-signature"));
    expect(ouraSigned({ ...signed, rawBody: Buffer.from(signed.rawBody.toString("utf8").replace("sleep", "workout")) }, clientSecret)).toBe(false);
    // Another timestamp with the same signature.
    expect(
      ouraSigned({ ...signed, headers: { ...signed.headers, "x-oura-timestamp": String(Number(headerOf(signed, "x-oura-timestamp")) + 1) } }, clientSecret),
    ).toBe(false);
  });

  it('the subscription challenge: GET ?verification_token=…&challenge=… answered 200 with {"challenge": …}', async () => {
    const mock = await startMockProvider(definition.spec, await ouraFixtures(definition));
    const verifyToken = "tributary-oura-verification";
    const receiver = await startPushReceiver("OURA", (request) => {
      const params = request.url.searchParams;
      if (params.get("verification_token") !== verifyToken) return { status: 401 };
      return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ challenge: params.get("challenge") }) };
    });
    expect(await mock.handshake(receiver.url, { verifyToken })).toMatchObject([{ type: "challenge", ok: true }]);
    expect(await mock.handshake(receiver.url, { verifyToken: "not-ours" })).toMatchObject([{ ok: false }]);
  });

  it("a sleep notification fetches that sleep period by id and maps it", async () => {
    const fixtures = await ouraFixtures(definition);
    const mock = await startMockProvider(definition.spec, fixtures, { errors: "oura" });
    const connection = await connectToMock(mock, fixtures.users.find((u) => u.id === NOOR)!);
    const [notification] = readPush(webhook, webhook.examples![0]!.body);
    if (notification?.action?.action !== "pull_object") throw new Error("sleep.create fetches the object");
    const id = String(readPointer(notification.document, notification.action.id));
    expect(id).toBe(NIGHT_OF_THE_10TH);
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
      const record = await executor.fetchObject(definition.spec.streams!.sleep![0]!, id, { session: client.session({ credentials: connection.credentials }) });
      const [mapped] = await createRecordMapper(definition, { userId: "terra-user", providerUserId: NOOR }).map("sleep", "sleep", record!);
      expect(mapped).toMatchObject({ kind: "record", record: { metadata: { summary_id: NIGHT_OF_THE_10TH, start_time: "2026-03-09T23:05:14.000000+01:00" } } });
      expect(mock.requests.filter((request) => request.path.startsWith("/v2/")).map((request) => request.path)).toEqual([
        `/v2/usercollection/sleep/${NIGHT_OF_THE_10TH}`,
      ]);
    } finally {
      await transport.close();
    }
  });
  it("the ingress's own verification accepts each example push signed OURA's way and refuses it forged, stale, altered or replayed", () => {
    const checks = checkWebhookVerification(definition, { secret: clientSecret });
    expect(checks.filter((check) => check.status !== "pass")).toEqual([]);
    expect(checks.length).toBeGreaterThanOrEqual(webhook.examples!.length);
  });

  it("the ingress answers OURA's handshake as the mock checks it", async () => {
    const mock = await startMockProvider(definition.spec, await ouraFixtures(definition));
    const token = "tributary-oura-verification";
    const receiver = await startPushReceiver("OURA", (request) => {
      const answer = answerHandshake(webhook.handshakes!, { method: request.method, query: Object.fromEntries(request.url.searchParams) }, token);
      return "json" in answer
        ? { status: answer.status, headers: { "content-type": "application/json" }, body: JSON.stringify(answer.json) }
        : { status: answer.status, body: "text" in answer ? answer.text : "" };
    });
    expect(await mock.handshake(receiver.url, { verifyToken: token })).toMatchObject([{ ok: true }]);
    expect(await mock.handshake(receiver.url, { verifyToken: `${token}-not` })).toMatchObject([{ ok: false }]);
  });
});
