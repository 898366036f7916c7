import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** How a key is written in the config when only its digest is kept: `sha256:<64 lowercase hex>`. */
const DIGEST = /^sha256:([0-9a-f]{64})$/;

/**
 * The SHA-256 of an API key. Keys are long random strings (`tributary api-key` makes 32 random bytes),
 * so a fast hash is enough: what it protects against is a leaked config or memory dump, not guessing.
 */
export function apiKeyDigest(key: string): Buffer {
  return createHash("sha256").update(key, "utf8").digest();
}

/** The digest of a configured key: a `sha256:` value as written, or the hash of a plain key. */
export function configuredKeyDigest(value: string): Buffer {
  const hex = DIGEST.exec(value)?.[1];
  return hex ? Buffer.from(hex, "hex") : apiKeyDigest(value);
}

/** `sha256:<hex>`: what to write in the config instead of the key. */
export function apiKeyDigestText(key: string): string {
  return `sha256:${apiKeyDigest(key).toString("hex")}`;
}

/** A new API key: 32 random bytes, base64url (43 characters). */
export function generateApiKey(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * Whether `given` is one of the keys, compared by digest in constant time against every one of them (no
 * early exit), so the time taken says nothing about which key nearly matched.
 */
export function matchesAnyKey(given: string, digests: readonly Buffer[]): boolean {
  const digest = apiKeyDigest(given);
  let ok = false;
  for (const expected of digests) ok = timingSafeEqual(digest, expected) || ok;
  return ok;
}
