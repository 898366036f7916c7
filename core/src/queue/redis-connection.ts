import { openRedis, type RedisClient, type RedisTarget } from "./redis-client.ts";

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/**
 * A connection suited to BullMQ workers: `maxRetriesPerRequest: null` is required by blocking commands,
 * and reconnection backs off up to 2 s so a Redis restart heals by itself.
 */
export function createRedisConnection(target: RedisTarget | string = process.env.REDIS_URL ?? DEFAULT_REDIS_URL): RedisClient {
  return openRedis(target, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
  });
}
