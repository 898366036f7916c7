import type { StateStore } from "../state/index.ts";
import { createTickBatcher } from "../util/tick-batcher.ts";

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
  /** Found users kept; the oldest are dropped beyond this. @default 10_000 */
  maxEntries?: number;
  /** Unknown accounts kept, apart from the found ones, so a flood of them cannot push those out. @default 10_000 */
  maxMisses?: number;
}

export interface ProviderUserCache {
  /**
   * Tributary user ids of the active connections of this provider account (one per developer and
   * reference_id it was connected under; none when nobody connected it).
   */
  resolve(provider: string, providerUserId: string): Promise<readonly string[]>;
  clear(): void;
}

interface Found {
  userIds: readonly string[];
  expiresAt: number;
  refreshAt: number;
  refreshing: boolean;
}

type Lookup = { provider: string; providerUserId: string };

const NONE: readonly string[] = Object.freeze([]);

/**
 * Provider push is the hot path: a busy provider sends many notifications for the same accounts, so
 * user lookups are remembered briefly. The lookups that do reach the database — every account of every
 * request in one event-loop turn — go as one query per provider, so a request naming a thousand
 * accounts costs one round trip, not a thousand queued ahead of everyone else's. Concurrent lookups of
 * one account share one query; a failed lookup (database down) is not remembered.
 */
export function createProviderUserCache(store: Pick<StateStore, "findByProviderUserIds">, options: ProviderUserCacheOptions = {}): ProviderUserCache {
  const ttlMs = options.ttlMs ?? 30_000;
  const refreshAfterMs = Math.min(options.refreshAfterMs ?? 20_000, ttlMs);
  const missTtlMs = options.missTtlMs ?? 5_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const maxMisses = options.maxMisses ?? 10_000;
  const found = new Map<string, Found>();
  const misses = new Map<string, number>();
  const inflight = new Map<string, Promise<readonly string[]>>();

  const query = createTickBatcher(async (lookups: Lookup[]) => {
    const byProvider = new Map<string, string[]>();
    for (const { provider, providerUserId } of lookups) {
      const ids = byProvider.get(provider) ?? [];
      if (ids.length === 0) byProvider.set(provider, ids);
      ids.push(providerUserId);
    }
    const answers = new Map<string, Map<string, ReadonlyArray<{ user_id: string }>>>();
    await Promise.all([...byProvider].map(async ([provider, ids]) => answers.set(provider, await store.findByProviderUserIds(provider, ids))));
    return lookups.map(({ provider, providerUserId }) => (answers.get(provider)?.get(providerUserId) ?? []).map((connection) => connection.user_id));
  });

  // Map iteration order is insertion order: the first key is the oldest.
  const bound = (map: Map<string, unknown>, max: number) => {
    while (map.size > max) {
      const oldest = map.keys().next().value;
      if (oldest === undefined) break;
      map.delete(oldest);
    }
  };
  const remember = (key: string, userIds: readonly string[]) => {
    const now = Date.now();
    found.delete(key);
    misses.delete(key);
    if (userIds.length === 0) {
      misses.set(key, now + missTtlMs);
      bound(misses, maxMisses);
    } else {
      found.set(key, { userIds, expiresAt: now + ttlMs, refreshAt: now + refreshAfterMs, refreshing: false });
      bound(found, maxEntries);
    }
  };
  const lookUp = (key: string, provider: string, providerUserId: string): Promise<readonly string[]> => {
    let pending = inflight.get(key);
    if (!pending) {
      pending = query({ provider, providerUserId }).then((userIds) => {
        remember(key, userIds);
        return userIds;
      });
      inflight.set(key, pending);
      pending.finally(() => inflight.delete(key)).catch(() => undefined);
    }
    return pending;
  };

  return {
    resolve(provider, providerUserId) {
      const key = `${provider}\u0000${providerUserId}`;
      const now = Date.now();
      const hit = found.get(key);
      if (hit && hit.expiresAt > now) {
        if (hit.refreshAt <= now && !hit.refreshing) {
          hit.refreshing = true;
          // The remembered answer serves until the new one is in; a failed refresh leaves it to expire.
          lookUp(key, provider, providerUserId).catch(() => (hit.refreshing = false));
        }
        return Promise.resolve(hit.userIds);
      }
      const miss = misses.get(key);
      if (miss !== undefined && miss > now) return Promise.resolve(NONE);
      return lookUp(key, provider, providerUserId);
    },
    clear: () => (found.clear(), misses.clear()),
  };
}
