import { Redis, type RedisOptions } from "ioredis";

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/**
 * A connection suited to BullMQ workers: `maxRetriesPerRequest: null` is required by blocking commands,
 * and reconnection backs off up to 2 s so a Redis restart heals by itself.
 */
export function createRedisConnection(url = process.env.REDIS_URL ?? DEFAULT_REDIS_URL, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
    ...options,
  });
}
