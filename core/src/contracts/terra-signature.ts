import { createHmac, timingSafeEqual } from "node:crypto";

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>`, as Terra signs its webhooks. */
export function signTerraPayload(secret: string, rawBody: string | Buffer, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const digest = createHmac("sha256", secret).update(`${nowSeconds}.`).update(rawBody).digest("hex");
  return `t=${nowSeconds},v1=${digest}`;
}

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: string };

export type ParsedTerraSignature = { ok: true; timestamp: number; v1: Buffer[] } | { ok: false; reason: string };

/** Longer than any header a signer with a few rotating secrets sends; bounds the parsing work. */
const MAX_HEADER_LENGTH = 1024;
/** `v1` entries one header may carry (one per secret being rotated). */
const MAX_V1_ENTRIES = 4;
/** Canonical unix seconds: digits, no sign, no leading zero, no fraction, at most 12 digits. */
const TIMESTAMP = /^(?:0|[1-9][0-9]{0,11})$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/;
const OTHER_SCHEME = /^v(?:0|[2-9]|[1-9][0-9]+)$/;

/**
 * The header in its one spelling: `t=<canonical unix seconds>` first, then `,`-separated `v<n>=<value>`
 * entries, no spaces, no empty entries; `v1` values are 64 lower-case hex digits (the form Terra's
 * signers emit). Other `v<n>` schemes are skipped, never trusted (a downgrade). Anything else — spaces,
 * upper-case hex, `t=01`, `t=1.0`, a trailing comma, `v1` before `t` — is refused: one signature has one
 * spelling, so a captured request cannot be re-sent under a different-looking header.
 */
export function parseTerraSignatureHeader(header: string | undefined): ParsedTerraSignature {
  if (header === undefined || header === "") return { ok: false, reason: "missing signature header" };
  if (header.length > MAX_HEADER_LENGTH) return { ok: false, reason: "signature header is too long" };
  const entries = header.split(",");
  const first = entries[0]!;
  if (!first.startsWith("t=") || !TIMESTAMP.test(first.slice(2))) {
    return { ok: false, reason: "signature header must start with t=<unix seconds>" };
  }
  const v1: Buffer[] = [];
  for (const entry of entries.slice(1)) {
    const at = entry.indexOf("=");
    const name = at < 0 ? entry : entry.slice(0, at);
    const value = at < 0 ? "" : entry.slice(at + 1);
    if (name === "v1") {
      if (!HEX_SHA256.test(value)) return { ok: false, reason: "v1 signature must be 64 lower-case hex digits" };
      v1.push(Buffer.from(value, "hex"));
    } else if (!OTHER_SCHEME.test(name) || value === "" || /\s/.test(value)) {
      return { ok: false, reason: "signature header is not of the form t=<unix seconds>,v1=<hex>" };
    }
  }
  if (v1.length === 0) return { ok: false, reason: "no v1 signature in header" };
  if (v1.length > MAX_V1_ENTRIES) return { ok: false, reason: "too many v1 signatures in header" };
  return { ok: true, timestamp: Number(first.slice(2)), v1 };
}

/**
 * Verify a Terra-style signature header over the raw bytes received: strict header (see
 * `parseTerraSignatureHeader`), constant-time comparison, and a timestamp outside the tolerance is a
 * replay.
 */
export function verifyTerraSignature(
  header: string | undefined,
  rawBody: string | Buffer,
  secret: string,
  { toleranceSeconds = 300, nowSeconds = Math.floor(Date.now() / 1000) } = {},
): SignatureCheck {
  const parsed = parseTerraSignatureHeader(header);
  if (!parsed.ok) return parsed;
  const { timestamp } = parsed;
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: "timestamp outside tolerance (replayed or clock skew)" };
  const expected = createHmac("sha256", secret).update(`${timestamp}.`).update(rawBody).digest();
  // Every entry is compared (no early exit), so the time taken does not say which one matched.
  let matches = false;
  for (const given of parsed.v1) matches = timingSafeEqual(given, expected) || matches;
  return matches ? { ok: true, timestamp } : { ok: false, reason: "signature does not match" };
}
