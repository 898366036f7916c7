import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseTerraSignatureHeader, signTerraPayload, verifyTerraSignature } from "../../src/contracts/terra-signature.ts";
import type { WebhookSpec } from "../../src/contracts/webhook.ts";
import { replayFingerprint, replayHoldSeconds, UNTIMESTAMPED_REPLAY_WINDOW_SECONDS } from "../../src/ingress/replay-fingerprint.ts";
import { precheckWebhook, verifyWebhook } from "../../src/ingress/verify-webhook.ts";

const secret = randomBytes(16).toString("hex");
const body = Buffer.from('{"events":[{"kind":"activity","owner_id":"a"}]}');
const now = 1_750_000_000;
const hex = (t: number | string) => createHmac("sha256", secret).update(`${t}.`).update(body).digest("hex");

const terraSpec: WebhookSpec = { verify: { scheme: "timestamped-hmac", header: "x-sig", toleranceSeconds: 300 }, userIdPointer: "/owner_id", events: {} };
const request = (header: string | string[] | undefined, raw = body) => ({ headers: { "x-sig": header }, rawBody: raw, query: {} });

describe("the Terra-style signature header (t=…,v1=…)", () => {
  const sig = hex(now);

  it("accepts its one spelling, with several v1 entries (secret rotation) and other schemes skipped", () => {
    expect(verifyTerraSignature(`t=${now},v1=${sig}`, body, secret, { nowSeconds: now })).toEqual({ ok: true, timestamp: now });
    expect(verifyTerraSignature(`t=${now},v1=${"0".repeat(64)},v1=${sig}`, body, secret, { nowSeconds: now })).toMatchObject({ ok: true });
    expect(verifyTerraSignature(`t=${now},v0=abc,v1=${sig}`, body, secret, { nowSeconds: now })).toMatchObject({ ok: true });
    // A v0 entry alone is never trusted (no downgrade).
    expect(verifyTerraSignature(`t=${now},v0=${sig}`, body, secret, { nowSeconds: now })).toMatchObject({ ok: false });
  });

  it("refuses every other spelling of the same signature", () => {
    const spellings = [
      ` t=${now},v1=${sig}`,
      `t=${now}, v1=${sig}`,
      `t=${now},v1=${sig} `,
      `t = ${now},v1=${sig}`,
      `t=${now},v1=${sig.toUpperCase()}`,
      `t=0${now},v1=${sig}`,
      `t=${now}.0,v1=${sig}`,
      `t=+${now},v1=${sig}`,
      `t=${now}e0,v1=${sig}`,
      `v1=${sig},t=${now}`,
      `t=${now},v1=${sig},`,
      `t=${now},,v1=${sig}`,
      `t=${now};v1=${sig}`,
      `t=${now},v1=${sig},t=${now}`,
      `t=${now},v1=${sig}00`,
      `t=${now},v1=${sig.slice(2)}`,
      `t=${now},v1=${sig},x=1`,
      `T=${now},V1=${sig}`,
      `t=${now},v1=${sig},v1=${sig},v1=${sig},v1=${sig},v1=${sig}`,
      `t=${now},v1=${sig}`.padEnd(2000, ","),
    ];
    for (const spelling of spellings) {
      expect(parseTerraSignatureHeader(spelling), spelling).toMatchObject({ ok: false });
      expect(verifyWebhook(terraSpec, request(spelling), secret, now), spelling).toMatchObject({ ok: false });
    }
  });

  it("refuses a header sent twice (which value would count?) and a missing one", () => {
    expect(verifyWebhook(terraSpec, request([`t=${now},v1=${sig}`, `t=${now},v1=${sig}`]), secret, now)).toMatchObject({ ok: false });
    expect(verifyWebhook(terraSpec, request(undefined), secret, now)).toEqual({ ok: false, reason: "missing signature header" });
  });

  it("prechecks the header before the body is read: malformed or stale is refused, well-formed waits for the body", () => {
    expect(precheckWebhook(terraSpec, { "x-sig": `t=${now},v1=${sig}` }, now)).toBeUndefined();
    expect(precheckWebhook(terraSpec, { "x-sig": `t=${now},v1=${"f".repeat(64)}` }, now)).toBeUndefined();
    expect(precheckWebhook(terraSpec, {}, now)).toBe("missing signature header");
    expect(precheckWebhook(terraSpec, { "x-sig": "garbage" }, now)).toMatch(/must start with t=/);
    expect(precheckWebhook(terraSpec, { "x-sig": `t=${now - 301},v1=${sig}` }, now)).toMatch(/tolerance/);
  });
});

describe("the replay fingerprint and how long it is held", () => {
  it("is built from what was verified (timestamp and body), so every accepted spelling of a request is the same one", () => {
    const a = verifyWebhook(terraSpec, request(`t=${now},v1=${hex(now)}`), secret, now);
    const b = verifyWebhook(terraSpec, request(`t=${now},v1=${"0".repeat(64)},v1=${hex(now)},v0=zz`), secret, now);
    if (!a.ok || !b.ok) expect.fail("both spellings verify");
    expect(replayFingerprint("TESTPUSH", a)).toBe(replayFingerprint("TESTPUSH", b));
    // Another timestamp, body or provider is another request.
    const later = verifyWebhook(terraSpec, request(`t=${now + 1},v1=${hex(now + 1)}`), secret, now);
    if (!later.ok) expect.fail("verifies");
    expect(replayFingerprint("TESTPUSH", later)).not.toBe(replayFingerprint("TESTPUSH", a));
    expect(replayFingerprint("OTHER", a)).not.toBe(replayFingerprint("TESTPUSH", a));
  });

  it("holds the marker until the signed timestamp leaves the tolerance window, however far ahead it was signed", () => {
    const verified = { signedAt: now + 280, toleranceSeconds: 300, bodyDigest: "d" };
    const hold = replayHoldSeconds(verified, now);
    expect(hold).toBeGreaterThanOrEqual(581);
    expect(hold).toBeLessThan(600);
    // At the end of the hold the timestamp is outside the tolerance: the request is refused as stale.
    const signed = signTerraPayload(secret, body, now + 280);
    expect(verifyTerraSignature(signed, body, secret, { nowSeconds: now + hold })).toMatchObject({ ok: false, reason: expect.stringContaining("tolerance") });
    expect(replayHoldSeconds({ signedAt: now - 290, toleranceSeconds: 300, bodyDigest: "d" }, now)).toBeLessThanOrEqual(20);
    expect(replayHoldSeconds({ bodyDigest: "d" }, now)).toBe(UNTIMESTAMPED_REPLAY_WINDOW_SECONDS);
  });
});

describe("the plain HMAC scheme (a digest of the body)", () => {
  const spec = (encoding: "hex" | "base64", prefix?: string): WebhookSpec => ({
    verify: { scheme: "hmac", header: "x-sig", algorithm: "sha1", encoding, ...(prefix ? { prefix } : {}) },
    userIdPointer: "/owner_id",
    events: {},
  });
  const digest = createHmac("sha1", secret).update(body).digest();

  it("accepts the digest in its encoding (hex in either case, as providers differ) and refuses lenient spellings", () => {
    expect(verifyWebhook(spec("hex", "sha1="), request(`sha1=${digest.toString("hex")}`), secret)).toMatchObject({ ok: true });
    expect(verifyWebhook(spec("hex", "sha1="), request(`sha1=${digest.toString("hex").toUpperCase()}`), secret)).toMatchObject({ ok: true });
    expect(verifyWebhook(spec("base64"), request(digest.toString("base64")), secret)).toMatchObject({ ok: true });
    for (const lenient of [`${digest.toString("hex")}zz`, ` ${digest.toString("hex")}`, digest.toString("hex").slice(1)]) {
      expect(verifyWebhook(spec("hex"), request(lenient), secret), lenient).toMatchObject({ ok: false });
    }
    for (const lenient of [digest.toString("base64").replace(/=+$/, ""), `${digest.toString("base64")}\n`, digest.toString("base64url")]) {
      expect(verifyWebhook(spec("base64"), request(lenient), secret), lenient).toMatchObject({ ok: false });
    }
    expect(precheckWebhook(spec("hex", "sha1="), { "x-sig": "sha256=abc" })).toBe("signature header has an unexpected format");
  });

  it("has no signed timestamp: its fingerprint is the body's, held for the fixed window", () => {
    const verified = verifyWebhook(spec("base64"), request(digest.toString("base64")), secret);
    if (!verified.ok) expect.fail("verifies");
    expect(verified.signedAt).toBeUndefined();
    expect(replayHoldSeconds(verified)).toBe(UNTIMESTAMPED_REPLAY_WINDOW_SECONDS);
  });
});

describe("a connector's own verify function", () => {
  it("may return a boolean, or what it verified (a signed timestamp) for the replay guard", () => {
    const plain: WebhookSpec = { verify: () => true, userIdPointer: "/a", events: {} };
    const timed: WebhookSpec = { verify: () => ({ ok: true, signedAt: now, toleranceSeconds: 60 }), userIdPointer: "/a", events: {} };
    const refused: WebhookSpec = { verify: () => ({ ok: false, reason: "token mismatch" }), userIdPointer: "/a", events: {} };
    expect(verifyWebhook(plain, request(undefined), secret)).toMatchObject({ ok: true, bodyDigest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(verifyWebhook(timed, request(undefined), secret)).toMatchObject({ ok: true, signedAt: now, toleranceSeconds: 60 });
    expect(verifyWebhook(refused, request(undefined), secret)).toEqual({ ok: false, reason: "token mismatch" });
  });
});
