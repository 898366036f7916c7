import { createHmac, randomBytes } from "node:crypto";
import type { VerifySpec } from "@tributary/schemas";
import { describe, expect, it } from "vitest";
import { parseTerraSignatureHeader, signTerraPayload, verifyTerraSignature } from "../../src/contracts/terra-signature.ts";
import { replayFingerprint, replayHoldSeconds, UNTIMESTAMPED_REPLAY_WINDOW_SECONDS } from "../../src/ingress/replay-fingerprint.ts";
import { precheckPush, verifyPush, type PushVerification } from "../../src/ingress/verify-push.ts";
import type { ConnectorDefinition } from "../../src/spec/define-connector.ts";
import type { ConnectorHooks } from "../../src/spec/hooks.ts";

const secret = randomBytes(16).toString("hex");
const body = Buffer.from('{"events":[{"kind":"activity","owner_id":"a"}]}');
const now = 1_750_000_000;
const hex = (t: number | string) => createHmac("sha256", secret).update(`${t}.`).update(body).digest("hex");

/** A connector that declares only what verification reads. */
const definition = (verify: VerifySpec, hooks: ConnectorHooks = {}, extra: Record<string, unknown> = {}) =>
  ({
    spec: { name: "TESTPUSH", webhook: { verify, userId: "/owner_id", events: { "*": { action: "ignore" } }, ...extra } },
    hooks,
  }) as unknown as ConnectorDefinition;
const terraSpec = definition({ scheme: "terra", header: "x-sig", toleranceSeconds: 300 });
const request = (header: string | string[] | undefined, raw = body) => ({ headers: { "x-sig": header }, rawBody: raw, query: {} });
const verify = (
  def: ConnectorDefinition,
  req: ReturnType<typeof request> | Parameters<typeof verifyPush>[1],
  at = now,
  settings: Parameters<typeof verifyPush>[2] = { secret, options: {} },
) => verifyPush(def, req, settings, at);
const accepted = (result: PushVerification) => {
  if (!result.ok) expect.fail(result.reason);
  return result;
};

describe("terra: the Terra/Stripe header (t=…,v1=…)", () => {
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
      expect(verify(terraSpec, request(spelling)), spelling).toMatchObject({ ok: false });
    }
  });

  it("refuses a header sent twice (which value would count?) and a missing one", () => {
    expect(verify(terraSpec, request([`t=${now},v1=${sig}`, `t=${now},v1=${sig}`]))).toMatchObject({ ok: false });
    expect(verify(terraSpec, request(undefined))).toEqual({ ok: false, reason: "missing signature header" });
  });

  it("prechecks the header before the body is read: malformed or stale is refused, well-formed waits for the body", () => {
    const webhook = terraSpec.spec.webhook!;
    expect(precheckPush(webhook, { "x-sig": `t=${now},v1=${sig}` }, now)).toBeUndefined();
    expect(precheckPush(webhook, { "x-sig": `t=${now},v1=${"f".repeat(64)}` }, now)).toBeUndefined();
    expect(precheckPush(webhook, {}, now)).toBe("missing signature header");
    expect(precheckPush(webhook, { "x-sig": "garbage" }, now)).toMatch(/must start with t=/);
    expect(precheckPush(webhook, { "x-sig": `t=${now - 301},v1=${sig}` }, now)).toMatch(/tolerance/);
  });
});

describe("the replay fingerprint and how long it is held", () => {
  it("is built from what was verified (timestamp and body), so every accepted spelling of a request is the same one", () => {
    const a = accepted(verify(terraSpec, request(`t=${now},v1=${hex(now)}`)));
    const b = accepted(verify(terraSpec, request(`t=${now},v1=${"0".repeat(64)},v1=${hex(now)},v0=zz`)));
    expect(replayFingerprint("TESTPUSH", a)).toBe(replayFingerprint("TESTPUSH", b));
    // Another timestamp, body or provider is another request.
    const later = accepted(verify(terraSpec, request(`t=${now + 1},v1=${hex(now + 1)}`)));
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

describe("hmac: a digest of the raw body in one header (Fitbit, Polar)", () => {
  const fitbit = definition({ scheme: "hmac", header: "X-Fitbit-Signature", algorithm: "sha1", encoding: "base64", secret: "clientSecret", keySuffix: "&" });
  const polar = definition({ scheme: "hmac", header: "Polar-Webhook-Signature", algorithm: "sha256", encoding: "hex" });
  const prefixed = definition({ scheme: "hmac", header: "x-sig", algorithm: "sha1", encoding: "hex", prefix: "sha1=" });
  // Computed here as each provider documents it, not with our signer.
  const fitbitDigest = createHmac("sha1", `${secret}&`).update(body).digest("base64");
  const polarDigest = createHmac("sha256", secret).update(body).digest("hex");
  const sha1 = createHmac("sha1", secret).update(body).digest("hex");
  const at = (name: string, value: string, raw = body) => ({ headers: { [name.toLowerCase()]: value }, rawBody: raw, query: {} });

  it("Fitbit: base64 HMAC-SHA1 keyed with the client secret and '&'; Polar: hex HMAC-SHA256", () => {
    expect(verify(fitbit, at("X-Fitbit-Signature", fitbitDigest))).toMatchObject({ ok: true });
    expect(verify(fitbit, at("X-Fitbit-Signature", createHmac("sha1", secret).update(body).digest("base64")))).toEqual({
      ok: false,
      reason: "signature does not match",
    });
    expect(verify(polar, at("Polar-Webhook-Signature", polarDigest))).toMatchObject({ ok: true });
    expect(verify(polar, at("Polar-Webhook-Signature", polarDigest), now, { secret: `${secret}x`, options: {} })).toEqual({
      ok: false,
      reason: "signature does not match",
    });
    expect(verify(polar, at("Polar-Webhook-Signature", polarDigest, Buffer.from(`${body} `)))).toEqual({ ok: false, reason: "signature does not match" });
  });

  it("accepts hex in either case (providers differ) and refuses lenient spellings", () => {
    expect(verify(prefixed, at("x-sig", `sha1=${sha1}`))).toMatchObject({ ok: true });
    expect(verify(prefixed, at("x-sig", `sha1=${sha1.toUpperCase()}`))).toMatchObject({ ok: true });
    for (const lenient of [`sha1=${sha1}zz`, `sha1= ${sha1}`, `sha1=${sha1.slice(1)}`, sha1, `SHA1=${sha1}`]) {
      expect(verify(prefixed, at("x-sig", lenient)), lenient).toMatchObject({ ok: false });
    }
    for (const lenient of [fitbitDigest.replace(/=+$/, ""), `${fitbitDigest}\n`, Buffer.from(fitbitDigest, "base64").toString("base64url")]) {
      if (lenient === fitbitDigest) continue;
      expect(verify(fitbit, at("X-Fitbit-Signature", lenient)), lenient).toMatchObject({ ok: false });
    }
    expect(precheckPush(prefixed.spec.webhook!, { "x-sig": "sha256=abc" })).toBe("signature header has an unexpected format");
    expect(precheckPush(polar.spec.webhook!, {})).toBe("missing Polar-Webhook-Signature header");
  });

  it("has no signed timestamp: its fingerprint is the body's, held for the fixed window", () => {
    const verified = accepted(verify(polar, at("Polar-Webhook-Signature", polarDigest)));
    expect(verified.signedAt).toBeUndefined();
    expect(replayHoldSeconds(verified)).toBe(UNTIMESTAMPED_REPLAY_WINDOW_SECONDS);
  });
});

describe("hmac with a timestamp header signed before the body (Oura, WHOOP)", () => {
  const oura = definition({
    scheme: "hmac",
    header: "x-oura-signature",
    algorithm: "sha256",
    encoding: "hex",
    secret: "clientSecret",
    timestampHeader: "x-oura-timestamp",
  });
  const whoop = definition({
    scheme: "hmac",
    header: "X-WHOOP-Signature",
    algorithm: "sha256",
    encoding: "base64",
    secret: "clientSecret",
    timestampHeader: "X-WHOOP-Signature-Timestamp",
    timestampUnit: "ms",
    toleranceSeconds: 300,
  });
  const ouraHeaders = (t: string, raw = body) => ({
    "x-oura-signature": createHmac("sha256", secret)
      .update(t + raw.toString("utf8"))
      .digest("hex")
      .toUpperCase(),
    "x-oura-timestamp": t,
  });
  const whoopHeaders = (ms: string, raw = body) => ({
    "x-whoop-signature": createHmac("sha256", secret)
      .update(ms + raw.toString("utf8"))
      .digest("base64"),
    "x-whoop-signature-timestamp": ms,
  });
  const req = (headers: Record<string, string>, raw = body) => ({ headers, rawBody: raw, query: {} });

  it("Oura: upper-case hex HMAC-SHA256 of the timestamp then the body; returns the signed time", () => {
    expect(verify(oura, req(ouraHeaders(String(now))))).toMatchObject({ ok: true, signedAt: now, toleranceSeconds: 300 });
  });

  it("WHOOP: base64 HMAC-SHA256 of the millisecond timestamp then the body", () => {
    const ms = String(now * 1000 + 250);
    expect(verify(whoop, req(whoopHeaders(ms)))).toMatchObject({ ok: true, signedAt: now + 0.25, toleranceSeconds: 300 });
  });

  it("refuses a stale or future timestamp, a timestamp changed after signing, another spelling of it, a missing one", () => {
    const stale = String(now - 301);
    expect(verify(oura, req(ouraHeaders(stale)))).toMatchObject({ ok: false, reason: expect.stringContaining("tolerance") });
    expect(precheckPush(oura.spec.webhook!, ouraHeaders(stale), now)).toMatch(/tolerance/);
    expect(verify(oura, req(ouraHeaders(String(now + 301))))).toMatchObject({ ok: false });
    const signed = ouraHeaders(String(now));
    expect(verify(oura, req({ ...signed, "x-oura-timestamp": String(now + 1) }))).toEqual({ ok: false, reason: "signature does not match" });
    for (const spelling of [`0${now}`, `${now}.0`, `+${now}`, ` ${now}`, `${now}e0`]) {
      expect(verify(oura, req(ouraHeaders(spelling))), spelling).toMatchObject({ ok: false });
    }
    expect(verify(oura, req({ "x-oura-signature": signed["x-oura-signature"] }))).toEqual({ ok: false, reason: "missing x-oura-timestamp header" });
    // Seconds where milliseconds are declared are 1970: stale.
    expect(verify(whoop, req(whoopHeaders(String(now))))).toMatchObject({ ok: false, reason: expect.stringContaining("tolerance") });
  });

  it("fingerprints the signed time and body: the same push re-signed later is another push, the same push twice is one", () => {
    const a = accepted(verify(oura, req(ouraHeaders(String(now)))));
    const b = accepted(verify(oura, req({ ...ouraHeaders(String(now)), "x-oura-signature": ouraHeaders(String(now))["x-oura-signature"].toLowerCase() })));
    const later = accepted(verify(oura, req(ouraHeaders(String(now + 5)))));
    expect(replayFingerprint("OURA", a)).toBe(replayFingerprint("OURA", b));
    expect(replayFingerprint("OURA", later)).not.toBe(replayFingerprint("OURA", a));
  });
});

describe("token: a shared token in the body (Wahoo), a header or the query", () => {
  const wahooBody = (token: unknown) => Buffer.from(JSON.stringify({ event_type: "workout_summary", webhook_token: token, user: { id: 60462 } }));
  const wahoo = definition({ scheme: "token", in: "body", name: "/webhook_token" });

  it("accepts the right token in the body and takes it out of the body it hands on", () => {
    const verified = accepted(verify(wahoo, { headers: {}, rawBody: wahooBody(secret), query: {} }));
    expect(verified.body).toEqual({ ok: true, body: { event_type: "workout_summary", user: { id: 60462 } } });
    expect(verified.signedAt).toBeUndefined();
  });

  it("refuses a wrong, missing, non-text token, and a body it cannot read", () => {
    for (const token of [`${secret}x`, "", undefined, 42, [secret], { secret }]) {
      expect(verify(wahoo, { headers: {}, rawBody: wahooBody(token), query: {} }), String(token)).toMatchObject({ ok: false });
    }
    expect(verify(wahoo, { headers: {}, rawBody: Buffer.from("{not json"), query: {} })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("cannot be read"),
    });
    expect(verify(wahoo, { headers: {}, rawBody: Buffer.from(`${"[".repeat(100)}${"]".repeat(100)}`), query: {} })).toMatchObject({ ok: false });
  });

  it("reads a header or query token, refusing one given twice", () => {
    const header = definition({ scheme: "token", in: "header", name: "X-Push-Token" });
    const query = definition({ scheme: "token", in: "query", name: "token" });
    expect(verify(header, { headers: { "x-push-token": secret }, rawBody: body, query: {} })).toMatchObject({ ok: true });
    expect(verify(header, { headers: { "x-push-token": [secret, secret] }, rawBody: body, query: {} })).toMatchObject({ ok: false });
    expect(precheckPush(header.spec.webhook!, {})).toBe("missing X-Push-Token header");
    expect(verify(query, { headers: {}, rawBody: body, query: { token: secret } })).toMatchObject({ ok: true });
    expect(verify(query, { headers: {}, rawBody: body, query: { token: [secret, secret] } })).toMatchObject({ ok: false });
    expect(verify(query, { headers: {}, rawBody: body, query: { token: "nope" } })).toEqual({ ok: false, reason: "push token does not match" });
  });
});

describe("none: no proof, optionally matched by subscription id (Strava)", () => {
  const strava = definition({ scheme: "none", reason: "Strava signs nothing", match: { path: "/subscription_id", setting: "subscriptionId" } });
  const push = (subscription: unknown) => ({
    headers: {},
    rawBody: Buffer.from(JSON.stringify({ owner_id: 134815, subscription_id: subscription })),
    query: {},
  });
  const settings = { options: { subscriptionId: "120475" } };

  it("accepts a push naming our subscription (as number or text) and refuses any other", () => {
    expect(verify(strava, push(120475), now, settings)).toMatchObject({ ok: true });
    expect(verify(strava, push("120475"), now, settings)).toMatchObject({ ok: true });
    for (const other of [120476, "", null, undefined, { id: 120475 }])
      expect(verify(strava, push(other), now, settings), String(other)).toMatchObject({ ok: false });
  });

  it("without match accepts anything: only the body's digest identifies it", () => {
    const garmin = definition({ scheme: "none", reason: "Garmin signs nothing" });
    expect(verify(garmin, { headers: {}, rawBody: body, query: {} }, now, { options: {} })).toMatchObject({
      ok: true,
      bodyDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });
});

describe("hook: the connector's own verify hook", () => {
  it("may return a boolean, or what it verified (a signed timestamp) for the replay guard", () => {
    const hooked = (fn: NonNullable<ConnectorHooks["verify"]>) => definition({ scheme: "hook" }, { verify: fn });
    expect(
      verify(
        hooked(() => true),
        request(undefined),
      ),
    ).toMatchObject({ ok: true, bodyDigest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(
      verify(
        hooked(() => ({ ok: true, signedAt: now, toleranceSeconds: 60 })),
        request(undefined),
      ),
    ).toMatchObject({ ok: true, signedAt: now, toleranceSeconds: 60 });
    expect(
      verify(
        hooked(() => ({ ok: false, reason: "token mismatch" })),
        request(undefined),
      ),
    ).toEqual({ ok: false, reason: "token mismatch" });
    expect(
      verify(
        hooked(() => false),
        request(undefined),
      ),
    ).toEqual({ ok: false, reason: "signature does not match" });
  });

  it("refuses when the hook throws, or vouches for a time with no tolerance", () => {
    const hooked = (fn: NonNullable<ConnectorHooks["verify"]>) => definition({ scheme: "hook" }, { verify: fn });
    expect(
      verify(
        hooked(() => {
          throw new Error("boom");
        }),
        request(undefined),
      ),
    ).toMatchObject({ ok: false, reason: expect.stringContaining("boom") });
    expect(
      verify(
        hooked(() => ({ ok: true, signedAt: now })),
        request(undefined),
      ),
    ).toMatchObject({ ok: false });
    expect(
      verify(
        hooked(() => ({ ok: true, signedAt: Number.NaN, toleranceSeconds: 60 })),
        request(undefined),
      ),
    ).toMatchObject({ ok: false });
  });

  it("hands the hook the raw request and the configured secret", () => {
    let seen: { raw?: string; secret?: string } = {};
    const def = definition({ scheme: "hook" }, { verify: (req, given) => ((seen = { raw: req.rawBody.toString(), secret: given }), true) });
    verify(def, request(undefined));
    expect(seen).toEqual({ raw: body.toString(), secret });
  });
});
