import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Constant-time comparison of two secrets as text (API keys, client secrets, verify tokens, digests);
 * hashing first makes the comparison independent of the expected value's length too.
 */
export function safeEqual(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
