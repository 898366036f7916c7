import { createHmac, timingSafeEqual } from "node:crypto";
import type { VerifySpec } from "@tributary/schemas";
import { DEFAULT_TOLERANCE_SECONDS } from "../verified-push.ts";
import { singleHeader, type WebhookRequest } from "../webhook-request.ts";
import type { SignatureScheme } from "./signature-scheme.ts";
import { readSignedTimestamp } from "./signed-timestamp.ts";

type HmacSpec = Extract<VerifySpec, { scheme: "hmac" }>;

const DIGEST_BYTES = { sha1: 20, sha256: 32, sha512: 64 } as const;

/**
 * The digest in the header, decoded only from a canonical spelling: exactly the digest's length, hex
 * digits (either case: Oura writes upper case, others lower) or padded base64 that re-encodes to itself.
 * Lenient decoders (Buffer.from skips what it cannot read) would let one signature be written many ways.
 */
function decodeDigest(text: string, spec: HmacSpec): Buffer | undefined {
  const bytes = DIGEST_BYTES[spec.algorithm];
  if (spec.encoding === "hex") return text.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(text) ? Buffer.from(text, "hex") : undefined;
  const decoded = Buffer.from(text, "base64");
  return decoded.length === bytes && decoded.toString("base64") === text ? decoded : undefined;
}

type Signed = { digest: Buffer; timestampText: string; signedAt?: number };

/** What the headers say, or why they can never verify. */
function readHeaders(spec: HmacSpec, headers: WebhookRequest["headers"], nowSeconds: number): Signed | string {
  const value = singleHeader(headers, spec.header);
  if (value === undefined || value === "") return `missing ${spec.header} header`;
  const prefix = spec.prefix ?? "";
  const digest = value.startsWith(prefix) ? decodeDigest(value.slice(prefix.length), spec) : undefined;
  if (!digest) return "signature header has an unexpected format";
  if (spec.timestampHeader === undefined) return { digest, timestampText: "" };
  const timestampText = singleHeader(headers, spec.timestampHeader);
  if (timestampText === undefined || timestampText === "") return `missing ${spec.timestampHeader} header`;
  const signedAt = readSignedTimestamp(timestampText, spec.timestampUnit ?? "seconds");
  if (signedAt === undefined) return `${spec.timestampHeader} is not a timestamp in ${spec.timestampUnit ?? "seconds"}`;
  if (Math.abs(nowSeconds - signedAt) > (spec.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return "timestamp outside tolerance (replayed or clock skew)";
  return { digest, timestampText, signedAt };
}

/**
 * A digest of [timestamp header +] the raw body in one header: Fitbit (base64 HMAC-SHA1 keyed
 * `client_secret&`), Polar (hex HMAC-SHA256), Oura (upper-case hex HMAC-SHA256 of `x-oura-timestamp` +
 * body), WHOOP (base64 HMAC-SHA256 of the millisecond timestamp + body). The timestamp is signed as sent,
 * immediately followed by the body.
 */
export const hmac: SignatureScheme<HmacSpec> = {
  precheck(spec, headers, nowSeconds) {
    const signed = readHeaders(spec, headers, nowSeconds);
    return typeof signed === "string" ? signed : undefined;
  },
  verify({ spec, request, secret, nowSeconds }) {
    const signed = readHeaders(spec, request.headers, nowSeconds);
    if (typeof signed === "string") return { ok: false, reason: signed };
    const key = (secret ?? "") + (spec.keySuffix ?? "");
    const expected = createHmac(spec.algorithm, key).update(signed.timestampText).update(request.rawBody).digest();
    if (!timingSafeEqual(signed.digest, expected)) return { ok: false, reason: "signature does not match" };
    return signed.signedAt === undefined
      ? { ok: true }
      : { ok: true, signedAt: signed.signedAt, toleranceSeconds: spec.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS };
  },
};
