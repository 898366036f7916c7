import type { StateStore } from "../state/index.ts";

export interface ProviderUserCacheOptions {
  /** How long a found user is remembered. @default 30_000 */
  ttlMs?: number;
  /**
   * Age after which a found user is looked up again in the background while the remembered answer keeps
   * serving: an account that pushes steadily never waits on the database. @default 20_000
   */
  refreshAfterMs?: number;
  /**
   * How long "no such user" is remembered: short, so a user who connects right after a push is found
   * on the provider's next notification. @default 5_000
   */
  missTtlMs?: number;
  /** Oldest entries are dropped beyond this. @default 10_000 */
  maxEntries?: number;
}

export interface ProviderUserCache {
  /** Tributary user id of the active connection for this provider account, or undefined. */
  resolve(provider: string, providerUserId: string): Promise<string | undefined>;
  clear(): void;
}

interface Entry {
  value: Promise<string | undefined>;
  expiresAt: number;
  refreshAt: number;
  refreshing: boolean;
}

/**
 * Provider push is the hot path: a busy provider sends many notifications for the same accounts, so
 * user lookups are remembered briefly, and concurrent lookups of one account share one query. A failed
 * lookup (database down) is not remembered.
 */
export function createProviderUserCache(store: Pick<StateStore, "findByProviderUserId">, options: ProviderUserCacheOptions = {}): ProviderUserCache {
  const ttlMs = options.ttlMs ?? 30_000;
  const refreshAfterMs = Math.min(options.refreshAfterMs ?? 20_000, ttlMs);
  const missTtlMs = options.missTtlMs ?? 5_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const entries = new Map<string, Entry>();

  const lookup = (key: string, provider: string, providerUserId: string): Entry => {
    const now = Date.now();
    const entry: Entry = { value: Promise.resolve(undefined), expiresAt: now + ttlMs, refreshAt: now + refreshAfterMs, refreshing: false };
    entry.value = store.findByProviderUserId(provider, providerUserId).then(
      (connection) => {
        if (!connection) entry.expiresAt = entry.refreshAt = Date.now() + missTtlMs;
        return connection?.user_id;
      },
      (error: unknown) => {
        if (entries.get(key) === entry) entries.delete(key);
        throw error;
      },
    );
    return entry;
  };

  return {
    resolve(provider, providerUserId) {
      const key = `${provider}\u0000${providerUserId}`;
      const now = Date.now();
      const cached = entries.get(key);
      if (cached && cached.expiresAt > now) {
        if (cached.refreshAt <= now && !cached.refreshing) {
          cached.refreshing = true;
          const next = lookup(key, provider, providerUserId);
          // The remembered answer serves until the new one is in; a failed refresh leaves it to expire.
          next.value.then(
            () => entries.get(key) === cached && entries.set(key, next),
            () => undefined,
          );
        }
        return cached.value;
      }
      if (cached) entries.delete(key);

      const entry = lookup(key, provider, providerUserId);
      entries.set(key, entry);
      // Map iteration order is insertion order: the first key is the oldest.
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
      return entry.value;
    },
    clear: () => entries.clear(),
  };
}
