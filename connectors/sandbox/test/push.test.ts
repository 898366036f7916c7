import { randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { DATA_TYPES } from "@tributary/schemas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readNotifications, verifyPush, type WebhookRequest } from "@tributary/core";
import sandbox, {
  createSandboxPushClient,
  pingNotification,
  pushNotification,
  sandboxProviderRecords,
  signSandboxRequest,
  type SandboxPushBody,
} from "../src/index.ts";
import { compileConnector } from "@tributary/core/connectors";
import { pullContext, utcDays } from "./run-pull.ts";

const definition = compileConnector(sandbox).definition;
const spec = definition.spec.webhook!;
/** The ingress's verification of a SANDBOX push, with its push secret. */
const verifySandboxPush = (request: WebhookRequest, secret: string, nowSeconds?: number) =>
  verifyPush(definition, request, { secret, options: {} }, nowSeconds);
const asRequest = (signed: { rawBody: Buffer; headers: Record<string, string> }): WebhookRequest => ({
  headers: signed.headers,
  rawBody: signed.rawBody,
  query: {},
});

describe("SANDBOX push webhook: signatures", () => {
  const secret = randomBytes(16).toString("hex");
  const body: SandboxPushBody = { notifications: [pingNotification(randomUUID(), "daily", utcDays("2026-04-01", 1))] };

  it("verifies its own signature over the raw bytes", () => {
    expect(verifySandboxPush(asRequest(signSandboxRequest(secret, body)), secret)).toMatchObject({ ok: true });
  });

  it("rejects a tampered body, a wrong secret and a missing header", () => {
    const signed = signSandboxRequest(secret, body);
    const tampered = Buffer.from(signed.rawBody.toString("utf8").replace("daily.ping", "sleep.ping"));
    expect(verifySandboxPush({ ...asRequest(signed), rawBody: tampered }, secret)).toEqual({ ok: false, reason: "signature does not match" });
    expect(verifySandboxPush(asRequest(signed), "another-secret")).toEqual({ ok: false, reason: "signature does not match" });
    expect(verifySandboxPush({ headers: {}, rawBody: signed.rawBody, query: {} }, secret)).toMatchObject({ ok: false });
  });

  it("rejects a timestamp outside the five-minute tolerance (a replay)", () => {
    const now = Math.floor(Date.now() / 1000);
    const old = signSandboxRequest(secret, body, now - 301);
    expect(verifySandboxPush(asRequest(old), secret, now)).toMatchObject({ ok: false, reason: expect.stringContaining("tolerance") });
    const recent = signSandboxRequest(secret, body, now - 299);
    expect(verifySandboxPush(asRequest(recent), secret, now)).toMatchObject({ ok: true });
  });
});

describe("SANDBOX push webhook: notifications", () => {
  it("maps <type>.ping to a pull of the window and <type>.push to records, for every data type", () => {
    const owner = `sandbox-${randomUUID()}`;
    const window = utcDays("2026-04-01", 2);
    const notifications = DATA_TYPES.flatMap((dataType) => [pingNotification(owner, dataType, window), pushNotification(owner, dataType, [{ id: "r1" }])]);
    const extracted = readNotifications(spec, { notifications: [...notifications, { event: "test", owner_id: owner }] });
    if (!extracted.ok) expect.fail(extracted.reason);
    expect(extracted.notifications).toHaveLength(DATA_TYPES.length * 2 + 1);
    for (const [i, dataType] of DATA_TYPES.entries()) {
      const ping = extracted.notifications[2 * i]!;
      const push = extracted.notifications[2 * i + 1]!;
      expect(ping).toMatchObject({ providerUserId: owner, eventType: `${dataType}.ping` });
      expect(ping.action).toEqual({ action: "pull_window", dataType, start: "/window/start", end: "/window/end" });
      expect(ping.document).toMatchObject({ window: { start: window.start.toISOString(), end: window.end.toISOString() } });
      expect(push).toMatchObject({ providerUserId: owner, eventType: `${dataType}.push`, action: { action: "records", dataType, records: "/records" } });
    }
    expect(extracted.notifications.at(-1)?.action).toMatchObject({ action: "ignore" });
  });

  it("refuses a body that is not a batch, and an unknown event type", () => {
    expect(readNotifications(spec, pingNotification("u", "daily", utcDays("2026-04-01", 1)))).toMatchObject({ ok: false });
    expect(readNotifications(spec, { notifications: [{ event: "daily.deleted", owner_id: "u" }] })).toEqual({
      ok: false,
      reason: 'unknown event type "daily.deleted"',
    });
  });

  it("pushed records survive the JSON round trip: they map exactly as pulled ones do", () => {
    const userId = randomUUID();
    const range = utcDays("2026-05-01", 3);
    for (const dataType of DATA_TYPES) {
      const map = sandbox.hooks.map![dataType]!;
      const ctx = pullContext(userId, dataType, range, true);
      const records = [...sandboxProviderRecords(dataType, { userId, range, withSamples: true })];
      expect(records.length, dataType).toBeGreaterThan(0);
      const overTheWire = JSON.parse(JSON.stringify({ notifications: [pushNotification(userId, dataType, records)] }));
      const extracted = readNotifications(spec, overTheWire);
      if (!extracted.ok) expect.fail(extracted.reason);
      const received = (extracted.notifications[0]!.document as { records: Array<Record<string, unknown>> }).records;
      expect(
        received.map((r) => map(r, ctx)),
        dataType,
      ).toEqual(records.map((r) => map(r, ctx)));
    }
  });
});

describe("SANDBOX push client", () => {
  const secret = randomBytes(16).toString("hex");
  const seen: WebhookRequest[] = [];
  let url = "";
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const received: WebhookRequest = { headers: request.headers, rawBody: Buffer.concat(chunks), query: {} };
      seen.push(received);
      const verified = verifySandboxPush(received, secret);
      response.writeHead(verified.ok ? 200 : 401, { "content-type": "application/json" }).end(JSON.stringify({ ok: verified.ok }));
    });
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/sandbox`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("POSTs signed JSON batches a receiver can verify and extract", async () => {
    const client = createSandboxPushClient({ hookUrl: url, secret });
    const owner = `sandbox-${randomUUID()}`;
    const window = utcDays("2026-06-01", 1);
    const records = [...sandboxProviderRecords("sleep", { userId: owner, range: window })];

    expect(await client.sendPing(owner, "sleep", window)).toEqual({ status: 200, body: { ok: true } });
    expect(await client.sendPush(owner, "sleep", records)).toEqual({ status: 200, body: { ok: true } });
    const [ping, push] = seen.slice(-2);
    expect(ping!.headers["content-type"]).toBe("application/json");
    const pushed = readNotifications(spec, JSON.parse(push!.rawBody.toString("utf8")));
    if (!pushed.ok) expect.fail(pushed.reason);
    expect(pushed.notifications).toHaveLength(1);
    expect(pushed.notifications[0]).toMatchObject({
      providerUserId: owner,
      eventType: "sleep.push",
      document: { records: JSON.parse(JSON.stringify(records)) },
    });
  });

  it("signed with another secret, its pushes are refused", async () => {
    const client = createSandboxPushClient({ hookUrl: url, secret: "not-the-shared-secret" });
    expect(await client.sendPing("someone", "daily", utcDays("2026-06-01", 1))).toEqual({ status: 401, body: { ok: false } });
  });
});
