import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createRecordMapper, readPush } from "@tributary/core/authoring";
import { silentLogger } from "@tributary/core/log";
import { compileCondition } from "@tributary/core/mapping";
import type { ProviderTransport } from "@tributary/core/provider-http";
import { checkWebhookVerification } from "@tributary/core/ingress";
import { readPointer } from "@tributary/core/spec";
import { createStreamExecutor } from "@tributary/core/streams";
import { connectorClient, headerOf, startPushReceiver, type ReceivedRequest } from "@tributary/test-kit/connector";
import { startMockProvider } from "@tributary/test-kit/mock-provider";
import { CYCLE_OF_THE_10TH, fixtureRecords, JONAS, SLEEP_OF_THE_10TH, whoop, whoopFixtures } from "./whoop.ts";

const definition = whoop();
const webhook = definition.spec.webhook!;

/**
 * WHOOP's scheme, written out independently of the mock: X-WHOOP-Signature is the base64 HMAC-SHA256,
 * keyed with the client secret, of X-WHOOP-Signature-Timestamp (epoch milliseconds) followed by the raw
 * body; a timestamp more than five minutes off is refused.
 */
function whoopSigned(request: ReceivedRequest, clientSecret: string, nowMs = Date.now()): boolean {
  const timestamp = headerOf(request, "x-whoop-signature-timestamp") ?? "";
  if (!/^\d{13}$/.test(timestamp) || Math.abs(nowMs - Number(timestamp)) > 300_000) return false;
  const given = Buffer.from(headerOf(request, "x-whoop-signature") ?? "", "base64");
  const expected = createHmac("sha256", clientSecret).update(timestamp).update(request.rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe("WHOOP webhooks", () => {
  const clientSecret = randomBytes(16).toString("hex");

  it("reads each example: sleep, recovery and workout updates fetch by id (a recovery names its sleep), deletions are ignored", () => {
    const read = webhook.examples!.map((example) => readPush(webhook, example.body)[0]!);
    expect(read.map((n) => [n.eventType, n.providerUserId, n.action?.action, n.action && "dataType" in n.action ? n.action.dataType : undefined])).toEqual([
      ["sleep.updated", JONAS, "pull_object", "sleep"],
      ["recovery.updated", JONAS, "pull_object", "daily"],
      ["workout.updated", JONAS, "pull_object", "activity"],
      ["workout.deleted", JONAS, "ignore", undefined],
    ]);
  });

  it("the mock signs as WHOOP does (base64 over the millisecond timestamp + body), verified with WHOOP's scheme; stale, re-signed or altered pushes fail", async () => {
    const mock = await startMockProvider(definition.spec, await whoopFixtures(definition));
    const receiver = await startPushReceiver("WHOOP", (request) => ({ status: whoopSigned(request, clientSecret) ? 204 : 401 }));
    for (let i = 0; i < webhook.examples!.length; i++) expect((await mock.pushExample(receiver.url, i, { secret: clientSecret })).status).toBe(204);
    expect((await mock.pushExample(receiver.url, 0, { secret: "another-secret" })).status).toBe(401);
    expect((await mock.pushExample(receiver.url, 0, { secret: clientSecret, now: Date.now() - 600_000 })).status).toBe(401);
    const signed = receiver.received[0]!;
    expect(headerOf(signed, "x-whoop-signature-timestamp")).toMatch(/^\d{13}$/);
    expect(whoopSigned({ ...signed, rawBody: Buffer.from(signed.rawBody.toString("utf8").replace("10129", "10130")) }, clientSecret)).toBe(false);
    // Seconds instead of milliseconds are not WHOOP's timestamp.
    const seconds = String(Math.floor(Number(headerOf(signed, "x-whoop-signature-timestamp")) / 1000));
    expect(whoopSigned({ ...signed, headers: { ...signed.headers, "x-whoop-signature-timestamp": seconds } }, clientSecret)).toBe(false);
  });

  it("a recovery notification fetches the sleep it names, then that sleep's cycle and recovery, into the cycle's Daily", async () => {
    const fixtures = await whoopFixtures(definition);
    const [notification] = readPush(webhook, webhook.examples![1]!.body);
    if (notification?.action?.action !== "pull_object") throw new Error("recovery.updated fetches an object");
    const id = String(readPointer(notification.document, notification.action.id));
    expect(id).toBe(SLEEP_OF_THE_10TH);
    const sleep = fixtureRecords(fixtures, "sleeps").find((r) => r.id === id)!;
    const cycle = fixtureRecords(fixtures, "cycles").find((r) => r.id === CYCLE_OF_THE_10TH)!;
    const recovery = fixtures.streams!.cycles!.details!.recovery!(cycle, fixtures.users[0]!);
    // WHOOP's answers by path, as its API gives them.
    const answers: Record<string, unknown> = {
      [`/developer/v2/activity/sleep/${id}`]: sleep,
      [`/developer/v2/cycle/${CYCLE_OF_THE_10TH}`]: cycle,
      [`/developer/v2/cycle/${CYCLE_OF_THE_10TH}/recovery`]: recovery,
    };
    const asked: string[] = [];
    const transport: ProviderTransport = async (request) => {
      const path = new URL(request.url).pathname;
      asked.push(path);
      const body = answers[path];
      return body === undefined
        ? { status: 404, headers: { "content-type": "application/json" }, body: Buffer.from("{}") }
        : { status: 200, headers: { "content-type": "application/json" }, body: Buffer.from(JSON.stringify(body)) };
    };
    const client = connectorClient(definition, { transport });
    const executor = createStreamExecutor({
      spec: definition.spec,
      compileExpression: (e) => {
        const c = compileCondition(e, "test");
        return (r) => c.test(r);
      },
      log: silentLogger(),
    });
    const stream = definition.spec.streams!.daily!.find((s) => s.object)!;
    const record = await executor.fetchObject(stream, id, { session: client.session() });
    expect(asked.sort()).toEqual(Object.keys(answers).sort());
    const [viaPush] = await createRecordMapper(definition, { userId: "terra-user", providerUserId: JONAS }).map("daily", "daily", record!);
    const [listed] = await createRecordMapper(definition, { userId: "terra-user", providerUserId: JONAS }).map("daily", "daily", { ...cycle, recovery });
    expect(viaPush).toEqual(listed);
    expect(viaPush).toMatchObject({ kind: "record", record: { scores: { recovery: 50 }, metadata: { start_time: "2026-03-09T23:25:44.774000+01:00" } } });
  });
  it("the ingress's own verification accepts each example push signed WHOOP's way and refuses it forged, stale, altered or replayed", () => {
    const checks = checkWebhookVerification(definition, { secret: clientSecret });
    expect(checks.filter((check) => check.status !== "pass")).toEqual([]);
    expect(checks.length).toBeGreaterThanOrEqual(webhook.examples!.length);
  });
});
