import { createHash } from "node:crypto";
import { ErrorCodes, UserError } from "../errors/index.ts";

export const ENCRYPTION_KEY_BYTES = 32;

const HEX = /^[0-9a-fA-F]{64}$/;
const BASE64 = /^[A-Za-z0-9+/_-]{43}={0,1}$/;

/**
 * Decodes a 32-byte AES-256 key written as base64 (standard or url-safe) or hex. Errors never echo the
 * key, only its length, since they end up in logs.
 */
export function parseEncryptionKey(key: string | Uint8Array, source = "encryption key"): Buffer {
  let bytes: Buffer | undefined;
  if (typeof key === "string") {
    const text = key.trim();
    if (HEX.test(text)) bytes = Buffer.from(text, "hex");
    else if (BASE64.test(text)) bytes = Buffer.from(text, "base64");
  } else {
    bytes = Buffer.from(key);
  }
  if (bytes?.length !== ENCRYPTION_KEY_BYTES) {
    const got = typeof key === "string" ? `a ${key.trim().length}-character string` : `${key.length} bytes`;
    throw new UserError(
      ErrorCodes.CONFIG_ENCRYPTION_KEY,
      `${source} must be ${ENCRYPTION_KEY_BYTES} random bytes written as base64 (44 characters) or hex (64 characters); got ${got}`,
      { hint: "generate one with: openssl rand -base64 32" },
    );
  }
  return bytes;
}

/**
 * A short, non-secret fingerprint stored in every ciphertext so that after a key rotation we know which
 * key to try. Domain-separated so it is not a plain hash of the key.
 */
export function encryptionKeyId(key: Uint8Array): string {
  return createHash("sha256").update("tributary.key-id\0").update(key).digest("hex").slice(0, 8);
}
