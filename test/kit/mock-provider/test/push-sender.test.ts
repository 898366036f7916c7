import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import { verifyTerraSignature } from "@tributary/core/contracts";
import type { VerifySpec } from "@tributary/schemas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendPush, signPush } from "../index.ts";

interface Received {
  headers: Record<string, string | string[] | undefined>;
  raw: Buffer;
  query: Record<string, string>;
}

const received: Received[] = [];
// A bare node:http receiver: it sees the bytes exactly as they came off the wire.
const receiver = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const url = new URL(request.url ?? "/", "http://receiver");
    received.push({ headers: request.headers, raw: Buffer.concat(chunks), query: Object.fromEntries(url.searchParams) });
    response.writeHead(204).end();
  });
});
let callback = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  callback = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks/provider?src=mock`;
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

/** Sends a push and returns what the receiver got, byte for byte. */
async function deliver(
  verify: VerifySpec,
  payload: unknown,
  options: { encoding?: "json" | "form"; now?: number; hexCase?: "upper" | "lower"; secret?: string } = {},
): Promise<Received> {
  const before = received.length;
  const response = await sendPush(callback, signPush({ verify, payload, secret: options.secret ?? "push-secret", ...options }));
  expect(response.status).toBe(204);
  expect(received).toHaveLength(before + 1);
  return received[before] as Received;
}

const header = (got: Received, name: string): string => String(got.headers[name.toLowerCase()]);
const NOW = Date.UTC(2026, 4, 20, 10, 0, 0, 123);
const NOTIFICATION = { user_id: "10129", type: "sleep.updated", id: "ecfc6a15", note: "ünïcode ✓" };

describe("signPush + sendPush", () => {
  it("signs Terra's t=,v1= scheme so that core's verifier accepts it, and a stale one is refused by it", async () => {
    const verify: VerifySpec = { scheme: "terra", header: "terra-signature" };
    const got = await deliver(verify, NOTIFICATION, { now: NOW });
    expect(header(got, "terra-signature")).toMatch(new RegExp(`^t=${Math.floor(NOW / 1000)},v1=[0-9a-f]{64}$`));
    expect(verifyTerraSignature(header(got, "terra-signature"), got.raw, "push-secret", { nowSeconds: Math.floor(NOW / 1000) })).toMatchObject({ ok: true });
    expect(verifyTerraSignature(header(got, "terra-signature"), got.raw, "push-secret", { nowSeconds: Math.floor(NOW / 1000) + 301 })).toMatchObject({
      ok: false,
    });
    expect(verifyTerraSignature(header(got, "terra-signature"), got.raw, "other-secret", { nowSeconds: Math.floor(NOW / 1000) })).toMatchObject({ ok: false });
    expect(JSON.parse(got.raw.toString("utf8"))).toEqual(NOTIFICATION);
  });

  const algorithms = ["sha1", "sha256", "sha512"] as const;
  const encodings = ["hex", "base64"] as const;
  for (const algorithm of algorithms) {
    for (const encoding of encodings) {
      it(`signs hmac ${algorithm} ${encoding} over the raw bytes, with and without a prefix and a key suffix`, async () => {
        for (const extra of [{}, { prefix: `${algorithm}=` }, { keySuffix: "&" }]) {
          const verify: VerifySpec = { scheme: "hmac", header: "X-Signature", algorithm, encoding, ...extra };
          const got = await deliver(verify, NOTIFICATION);
          const expected = createHmac(algorithm, `push-secret${"keySuffix" in extra ? extra.keySuffix : ""}`)
            .update(got.raw)
            .digest(encoding);
          expect(header(got, "x-signature")).toBe(`${"prefix" in extra ? extra.prefix : ""}${expected}`);
        }
      });
    }
  }

  it("signs Fitbit's scheme: base64 HMAC-SHA1 keyed with the client secret and '&'", async () => {
    const got = await deliver({ scheme: "hmac", header: "X-Fitbit-Signature", algorithm: "sha1", encoding: "base64", keySuffix: "&", secret: "clientSecret" }, [
      { collectionType: "activities", date: "2024-10-25", ownerId: "GGNJL9", ownerType: "user", subscriptionId: "user-123-activities" },
    ]);
    expect(header(got, "x-fitbit-signature")).toBe(createHmac("sha1", "push-secret&").update(got.raw).digest("base64"));
  });

  it("signs the timestamp header with the body in seconds, milliseconds (WHOOP) and ISO-8601", async () => {
    const cases = [
      ["seconds", String(Math.floor(NOW / 1000))],
      ["ms", String(NOW)],
      ["iso", new Date(NOW).toISOString()],
    ] as const;
    for (const [timestampUnit, text] of cases) {
      const verify: VerifySpec = {
        scheme: "hmac",
        header: "X-WHOOP-Signature",
        algorithm: "sha256",
        encoding: "base64",
        timestampHeader: "X-WHOOP-Signature-Timestamp",
        timestampUnit,
      };
      const got = await deliver(verify, NOTIFICATION, { now: NOW });
      expect(header(got, "x-whoop-signature-timestamp")).toBe(text);
      expect(header(got, "x-whoop-signature")).toBe(createHmac("sha256", "push-secret").update(text).update(got.raw).digest("base64"));
    }
  });

  it("writes Oura's digest in upper-case hex when asked (the same bytes, another spelling)", async () => {
    const verify: VerifySpec = { scheme: "hmac", header: "x-oura-signature", algorithm: "sha256", encoding: "hex", timestampHeader: "x-oura-timestamp" };
    const got = await deliver(verify, { event_type: "create", data_type: "sleep", object_id: "1b2c", user_id: "u1" }, { now: NOW, hexCase: "upper" });
    const expected = createHmac("sha256", "push-secret").update(header(got, "x-oura-timestamp")).update(got.raw).digest("hex");
    expect(header(got, "x-oura-signature")).toBe(expected.toUpperCase());
  });

  it("puts a shared token in the body (Wahoo), a header or the query", async () => {
    const inBody = await deliver({ scheme: "token", in: "body", name: "/webhook_token" }, { event_type: "workout_summary", user: { id: 60462 } });
    expect(JSON.parse(inBody.raw.toString())).toEqual({ event_type: "workout_summary", user: { id: 60462 }, webhook_token: "push-secret" });
    const inHeader = await deliver({ scheme: "token", in: "header", name: "X-Webhook-Token" }, NOTIFICATION);
    expect(header(inHeader, "x-webhook-token")).toBe("push-secret");
    const inQuery = await deliver({ scheme: "token", in: "query", name: "token" }, NOTIFICATION);
    expect(inQuery.query).toEqual({ src: "mock", token: "push-secret" });
  });

  it("sends form-encoded bodies (Withings) unsigned under scheme none, and signed under hmac", async () => {
    const form = { userid: 12345, appli: 1, startdate: 1530576000, enddate: 1530698753 };
    const plain = await deliver({ scheme: "none", reason: "Withings signs nothing" }, form, { encoding: "form" });
    expect(header(plain, "content-type")).toBe("application/x-www-form-urlencoded");
    expect(plain.raw.toString()).toBe("userid=12345&appli=1&startdate=1530576000&enddate=1530698753");
    expect(Object.keys(plain.headers).filter((name) => /signature/i.test(name))).toEqual([]);
    const signed = await deliver({ scheme: "hmac", header: "X-Sig", algorithm: "sha256", encoding: "hex" }, form, { encoding: "form" });
    expect(header(signed, "x-sig")).toBe(createHmac("sha256", "push-secret").update(signed.raw).digest("hex"));
    const token = await deliver({ scheme: "token", in: "body", name: "/token" }, form, { encoding: "form" });
    expect(new URLSearchParams(token.raw.toString()).get("token")).toBe("push-secret");
  });

  it("sends exact bytes as given, so a provider's own JSON spelling is what gets signed", async () => {
    const raw = '{ "user_id" : 10129,\n  "id":"\\u00e9t\\u00e9" }';
    const got = await deliver({ scheme: "hmac", header: "X-Sig", algorithm: "sha256", encoding: "hex" }, raw);
    expect(got.raw.toString()).toBe(raw);
    expect(header(got, "x-sig")).toBe(createHmac("sha256", "push-secret").update(raw).digest("hex"));
  });

  it("counts a push delivered only when answered the status the provider documents: any other answer, a 2xx included, is a failure", async () => {
    const push = signPush({ verify: { scheme: "none", reason: "test" }, payload: NOTIFICATION, secret: "" });
    // The receiver answers 204, as Fitbit wants; a provider that wants 200 counts that a failed delivery.
    expect(await sendPush(callback, push, { acknowledgeStatus: 204 })).toMatchObject({ status: 204, delivered: true });
    expect(await sendPush(callback, push, { acknowledgeStatus: 200 })).toMatchObject({ status: 204, delivered: false });
    expect(await sendPush(callback, push)).toMatchObject({ status: 204, delivered: false });
  });

  it("refuses what cannot be encoded: nested form fields, a token inside raw bytes", () => {
    expect(() => signPush({ verify: { scheme: "none", reason: "x" }, encoding: "form", payload: { a: { b: 1 } }, secret: "s" })).toThrow(/not a plain value/);
    expect(() => signPush({ verify: { scheme: "token", in: "body", name: "/t" }, payload: "{}", secret: "s" })).toThrow(/raw bytes/);
  });
});
