import { randomBytes } from "node:crypto";
import { ErrorCodes } from "../errors/codes.ts";
import { TransientError } from "../errors/tributary-error.ts";
import type { RedisClient } from "../queue/redis-client.ts";

/**
 * A short mutual-exclusion lock in Redis, shared by every worker process: SET NX PX takes it with an
 * expiry (a holder that dies frees it by itself), and release deletes it only while it still holds the
 * holder's own random token — a holder that overran its expiry must not free the next holder's lock.
 */
export interface RedisLock {
  /**
   * Runs `work` holding `key`, taken for `ttlMs` at most; while another holder has it, waits up to `waitMs`
   * for it to be released or to expire, then gives up (`held: false`, `work` not run). The lock is released
   * when `work` settles, whatever its outcome. A failure to reach Redis for the lock is ERR_REDIS_UNAVAILABLE.
   */
  hold<T>(key: string, ttlMs: number, waitMs: number, work: () => Promise<T>): Promise<HoldOutcome<T>>;
}

export type HoldOutcome<T> =
  | {
      held: true;
      value: T;
      /**
       * False when the lock was no longer this holder's at release: it expired while `work` ran (another
       * holder may have had it meanwhile, and keeps it), or the release did not reach Redis (it expires).
       */
      kept: boolean;
    }
  | { held: false };

const RELEASE_SCRIPT = `
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
end
return 0`;

/** How often a waiter looks whether the lock is free. */
const POLL_MS = 25;

type ReleasingRedis = RedisClient & { tributaryReleaseLock(key: string, token: string): Promise<number> };

export function createRedisLock(redis: RedisClient): RedisLock {
  if (!("tributaryReleaseLock" in redis)) redis.defineCommand("tributaryReleaseLock", { numberOfKeys: 1, lua: RELEASE_SCRIPT });
  const releasing = redis as ReleasingRedis;

  const unreachable = (key: string, error: unknown) =>
    new TransientError(ErrorCodes.REDIS_UNAVAILABLE, `the lock ${key} could not be taken: ${error instanceof Error ? error.message : String(error)}`, {
      hint: "Check that Redis is reachable: this work is only done holding its lock, and is retried.",
      cause: error,
    });

  /** The holder's token when the lock was free; undefined when another holder has it. */
  const tryAcquire = async (key: string, ttlMs: number): Promise<string | undefined> => {
    const token = randomBytes(16).toString("hex");
    return (await redis.set(key, token, "PX", Math.max(1, Math.ceil(ttlMs)), "NX")) === "OK" ? token : undefined;
  };

  /** Waits for the key to be free (released or expired) until `deadline`; false when it passed first. */
  const waitUntilFree = async (key: string, deadline: number): Promise<boolean> => {
    for (;;) {
      if ((await redis.exists(key)) === 0) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, left)));
    }
  };

  return {
    async hold<T>(key: string, ttlMs: number, waitMs: number, work: () => Promise<T>): Promise<HoldOutcome<T>> {
      const deadline = Date.now() + waitMs;
      for (;;) {
        let token: string | undefined;
        try {
          token = await tryAcquire(key, ttlMs);
          if (token === undefined && !(await waitUntilFree(key, deadline))) return { held: false };
        } catch (error) {
          throw unreachable(key, error);
        }
        if (token === undefined) continue;
        let value: T;
        try {
          value = await work();
        } catch (error) {
          // A release that fails (Redis gone) leaves the lock to its expiry; the work's own error stands.
          await releasing.tributaryReleaseLock(key, token).catch(() => 0);
          throw error;
        }
        const kept = (await releasing.tributaryReleaseLock(key, token).catch(() => 0)) === 1;
        return { held: true, value, kept };
      }
    },
  };
}
