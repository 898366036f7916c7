import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { createTickBatcher } from "../util/tick-batcher.ts";

/**
 * A signed request is valid for the scheme's whole tolerance window, so a captured request could be
 * sent again within it. The first one claims its fingerprint in Redis (SET NX with the window as
 * expiry); any later identical one finds the claim and is refused.
 */
export interface ReplayGuard {
  /** True for the first sighting of this fingerprint inside the window. Throws when Redis is down. */
  claim(fingerprint: string, windowSeconds: number): Promise<boolean>;
  /** Forget a claim whose request could not be accepted, so the provider's retry is not a "replay". */
  release(fingerprint: string): Promise<void>;
}

export function createReplayGuard(redis: Redis, prefix: string): ReplayGuard {
  const key = (fingerprint: string) => `${prefix}:hooks:seen:${fingerprint}`;
  // The claims of concurrent requests go out as one pipeline: one round trip per event-loop turn.
  const claim = createTickBatcher(async (claims: Array<{ fingerprint: string; windowSeconds: number }>) => {
    const pipeline = redis.pipeline();
    for (const c of claims) pipeline.set(key(c.fingerprint), "1", "EX", Math.max(1, Math.ceil(c.windowSeconds)), "NX");
    const results = (await pipeline.exec()) ?? [];
    return claims.map((_, i): boolean | Error => {
      const [error, reply] = results[i] ?? [new Error("no reply from Redis"), null];
      return error ?? reply === "OK";
    });
  });
  return {
    async claim(fingerprint, windowSeconds) {
      const outcome = await claim({ fingerprint, windowSeconds });
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
    async release(fingerprint) {
      await redis.del(key(fingerprint));
    },
  };
}

/** Identity of one delivery: the provider, its signature header (already verified) and the body. */
export function deliveryFingerprint(provider: string, signature: string, rawBody: Buffer): string {
  const bodyHash = createHash("sha256").update(rawBody).digest("hex");
  return createHash("sha256").update(`${provider}\u0000${signature}\u0000${bodyHash}`).digest("hex");
}
