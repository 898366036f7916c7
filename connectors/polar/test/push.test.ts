import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import { readPush } from "@tributary/core/authoring";
import { checkWebhookVerification, pushSettings, verifyPush } from "@tributary/core/ingress";
import { signPush } from "@tributary/core/mock-provider";
import { createUndiciTransport } from "@tributary/core/provider-http";
import { silentLogger } from "@tributary/core/log";
import { createMemoryCursorRepository } from "@tributary/core/state";
import { createStreamExecutor } from "@tributary/core/streams";
import { connectorClient, connectorRun, connectToMock, payloadOutline } from "@tributary/test-kit/connector";
import { startMockProvider } from "@tributary/test-kit/mock-provider";
import { AVA, CONNECTOR_DIR, polar, polarFixtures, RECORDINGS_DIR } from "./polar.ts";

const definition = polar();
const webhook = definition.spec.webhook!;
/** The ingress's own check of a push, with the webhook's signature_secret_key as providers.POLAR.pushSecret. */
function check(headers: Record<string, string | string[] | undefined>, raw: Buffer, secret: string) {
  const settings = pushSettings(definition.spec, { pushSecret: secret });
  if (!settings.ok) throw new Error(settings.problem);
  return verifyPush(definition, { headers, rawBody: raw, query: {} }, settings.settings);
}

/** Polar's pushes: JSON signed with the webhook's signature_secret_key, hex HMAC-SHA256 of the raw body in Polar-Webhook-Signature. */
describe("POLAR pushes", () => {
  const secret = randomBytes(16).toString("hex");

  it("each example, signed by the mock the Polar way, verifies with the ingress's hmac scheme over its raw bytes; tampering does not", () => {
    for (const example of webhook.examples!) {
      const push = signPush({ verify: webhook.verify, payload: example.body, secret });
      expect(push.headers["polar-webhook-signature"]).toMatch(/^[0-9a-f]{64}$/);
      expect(check(push.headers, push.body, secret)).toMatchObject({ ok: true });
      expect(check(push.headers, push.body, `${secret}0`)).toMatchObject({ ok: false });
      expect(check(push.headers, Buffer.concat([push.body, Buffer.from(" ")]), secret)).toMatchObject({ ok: false });
      expect(check({ ...push.headers, "polar-webhook-signature": undefined }, push.body, secret)).toMatchObject({ ok: false });
    }
  });

  it("passes the ingress's verification checks: a right signature in, a wrong one, a changed body and none out", () => {
    const checks = checkWebhookVerification(definition);
    expect(checks.filter((c) => c.status === "fail")).toEqual([]);
    expect(checks.filter((c) => c.status === "pass").length).toBeGreaterThan(1);
  });

  it("the mock sends the PING and an EXERCISE to a callback; the exercise's id is fetched through the stream's object request, with samples", async () => {
    const fixtures = await polarFixtures(definition);
    const mock = await startMockProvider(definition.spec, fixtures);
    const received: ReturnType<typeof readPush> = [];
    const server = createServer(async (request, response) => {
      const raw = await readBody(request);
      if (!check(request.headers, raw, secret).ok) return void response.writeHead(401).end();
      received.push(...readPush(webhook, JSON.parse(raw.toString("utf8"))));
      response.writeHead(200).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const callback = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/POLAR`;
    expect((await mock.pushExample(callback, 1, { secret })).status).toBe(200);
    expect((await mock.pushExample(callback, 0, { secret })).status).toBe(200);
    expect((await mock.pushExample(callback, 0, { secret: "not-it" })).status).toBe(401);
    expect(received.map((n) => [n.eventType, n.providerUserId, n.action?.action])).toEqual([
      ["PING", undefined, "ignore"],
      ["EXERCISE", AVA, "pull_object"],
    ]);

    const connection = await connectToMock(mock, fixtures.users.find((u) => String(u.id) === AVA)!);
    const transport = createUndiciTransport();
    onTestFinished(() => transport.close());
    const session = connectorClient(definition, { transport, baseUrl: mock.urls().baseUrl }).session({
      credentials: connection.credentials,
      variables: { provider_user_id: AVA },
    });
    const id = (received[1]!.document as { entity_id: string }).entity_id;
    const stream = definition.spec.streams!.activity![0]!;
    const request = mock.requests.length;
    const executor = createStreamExecutor({ spec: definition.spec, log: silentLogger() });
    const exercise = await executor.fetchObject(stream, id, { session });
    expect(mock.requests.slice(request).map((r) => [r.path, r.query])).toEqual([[`/v3/exercises/${id}`, { samples: "true", zones: "true" }]]);
    expect(exercise).toMatchObject({ id: "aQlC83", samples: expect.any(Array) });
  });

  it("an EXERCISE push teaches the member's offset for its date, as a read of the exercises stream does (summer time: Monday at +120)", async () => {
    // Ava's Monday run after the EU's change to summer time, as Polar answers /v3/exercises/{id}.
    const monday = { id: "dstMon", start_time: "2026-03-30T18:00:00", start_time_utc_offset: 120, duration: "PT30M", sport: "RUNNING" };
    const session = connectorClient(definition, {
      transport: async (request) => {
        expect(new URL(request.url).pathname).toBe("/v3/exercises/dstMon");
        return { status: 200, headers: { "content-type": "application/json" }, body: Buffer.from(JSON.stringify(monday)) };
      },
    }).session({ variables: { provider_user_id: AVA } });
    const cursors = createMemoryCursorRepository();
    const userId = `polar-push-${randomBytes(4).toString("hex")}`;
    const executor = createStreamExecutor({ spec: definition.spec, log: silentLogger() });
    const stream = definition.spec.streams!.activity![0]!;
    expect(await executor.fetchObject(stream, "dstMon", { session, zone: { cursors, userId } })).toMatchObject({ id: "dstMon" });
    expect(await cursors.getCursor(userId, "timezone")).toMatchObject({ v: 1, zone: "+02:00", days: { "2026-03-30": [7200, 18 * 60] } });
  });

  it("`tributary connector run --pushes` over the recordings fetches the exercise and the physical information the examples name", async () => {
    const run = await connectorRun(CONNECTOR_DIR, RECORDINGS_DIR, { pushes: true });
    expect(run.code, run.stderr).toBe(0);
    expect(payloadOutline(run)).toEqual([
      ["activity", ["475220-20260310T170000Z"]],
      ["body", ["2026-03-12T07:05:00.000000+00:00"]],
    ]);
    expect((run.records[1] as any).measurements_data.measurements[0]).toMatchObject({ weight_kg: 61.4, height_cm: 168 });
  }, 120_000);
});

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
