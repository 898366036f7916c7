import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { payloadRecords, verifyTerraSignature, type Delivery, type DeliveryPayload, type RecordKey } from "@tributary/core/contracts";
import { silentLogger } from "@tributary/core/log";
import { dataPayload, delivery, testDestination, testUser, activityRecord, type StoredRecord } from "@tributary/test-kit";
import webhook from "../src/index.ts";

/**
 * A receiver written the way Terra tells its customers to: verify the signature over the raw bytes, then
 * upsert by natural key keeping the newest ordering timestamp. It lets the conformance suite read back
 * "what the destination holds" for a webhook.
 */
async function startReceiver(secret: string) {
  const store = new Map<string, { key: RecordKey; record: Record<string, unknown>; ordering: number }>();
  const requests: Array<{ headers: Record<string, unknown>; body: string }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const check = verifyTerraSignature(req.headers["terra-signature"] as string, raw, secret);
      if (!check.ok) return void res.writeHead(401).end();
      const body = raw.toString();
      requests.push({ headers: req.headers, body });
      const payload = JSON.parse(body) as DeliveryPayload;
      const ordering = Number(req.headers["x-terra-ordering-timestamp"]);
      for (const { key, record } of payloadRecords(payload)) {
        const id = `${key.userId}|${key.type}|${key.key}`;
        const existing = store.get(id);
        if (!existing || existing.ordering <= ordering) store.set(id, { key, record, ordering });
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, store, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const ctx = (name: string) => ({ name, log: silentLogger(), lookup: () => undefined });
const secret = randomBytes(16).toString("hex");
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver(secret);
});
afterAll(() => receiver.close());

testDestination("webhook", {
  holdsData: false,
  create: () => webhook.create({ url: receiver.url, signingSecret: secret }, ctx("hook")),
  createAt: (origin) => webhook.create({ url: `${origin.url}/hook`, signingSecret: secret, timeoutMs: 1000 }, ctx("counted")),
  createWithBadCredentials: () => webhook.create({ url: receiver.url, signingSecret: "a-secret-the-receiver-does-not-know" }, ctx("bad")),
  async readRecords(_destination, userId) {
    return [...receiver.store.values()]
      .filter((entry) => entry.key.userId === userId)
      .map((entry): StoredRecord => ({ type: entry.key.type, key: entry.key.key, record: entry.record }));
  },
});

describe("webhook destination", () => {
  it("sends Terra's headers: both signature names, trace id, reference, ordering timestamp", async () => {
    const destination = webhook.create({ url: receiver.url, signingSecret: secret }, ctx("headers"));
    const sent: Delivery = delivery(dataPayload("activity", testUser(), [activityRecord("h-1", "2026-11-02T07:00:00.000000+00:00")]), {
      reference: "ref-123",
    });
    await destination.write([sent]);
    const request = receiver.requests.at(-1)!;
    expect(request.headers["terra-signature"]).toMatch(/^t=\d{10},v1=[0-9a-f]{64}$/);
    expect(request.headers["x-terra-signature"]).toBe(request.headers["terra-signature"]);
    expect(request.headers["x-terra-trace-id"]).toBe(sent.traceId);
    expect(request.headers["terra-reference"]).toBe("ref-123");
    expect(request.headers["x-terra-ordering-timestamp"]).toBe(String(sent.orderingTimestamp));
    expect(JSON.parse(request.body)).toEqual(sent.payload);
  });

  it("checks read-only with a HEAD that delivers nothing; any answer counts as reachable", async () => {
    const methods: string[] = [];
    const server = createServer((req, res) => {
      methods.push(req.method ?? "");
      res.writeHead(405).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const destination = webhook.create({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, signingSecret: secret }, ctx("probe"));
      await destination.check();
      expect(methods).toEqual(["HEAD"]);
      const unreachable = webhook.create({ url: "http://127.0.0.1:9/hook", signingSecret: secret, timeoutMs: 500 }, ctx("down"));
      await expect(unreachable.check()).rejects.toMatchObject({ code: "ERR_DESTINATION_UNAVAILABLE", errorClass: "transient" });
      await Promise.all([destination.close(), unreachable.close()]);
    } finally {
      server.close();
    }
  });

  it("classifies failures: unreachable and 5xx are transient, 404 is a config error", async () => {
    const unreachable = webhook.create({ url: "http://127.0.0.1:9/hook", signingSecret: secret, timeoutMs: 500 }, ctx("down"));
    await expect(unreachable.check()).rejects.toMatchObject({ code: "ERR_DESTINATION_UNAVAILABLE", errorClass: "transient" });
    const server = createServer((req, res) => res.writeHead(req.url?.startsWith("/missing") ? 404 : 503).end());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expect(webhook.create({ url: `${base}/busy`, signingSecret: secret }, ctx("busy")).check({ write: true })).rejects.toMatchObject({
        errorClass: "transient",
      });
      await expect(webhook.create({ url: `${base}/missing?key=s3cr3t`, signingSecret: secret }, ctx("gone")).check({ write: true })).rejects.toSatisfy(
        (e: Error & { code: string }) => e.code === "ERR_DESTINATION_CONFIG" && !e.message.includes("s3cr3t"),
      );
    } finally {
      server.close();
    }
  });

  it("stops a POST under way when the write's signal is aborted, rejecting with its reason (and starts none once aborted)", async () => {
    let arrived!: () => void;
    const requested = new Promise<void>((resolve) => (arrived = resolve));
    // A receiver that takes the request and never answers: only the abort ends the write before its 30 s.
    const server = createServer(() => arrived());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const hook = webhook.create({ url, signingSecret: secret, timeoutMs: 30_000 }, ctx("stuck"));
    try {
      const given = new AbortController();
      const reason = Object.assign(new Error("given up"), { code: "ERR_TEST_GIVEN_UP" });
      const write = hook.write([delivery(dataPayload("daily", testUser(), []))], { signal: given.signal });
      await requested;
      given.abort(reason);
      await expect(write).rejects.toBe(reason);
      await expect(hook.write([delivery(dataPayload("daily", testUser(), []))], { signal: given.signal })).rejects.toBe(reason);
    } finally {
      await hook.close();
      server.closeAllConnections();
      server.close();
    }
  });
});
