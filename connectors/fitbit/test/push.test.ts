import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { describe, expect, it } from "vitest";
import { readPush } from "@tributary/core/authoring";
import { answerHandshake, checkWebhookVerification } from "@tributary/core/ingress";
import { readPointer } from "@tributary/core/spec";
import { connectToMock, headerOf, pullAndMap, connectorClient, startPushReceiver, type ReceivedRequest } from "@tributary/test-kit/connector";
import { startMockProvider } from "@tributary/test-kit/mock-provider";
import { createUndiciTransport } from "@tributary/core/provider-http";
import { fitbit, fitbitFixtures, LENA } from "./fitbit.ts";

const definition = fitbit();
const webhook = definition.spec.webhook!;

/** Fitbit's scheme, written out independently of the mock: base64 HMAC-SHA1 keyed "<client secret>&" over the raw body. */
function fitbitSigned(request: ReceivedRequest, clientSecret: string): boolean {
  const given = Buffer.from(headerOf(request, "x-fitbit-signature") ?? "", "base64");
  const expected = createHmac("sha1", `${clientSecret}&`).update(request.rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe("FITBIT notifications", () => {
  const clientSecret = randomBytes(16).toString("hex");

  it("reads each example: one notification per array item, the day of its collection is pulled, userRevokedAccess deauthorizes", () => {
    const read = webhook.examples!.flatMap((example) => readPush(webhook, example.body));
    expect(read.map((n) => [n.eventType, n.providerUserId, n.action?.action, n.action && "dataType" in n.action ? n.action.dataType : undefined])).toEqual([
      ["activities", LENA, "pull_window", ["activity", "daily"]],
      ["sleep", LENA, "pull_window", "sleep"],
      ["body", LENA, "pull_window", "body"],
      ["foods", LENA, "pull_window", "nutrition"],
      ["userRevokedAccess", LENA, "deauth", undefined],
    ]);
  });

  it("the mock signs each push as Fitbit does, verified with Fitbit's scheme; another secret, a changed body or no header fail it", async () => {
    const mock = await startMockProvider(definition.spec, await fitbitFixtures(definition));
    const receiver = await startPushReceiver("FITBIT", (request) => ({ status: fitbitSigned(request, clientSecret) ? 204 : 401 }));
    for (let i = 0; i < webhook.examples!.length; i++)
      expect(await mock.pushExample(receiver.url, i, { secret: clientSecret })).toMatchObject({ status: 204, delivered: true });
    expect(await mock.pushExample(receiver.url, 0, { secret: `${clientSecret}x` })).toMatchObject({ status: 401, delivered: false });
    const signed = receiver.received[0]!;
    expect(headerOf(signed, "x-fitbit-signature")).toMatch(/^[A-Za-z0-9+/]{27}=$/);
    expect(fitbitSigned({ ...signed, rawBody: Buffer.from(signed.rawBody.toString("utf8").replace("2026-03-10", "2026-03-11")) }, clientSecret)).toBe(false);
    expect(fitbitSigned({ ...signed, headers: {} }, clientSecret)).toBe(false);
    // Without the "&" the key is not Fitbit's.
    const withoutAmpersand = createHmac("sha1", clientSecret).update(signed.rawBody).digest("base64");
    expect(withoutAmpersand).not.toBe(headerOf(signed, "x-fitbit-signature"));
  });

  it("a notification counts as delivered only when answered 204 No Content, as Fitbit requires: a 200 is a failed delivery", async () => {
    expect(webhook.acknowledge).toEqual({ status: 204 });
    const mock = await startMockProvider(definition.spec, await fitbitFixtures(definition));
    const ok = await startPushReceiver("FITBIT", () => ({ status: 200, headers: { "content-type": "application/json" }, body: '{"status":"accepted"}' }));
    expect(await mock.pushExample(ok.url, 0, { secret: clientSecret })).toMatchObject({ status: 200, delivered: false });
  });

  it("the subscriber verification: 204 for the right code and 404 for a wrong one, as Fitbit checks both", async () => {
    const mock = await startMockProvider(definition.spec, await fitbitFixtures(definition));
    const code = "d3c0d1f5a2b84e76";
    const right = await startPushReceiver("FITBIT", (request) => ({ status: request.url.searchParams.get("verify") === code ? 204 : 404 }));
    expect(await mock.handshake(right.url, { verifyToken: code })).toMatchObject([{ type: "verify_code", ok: true }]);
    const always = await startPushReceiver("FITBIT", () => ({ status: 204 }));
    expect(await mock.handshake(always.url, { verifyToken: code })).toMatchObject([{ ok: false }]);
  });

  it("an activities notification pulls that day's summary: the same day again replaces, never adds", async () => {
    const fixtures = await fitbitFixtures(definition);
    const mock = await startMockProvider(definition.spec, fixtures, { errors: "fitbit" });
    const connection = await connectToMock(mock, fixtures.users.find((u) => u.id === LENA)!);
    const [notification] = readPush(webhook, webhook.examples![0]!.body);
    if (notification?.action?.action !== "pull_window" || !notification.action.date) throw new Error("activities is a pull of the day");
    const date = String(readPointer(notification.document, notification.action.date));
    const day = { start: new Date(`${date}T00:00:00Z`), end: new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000) };
    const transport = createUndiciTransport();
    try {
      const client = connectorClient(definition, { transport, baseUrl: mock.urls().baseUrl });
      const pulls = [];
      for (let i = 0; i < 2; i++)
        pulls.push(
          await pullAndMap(definition, client, { window: day, providerUserId: LENA, credentials: connection.credentials, streams: ["daily_summary"] }),
        );
      const [first, second] = pulls.map((pull) => pull.delivered());
      expect(first).toHaveLength(1);
      expect(second).toEqual(first);
      expect((first![0] as any).metadata.start_time).toBe("2026-03-10T00:00:00.000000+01:00");
      expect((first![0] as any).distance_data.steps).toBe(8500);
    } finally {
      await transport.close();
    }
  });
  it("the ingress's own verification accepts each example push signed FITBIT's way and refuses it forged, stale, altered or replayed", () => {
    const checks = checkWebhookVerification(definition, { secret: clientSecret });
    expect(checks.filter((check) => check.status !== "pass")).toEqual([]);
    expect(checks.length).toBeGreaterThanOrEqual(webhook.examples!.length);
  });

  it("the ingress answers FITBIT's handshake as the mock checks it", async () => {
    const mock = await startMockProvider(definition.spec, await fitbitFixtures(definition));
    const token = "d3c0d1f5a2b84e76";
    const receiver = await startPushReceiver("FITBIT", (request) => {
      const answer = answerHandshake(webhook.handshakes!, { method: request.method, query: Object.fromEntries(request.url.searchParams) }, token);
      return "json" in answer
        ? { status: answer.status, headers: { "content-type": "application/json" }, body: JSON.stringify(answer.json) }
        : { status: answer.status, body: "text" in answer ? answer.text : "" };
    });
    expect(await mock.handshake(receiver.url, { verifyToken: token })).toMatchObject([{ ok: true }]);
    expect(await mock.handshake(receiver.url, { verifyToken: `${token}-not` })).toMatchObject([{ ok: false }]);
  });
});
