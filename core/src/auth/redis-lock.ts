import { randomBytes } from "node:crypto";
import type { RedisClient } from "../queue/redis-client.ts";

/**
 * A short mutual-exclusion lock in Redis, shared by every worker process: SET NX PX takes it with an
 * expiry (a holder that dies frees it by itself), and release deletes it only while it still holds the
 * holder's own random token — a holder that overran its expiry must not free the next holder's lock.
 */
export interface RedisLock {
  /** The holder's token when the lock was free; undefined when another holder has it. */
  tryAcquire(key: string, ttlMs: number): Promise<string | undefined>;
  /** False when the lock had already expired (and may now be someone else's). */
  release(key: string, token: string): Promise<boolean>;
  /** Waits for the key to be free (released or expired); false when `timeoutMs` passed first. */
  waitUntilFree(key: string, timeoutMs: number, pollMs?: number): Promise<boolean>;
}

const RELEASE_SCRIPT = `
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
end
return 0`;

type ReleasingRedis = RedisClient & { tributaryReleaseLock(key: string, token: string): Promise<number> };

export function createRedisLock(redis: RedisClient): RedisLock {
  if (!("tributaryReleaseLock" in redis)) redis.defineCommand("tributaryReleaseLock", { numberOfKeys: 1, lua: RELEASE_SCRIPT });
  const releasing = redis as ReleasingRedis;
  return {
    async tryAcquire(key, ttlMs) {
      const token = randomBytes(16).toString("hex");
      return (await redis.set(key, token, "PX", Math.max(1, Math.ceil(ttlMs)), "NX")) === "OK" ? token : undefined;
    },
    async release(key, token) {
      return (await releasing.tributaryReleaseLock(key, token)) === 1;
    },
    async waitUntilFree(key, timeoutMs, pollMs = 25) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if ((await redis.exists(key)) === 0) return true;
        const left = deadline - Date.now();
        if (left <= 0) return false;
        await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, left)));
      }
    },
  };
}
