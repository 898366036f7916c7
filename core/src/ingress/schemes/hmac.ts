import { createHmac, timingSafeEqual } from "node:crypto";
import type { SignatureSpec } from "../../contracts/webhook.ts";
import { singleHeader, type SignatureScheme } from "./signature-scheme.ts";

const DIGEST_BYTES = { sha256: 32, sha1: 20 } as const;

/**
 * The digest in the header, decoded only from its canonical spelling: exactly the digest's length, hex
 * digits (either case, as providers differ) or padded base64 that re-encodes to itself. Lenient decoders
 * (Buffer.from skips what it cannot read) would let one signature be written many ways.
 */
function decodeDigest(text: string, spec: SignatureSpec): Buffer | undefined {
  const bytes = DIGEST_BYTES[spec.algorithm ?? "sha256"];
  if ((spec.encoding ?? "hex") === "hex") {
    return text.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(text) ? Buffer.from(text, "hex") : undefined;
  }
  const decoded = Buffer.from(text, "base64");
  return decoded.length === bytes && decoded.toString("base64") === text ? decoded : undefined;
}

function headerDigest(spec: SignatureSpec, headers: Parameters<typeof singleHeader>[0]): Buffer | string {
  const value = singleHeader(headers, spec.header);
  if (value === undefined || value === "") return `missing ${spec.header} header`;
  const prefix = spec.prefix ?? "";
  const digest = value.startsWith(prefix) ? decodeDigest(value.slice(prefix.length), spec) : undefined;
  return digest ?? "signature header has an unexpected format";
}

/** A digest of the raw body alone (no timestamp): `hmac` in a connector's webhook spec. */
export const hmac: SignatureScheme = {
  precheck(spec, headers) {
    const digest = headerDigest(spec, headers);
    return typeof digest === "string" ? digest : undefined;
  },
  verify(spec, request, secret) {
    const given = headerDigest(spec, request.headers);
    if (typeof given === "string") return { ok: false, reason: given };
    const expected = createHmac(spec.algorithm ?? "sha256", secret).update(request.rawBody).digest();
    return timingSafeEqual(given, expected) ? { ok: true } : { ok: false, reason: "signature does not match" };
  },
};
