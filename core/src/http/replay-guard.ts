import type { RedisClient } from "../queue/redis-client.ts";
import { perSlot } from "../queue/redis-keys.ts";
import { createTickBatcher } from "../util/tick-batcher.ts";

/**
 * A signed request is valid for the scheme's whole tolerance window, so a captured request could be
 * sent again within it. The first one claims its fingerprint (`replayFingerprint`: what the signature
 * vouched for) in Redis, SET NX with an expiry that outlasts the signed timestamp's validity
 * (`replayHoldSeconds`); any later identical one finds the claim and is refused.
 */
export interface ReplayGuard {
  /** True for the first sighting of this fingerprint; it is remembered `holdSeconds`. Throws when Redis is down. */
  claim(fingerprint: string, holdSeconds: number): Promise<boolean>;
  /** Forget a claim whose request could not be accepted, so the provider's retry is not a "replay". */
  release(fingerprint: string): Promise<void>;
}

/**
 * Claims a batch of fingerprints in one call. KEYS: the claim keys; ARGV[i]: the expiry (s) of KEYS[i].
 * Replies 1 for a first sighting, 0 for a replay, key by key. One script call rather than a pipeline of
 * SETs: building an ioredis pipeline copies every loaded script onto it, a cost paid per event-loop turn.
 */
const CLAIM_SCRIPT = `
local claimed = {}
for i, key in ipairs(KEYS) do
  claimed[i] = redis.call("SET", key, "1", "EX", ARGV[i], "NX") and 1 or 0
end
return claimed`;

type ClaimingRedis = RedisClient & { tributaryClaimFingerprints(numKeys: number, ...keysThenArgs: Array<string | number>): Promise<number[]> };

export function createReplayGuard(redis: RedisClient, prefix: string): ReplayGuard {
  const key = (fingerprint: string) => `${prefix}:hooks:seen:${fingerprint}`;
  if (!("tributaryClaimFingerprints" in redis)) redis.defineCommand("tributaryClaimFingerprints", { lua: CLAIM_SCRIPT });
  const claiming = redis as ClaimingRedis;
  // The claims of concurrent requests go out as one script call: one round trip per event-loop turn.
  // On a Redis Cluster, one call per slot among them.
  const claim = createTickBatcher((claims: Array<{ fingerprint: string; holdSeconds: number }>) =>
    perSlot(
      redis,
      claims,
      (c) => key(c.fingerprint),
      async (batch) => {
        const keys = batch.map((c) => key(c.fingerprint));
        const windows = batch.map((c) => Math.max(1, Math.ceil(c.holdSeconds)));
        const replies = await claiming.tributaryClaimFingerprints(keys.length, ...keys, ...windows);
        return batch.map((_, i) => replies[i] === 1);
      },
    ),
  );
  return {
    async claim(fingerprint, holdSeconds) {
      return claim({ fingerprint, holdSeconds });
    },
    async release(fingerprint) {
      await redis.del(key(fingerprint));
    },
  };
}
