import { randomBytes } from "node:crypto";
import { ErrorCodes } from "../errors/codes.ts";
import { TransientError } from "../errors/tributary-error.ts";
import { silentLogger, type Logger } from "../log/logger.ts";
import type { RedisClient } from "../queue/redis-client.ts";

/**
 * A short mutual-exclusion lock in Redis, shared by every worker process: SET NX PX takes it with an
 * expiry (a holder that dies frees it by itself), renewed while the holder works so that slow work keeps
 * it, and release deletes it only while it still holds the holder's own random token — a holder that
 * lost it must not free the next holder's lock. Each lock is one key, so it works on Redis Cluster.
 */
export interface RedisLock {
  /**
   * Runs `work` holding `key`, taken for `ttlMs` and renewed every `ttlMs / 3` while `work` runs; while
   * another holder has it, waits up to `waitMs` for it to be released or to expire, then gives up
   * (`held: false`, `work` not run). The lock is released when `work` settles, whatever its outcome. When
   * the lock is lost meanwhile (this process stalled past the expiry and another holder took the key),
   * the lease's signal is aborted with ERR_LOCK_LOST, so `work` can stop before it writes. A failure to
   * reach Redis to take the lock is ERR_REDIS_UNAVAILABLE.
   */
  hold<T>(key: string, ttlMs: number, waitMs: number, work: (lease: LockLease) => Promise<T>): Promise<HoldOutcome<T>>;
  /**
   * Takes `key` as `hold` does and hands the lease over instead of running work: renewed until `release`,
   * for a holder whose lock must outlive the call that took it (a write abandoned at its timeout keeps its
   * turn until it settles). Undefined when another holder kept it past `waitMs`.
   */
  take(key: string, ttlMs: number, waitMs: number): Promise<HeldLock | undefined>;
}

/** A lock taken with `take`: its lease until `release`, which says whether it was still this holder's. */
export interface HeldLock extends LockLease {
  release(): Promise<boolean>;
}

/** What a holder knows of its lock while its work runs. */
export interface LockLease {
  /** Aborted, with the ERR_LOCK_LOST error as its reason, once the lock is known to be no longer this holder's. */
  readonly signal: AbortSignal;
  /**
   * Renews the lock now and says whether it is still this holder's (false also aborts the signal). Work
   * calls it right before a step another holder must not also take (spending a single-use token, writing):
   * the timer's renewal may not have run yet after a stall, the step follows a fresh lease of `ttlMs`.
   * Redis unreachable counts as lost only once the last renewal has expired.
   */
  confirm(): Promise<boolean>;
}

export type HoldOutcome<T> =
  | {
      held: true;
      value: T;
      /**
       * False when the lock was no longer this holder's at release: it was lost while `work` ran (another
       * holder may have had it meanwhile, and keeps it), or the release did not reach Redis (it expires).
       */
      kept: boolean;
    }
  | { held: false };

export interface RedisLockOptions {
  /** What the lock serializes, for logs and the lost-lock metric (a low-cardinality label: `refresh`, `account`). */
  name: string;
  log?: Logger;
  /** Told when a holder loses its lock while it works (for `tributary_locks_lost_total`). */
  onLost?: (name: string) => void;
}

const RELEASE_SCRIPT = `
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
end
return 0`;

const EXTEND_SCRIPT = `
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return 0`;

/** How often a waiter looks whether the lock is free. */
const POLL_MS = 25;

type ScriptedRedis = RedisClient & {
  tributaryReleaseLock(key: string, token: string): Promise<number>;
  tributaryExtendLock(key: string, token: string, ttlMs: number): Promise<number>;
};

export function lockLost(name: string, key: string, ttlMs: number): TransientError {
  return new TransientError(ErrorCodes.LOCK_LOST, `the ${name} lock ${key} was lost while its holder worked: it was not renewed within its ${ttlMs} ms`, {
    hint: "The work stopped before writing; another worker may hold the lock now. This process stalled (event loop blocked, VM or container paused, Redis unreachable) longer than the lock's expiry: look for that if it recurs.",
    details: { lock: name, key },
  });
}

export function createRedisLock(redis: RedisClient, options: RedisLockOptions): RedisLock {
  if (!("tributaryReleaseLock" in redis)) redis.defineCommand("tributaryReleaseLock", { numberOfKeys: 1, lua: RELEASE_SCRIPT });
  if (!("tributaryExtendLock" in redis)) redis.defineCommand("tributaryExtendLock", { numberOfKeys: 1, lua: EXTEND_SCRIPT });
  const scripted = redis as ScriptedRedis;
  const log = options.log ?? silentLogger();

  const unreachable = (key: string, error: unknown) =>
    new TransientError(ErrorCodes.REDIS_UNAVAILABLE, `the lock ${key} could not be taken: ${error instanceof Error ? error.message : String(error)}`, {
      hint: "Check that Redis is reachable: this work is only done holding its lock, and is retried.",
      cause: error,
    });

  /** The holder's token when the lock was free; undefined when another holder has it. */
  const tryAcquire = async (key: string, ttlMs: number): Promise<string | undefined> => {
    const token = randomBytes(16).toString("hex");
    return (await redis.set(key, token, "PX", ttlMs, "NX")) === "OK" ? token : undefined;
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

  /** The lease of a taken lock: renewed on a timer until `end`, its signal aborted when it is lost. */
  const lease = (key: string, token: string, ttlMs: number, acquiredAt: number) => {
    const controller = new AbortController();
    // Local monotonic time the lock surely lasts until: when a renewal was sent, plus the ttl it set.
    let validUntil = acquiredAt + ttlMs;
    let ended = false;
    let timer: NodeJS.Timeout | undefined;

    const lose = (how: string) => {
      if (controller.signal.aborted || ended) return;
      log.warn({ lock: options.name, key, ttlMs, how }, "a lock was lost while its holder worked: the holder stops before writing, another may hold it now");
      options.onLost?.(options.name);
      controller.abort(lockLost(options.name, key, ttlMs));
    };

    const renew = async (): Promise<boolean> => {
      if (controller.signal.aborted) return false;
      const sentAt = performance.now();
      let extended: number;
      try {
        extended = await scripted.tributaryExtendLock(key, token, ttlMs);
      } catch {
        // Redis unreachable: the key may still be ours until it expires; after that it may be another's.
        if (performance.now() < validUntil) return true;
        lose("not renewed before it expired (Redis unreachable)");
        return false;
      }
      if (extended === 1) {
        validUntil = Math.max(validUntil, sentAt + ttlMs);
        return true;
      }
      lose("expired or taken by another holder before it was renewed");
      return false;
    };

    const schedule = () => {
      timer = setTimeout(
        () => {
          void renew().then((held) => {
            if (held && !ended) schedule();
          });
        },
        Math.max(1, Math.floor(ttlMs / 3)),
      );
      // Renewal serves the work; it must not keep a process alive that has nothing else to do.
      timer.unref();
    };
    schedule();

    return {
      lease: { signal: controller.signal, confirm: renew } satisfies LockLease,
      lost: () => controller.signal.aborted,
      end: () => {
        ended = true;
        clearTimeout(timer);
      },
    };
  };

  const take = async (key: string, ttlMs: number, waitMs: number): Promise<HeldLock | undefined> => {
    const ttl = Math.max(3, Math.ceil(ttlMs));
    const deadline = Date.now() + waitMs;
    for (;;) {
      let token: string | undefined;
      const askedAt = performance.now();
      try {
        token = await tryAcquire(key, ttl);
        if (token === undefined && !(await waitUntilFree(key, deadline))) return undefined;
      } catch (error) {
        throw unreachable(key, error);
      }
      if (token === undefined) continue;
      const held = lease(key, token, ttl, askedAt);
      let released: Promise<boolean> | undefined;
      return {
        ...held.lease,
        release: () =>
          (released ??= (async () => {
            held.end();
            // A release that fails (Redis gone) leaves the lock to its expiry.
            const freed = (await scripted.tributaryReleaseLock(key, token).catch(() => 0)) === 1;
            return freed && !held.lost();
          })()),
      };
    }
  };

  return {
    take,
    async hold<T>(key: string, ttlMs: number, waitMs: number, work: (lease: LockLease) => Promise<T>): Promise<HoldOutcome<T>> {
      const held = await take(key, ttlMs, waitMs);
      if (held === undefined) return { held: false };
      let value: T;
      try {
        value = await work(held);
      } catch (error) {
        // The work's own error stands, whatever the release says.
        await held.release();
        throw error;
      }
      return { held: true, value, kept: await held.release() };
    },
  };
}
