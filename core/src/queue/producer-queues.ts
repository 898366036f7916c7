import type { Logger } from "../log/logger.ts";
import { createQueues, type RuntimeQueues } from "./queues.ts";
import { openRedis, type RedisClient, type RedisTarget } from "./redis-client.ts";

/** Queues for producers that must fail fast (HTTP handlers, CLI commands), plus their Redis client. */
export interface ProducerQueues extends RuntimeQueues {
  redis: RedisClient;
  /**
   * Resolves true once connected (false after `timeoutMs`): commands sent before the first connection
   * fail like commands sent while Redis is down.
   */
  whenReady(timeoutMs: number): Promise<boolean>;
}

export interface ProducerQueueOptions {
  /** Logs connection errors at debug level (the caller answers 503 for each failed request anyway). */
  log?: Logger;
  /** @default 2000 */
  connectTimeoutMs?: number;
  /** Destination instance names, so their delivery queues exist up front (dashboard, replay). */
  destinations?: Iterable<string>;
}

/**
 * The workers' connection sets `maxRetriesPerRequest: null` (BullMQ's blocking commands need it), so a
 * command issued while Redis is down waits forever. A request handler must not: this connection refuses
 * commands while disconnected (no offline queue) and retries an in-flight one at most once, so an
 * enqueue fails within about a second and the handler answers 503. ioredis keeps reconnecting in the
 * background, so everything recovers by itself when Redis returns.
 */
export function createProducerQueues(target: RedisTarget | string, prefix: string, options: ProducerQueueOptions = {}): ProducerQueues {
  const redis = openRedis(target, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: options.connectTimeoutMs ?? 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  redis.on("error", (err) => options.log?.debug({ err: err.message }, "producer redis connection error"));
  const queues = createQueues(redis, prefix, options.destinations);
  for (const queue of queues.all()) {
    queue.on("error", (err) => options.log?.debug({ queue: queue.name, err: err.message }, "producer queue error"));
  }
  let closed: Promise<void> | undefined;
  return {
    ...queues,
    redis,
    whenReady: (timeoutMs) =>
      redis.status === "ready"
        ? Promise.resolve(true)
        : new Promise<boolean>((resolve) => {
            const onReady = () => {
              clearTimeout(timer);
              resolve(true);
            };
            const timer = setTimeout(() => {
              redis.off("ready", onReady);
              resolve(false);
            }, timeoutMs);
            redis.once("ready", onReady);
          }),
    close: () =>
      (closed ??= (async () => {
        await queues.close();
        // The queues share this client and leave it open; quit() would wait on a dead Redis.
        redis.disconnect();
      })()),
  };
}
