import { ErrorCodes } from "../errors/codes.ts";
import { TransientError } from "../errors/tributary-error.ts";
import type { Logger } from "../log/logger.ts";
import type { LockLease, RedisLock } from "./redis-lock.ts";

/**
 * Serializes, per provider account, what decides and does something at the provider for the account as a
 * whole: a connect's registration and subscription requests up to the stored connection, and the
 * disconnect of what may be the account's last connection. Without it, a deauth that counted no other
 * connection could deregister (Fitbit's subscription, Withings' notify, Polar's registration, Garmin's
 * deregistration) just after a new connection of the same account registered, leaving it with nothing.
 */
export interface AccountLock {
  /**
   * Runs `work` holding the account's lock; ERR_AUTH_ACCOUNT_BUSY when another holder keeps it past the wait.
   * The lease tells `work` whether the lock is still its own (see LockLease): lost, it asks nothing more of the provider.
   */
  hold<T>(provider: string, providerUserId: string, work: (lease: LockLease) => Promise<T>): Promise<T>;
}

export interface AccountLockOptions {
  keyPrefix: string;
  /** How long the lock of a holder that died stays (a live holder's is renewed while it works). */
  ttlMs: number;
  /** How long a caller waits for the account before it gives up. */
  waitMs: number;
  log: Logger;
}

export function createAccountLock(lock: RedisLock, options: AccountLockOptions): AccountLock {
  return {
    async hold(provider, providerUserId, work) {
      // One key per account, hash-tagged so that on Redis Cluster it stays one slot whatever the prefix.
      const key = `${options.keyPrefix}:auth:account:{${provider}:${providerUserId}}`;
      const outcome = await lock.hold(key, options.ttlMs, options.waitMs, work);
      if (!outcome.held) throw accountBusy(provider, providerUserId, options.waitMs);
      if (!outcome.kept) {
        options.log.warn(
          { provider, providerUserId, ttlMs: options.ttlMs },
          "an account's lock was lost or not released before its connect or disconnect ended",
        );
      }
      return outcome.value;
    },
  };
}

function accountBusy(provider: string, providerUserId: string, waitMs: number): TransientError {
  return new TransientError(
    ErrorCodes.AUTH_ACCOUNT_BUSY,
    `${provider} account ${providerUserId} is being connected or disconnected by another request; waited ${waitMs} ms`,
    {
      hint: "Try again in a moment. If it persists, a process may have died holding the account: its lock frees itself after a few minutes.",
      details: { provider, providerUserId },
    },
  );
}
