import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import { createRecordMapper, readPush, recordsOf } from "@tributary/core/authoring";
import { checkWebhookVerification } from "@tributary/core/ingress";
import { signTerraPayload, singleHeader, verifyTerraSignature } from "@tributary/core/contracts";
import { signPush } from "@tributary/core/mock-provider";
import type { ConnectorSpec } from "@tributary/schemas";
import { startMockProvider } from "@tributary/test-kit/mock-provider";
import { ADA, insiders, insidersFixtures } from "./insiders.ts";

const definition = insiders();
const spec: ConnectorSpec = definition.spec;
const webhook = spec.webhook!;
const verify = webhook.verify as Extract<typeof webhook.verify, { scheme: "terra" }>;
const examples = webhook.examples!;
const HEADER = verify.header.toLowerCase();

/** Checks a push as the ingress does for a terra-scheme connector: over the raw bytes, within the tolerance. */
const check = (header: string | undefined, body: Buffer | string, secret: string, nowSeconds?: number) =>
  verifyTerraSignature(header, body, secret, { toleranceSeconds: verify.toleranceSeconds ?? 300, ...(nowSeconds !== undefined ? { nowSeconds } : {}) });

describe("INSIDERS pushes", () => {
  const secret = randomBytes(24).toString("base64url");

  it("every example push, signed as the spec declares (Insiders-Signature: t=…,v1=…), verifies over its raw bytes", () => {
    expect(examples).toHaveLength(4);
    for (const example of examples) {
      const push = signPush({ verify, payload: example.body, secret });
      expect(push.headers["content-type"]).toBe("application/json");
      expect(push.headers[HEADER]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(check(push.headers[HEADER], push.body, secret)).toMatchObject({ ok: true });
    }
  });

  it("refuses every signed push that is not the one Insiders sent: another secret, stale or future, a changed body, another push's signature", () => {
    const now = Math.floor(Date.now() / 1000);
    const [created, updated] = examples.map((example) => signPush({ verify, payload: example.body, secret }));
    const body = created!.body;
    const header = created!.headers[HEADER]!;
    const cases: Array<[string, string | undefined, Buffer | string]> = [
      ["another secret", signPush({ verify, payload: examples[0]!.body, secret: `${secret}x` }).headers[HEADER], body],
      ["ten minutes old", signTerraPayload(secret, body, now - 600), body],
      ["ten minutes ahead", signTerraPayload(secret, body, now + 600), body],
      ["a changed body", header, Buffer.from(body.toString("utf8").replace('"usr_7Hq2Lm"', '"usr_3Vx9Kp"'))],
      ["the same JSON re-serialised", header, JSON.stringify(JSON.parse(body.toString("utf8")), null, 1)],
      ["another push's signature", updated!.headers[HEADER], body],
      ["no signature", undefined, body],
      ["a v0 signature only", header.replace("v1=", "v0="), body],
      ["no timestamp", header.replace(/^t=\d+,/, ""), body],
    ];
    for (const [why, given, bytes] of cases) expect(check(given, bytes, secret), why).toMatchObject({ ok: false });
    // Extra entries a sender may legitimately emit are accepted; loose spellings (spaces, upper-case
    // hex, t after v1) are refused, so one signature has no second spelling to replay.
    const [t, v1] = header.split(",");
    for (const spelling of [`${t},v1=${"0".repeat(64)},${v1}`, `${t},${v1},v0=abc`]) {
      expect(check(spelling, body, secret), spelling).toMatchObject({ ok: true });
    }
    for (const loose of [`${t}, ${v1}`, `${v1},${t}`, `${t},${v1!.toUpperCase().replace("V1=", "v1=")}`, `${t},${v1},`]) {
      expect(check(loose, body, secret), loose).toMatchObject({ ok: false });
    }
  });

  it("the mock sends each example signed to a callback that verifies it and maps what it carries", async () => {
    const fixtures = await insidersFixtures(definition);
    const mock = await startMockProvider(spec, fixtures);
    const mapper = createRecordMapper(definition, { userId: "terra-user-1", providerUserId: ADA });
    const received: Array<{ eventType: string; action?: string; delivered: string[] }> = [];
    const server = createServer(async (request, response) => {
      const raw = await readBody(request);
      if (!check(singleHeader(request.headers, HEADER), raw, secret).ok) {
        response.writeHead(401).end();
        return;
      }
      for (const notification of readPush(webhook, JSON.parse(raw.toString("utf8")))) {
        const delivered: string[] = [];
        if (notification.action?.action === "records") {
          for (const record of recordsOf(notification.action, notification.document)) {
            for (const outcome of await mapper.map("activity", "activity", record))
              if (outcome.kind === "record") delivered.push((outcome.record as { metadata: { name: string } }).metadata.name);
          }
        }
        received.push({ eventType: notification.eventType, ...(notification.action ? { action: notification.action.action } : {}), delivered });
      }
      response.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const callback = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/INSIDERS`;

    for (let i = 0; i < examples.length; i++) expect((await mock.pushExample(callback, i, { secret })).status).toBe(204);
    expect((await mock.pushExample(callback, 0, { secret: "not-the-shared-secret" })).status).toBe(401);
    expect(received).toEqual([
      { eventType: "activities.created", action: "records", delivered: ["20' Express Ride"] },
      { eventType: "activities.updated", action: "records", delivered: ["Express Ride with Sam"] },
      { eventType: "user.deauthorized", action: "deauth", delivered: [] },
      { eventType: "ping", action: "ignore", delivered: [] },
    ]);
  });

  it("the ingress's own verification accepts every example once and refuses it re-signed wrong, stale, future or changed", () => {
    const checks = checkWebhookVerification(definition, { secret });
    expect(checks.filter((check) => check.status !== "pass")).toEqual([]);
    expect(checks.length).toBeGreaterThanOrEqual(examples.length * 7);
  });

  it("names the user of each push by user_id, which is the id the token answer gave at connect", () => {
    const users = examples.map((example) => readPush(webhook, example.body)[0]!.providerUserId);
    expect(users).toEqual([ADA, ADA, ADA, undefined]);
    expect(spec.auth).toMatchObject({ providerUserId: { from: "token", path: "/user_id" } });
  });
});

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
