import { createHmac, timingSafeEqual } from "node:crypto";

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>`, as Terra signs its webhooks. */
export function signTerraPayload(secret: string, rawBody: string | Buffer, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const digest = createHmac("sha256", secret).update(`${nowSeconds}.`).update(rawBody).digest("hex");
  return `t=${nowSeconds},v1=${digest}`;
}

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: string };

/**
 * Verify a Terra-style signature header over the raw bytes received. Only `v1` entries count (ignoring
 * others prevents a downgrade), comparison is constant-time, and a timestamp outside the tolerance is a
 * replay.
 */
export function verifyTerraSignature(
  header: string | undefined,
  rawBody: string | Buffer,
  secret: string,
  { toleranceSeconds = 300, nowSeconds = Math.floor(Date.now() / 1000) } = {},
): SignatureCheck {
  if (!header) return { ok: false, reason: "missing signature header" };
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(",")) {
    const at = part.indexOf("=");
    if (at < 0) continue;
    const name = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (name === "t") timestamp = Number(value);
    else if (name === "v1") candidates.push(value);
  }
  if (timestamp === undefined || !Number.isInteger(timestamp)) return { ok: false, reason: "no timestamp in signature header" };
  if (candidates.length === 0) return { ok: false, reason: "no v1 signature in header" };
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: "timestamp outside tolerance (replayed or clock skew)" };
  const expected = createHmac("sha256", secret).update(`${timestamp}.`).update(rawBody).digest();
  const matches = candidates.some((hex) => {
    const given = Buffer.from(hex, "hex");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? { ok: true, timestamp } : { ok: false, reason: "signature does not match" };
}
