import type { RedisClient } from "../queue/redis-client.ts";
import { authRedirectUri } from "../auth/callback-path.ts";
import { providerWebhookUrl } from "../ingress/webhook-url.ts";
import { createProviderAccess } from "../connectors/provider-access.ts";
import { createUndiciTransport } from "../provider-http/undici-transport.ts";
import type { ProviderTransport } from "../provider-http/transport.ts";
import type { Logger } from "../log/logger.ts";
import { createMetrics, type Metrics } from "../observability/metrics.ts";
import { createRedisConnection } from "../queue/redis-connection.ts";
import { QUEUE_PREFIX } from "../queue/topology.ts";
import type { PluginRegistry } from "../registry/plugin-registry.ts";
import type { StateStore } from "../state/index.ts";
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from "./delivery-policy.ts";
import { createQueues } from "../queue/queues.ts";
import type { ActiveDestination, ProviderSettings, RuntimeContext } from "./runtime-context.ts";
import { registerStaleGauge } from "./stale-connections.ts";
import { startWorkers, type RuntimeWorkers, type WorkerConcurrency } from "./workers.ts";

export interface RuntimeOptions {
  redisUrl: string;
  /** Startup nodes of a Redis Cluster (the config's `redis.cluster`); when set, `redisUrl` is not used. */
  redisCluster?: readonly string[] | undefined;
  /** BullMQ key prefix: separate deployments (or test runs) on one Redis use different prefixes. */
  prefix?: string;
  store: StateStore;
  registry: PluginRegistry;
  destinations: ReadonlyMap<string, ActiveDestination>;
  policy?: Partial<DeliveryPolicy>;
  providers?: Record<string, ProviderSettings>;
  /** Owner of connections made without a developer (the config's `api:` account). */
  defaultDeveloper?: string;
  log: Logger;
  /** Carries provider requests. @default an undici transport (keep-alive pools per origin), closed with the runtime */
  transport?: ProviderTransport;
  /** Base URL providers redirect users back to (OAuth callbacks). @default "http://localhost:3000" */
  publicUrl?: string;
  /** First retry backoff of provider requests (tests make it short). @default 250 */
  providerRetryBackoffMs?: number;
  /** Shared with the HTTP server so /metrics shows both. @default a new registry */
  metrics?: Metrics;
}

export interface Runtime {
  ctx: RuntimeContext;
  startWorkers(concurrency?: WorkerConcurrency): RuntimeWorkers;
  /** Close workers started here, queues, destinations and Redis; the store belongs to the caller. */
  close(): Promise<void>;
}

export function createRuntime(options: RuntimeOptions): Runtime {
  const redis: RedisClient = createRedisConnection({ url: options.redisUrl, cluster: options.redisCluster });
  // Once per outage, not once per reconnect attempt; before the first connection the process that waits
  // for Redis at start-up (awaitRedis) says it.
  let connected = false;
  let down = false;
  redis.on("error", (err) => {
    if (!down) options.log[connected ? "warn" : "debug"]({ err: err.message }, "redis connection error; reconnecting with backoff");
    down = true;
  });
  redis.on("ready", () => {
    if (down && connected) options.log.info("redis connection restored");
    connected = true;
    down = false;
  });
  const queues = createQueues(redis, options.prefix ?? QUEUE_PREFIX, options.destinations.keys());
  const ownTransport = options.transport ? undefined : createUndiciTransport();
  const providers = options.providers ?? {};
  const publicUrl = (options.publicUrl ?? "http://localhost:3000").replace(/\/+$/, "");
  const metrics = options.metrics ?? createMetrics();
  const access = createProviderAccess({
    registry: options.registry,
    providers,
    store: options.store,
    redis,
    prefix: queues.prefix,
    transport: options.transport ?? ownTransport!,
    redirectUri: (provider) => authRedirectUri(publicUrl, provider),
    webhookUrl: (provider) => providerWebhookUrl(publicUrl, provider),
    log: options.log,
    ...(options.providerRetryBackoffMs !== undefined ? { retryBackoffMs: options.providerRetryBackoffMs } : {}),
    onWait: (provider, ms, reason) => metrics.providerWaits.inc({ provider, reason, mode: "in_process" }, ms / 1000),
    onLockLost: (lock) => metrics.locksLost.inc({ lock }),
  });
  const ctx: RuntimeContext = {
    registry: options.registry,
    store: options.store,
    redis,
    queues,
    destinations: options.destinations,
    policy: { ...DEFAULT_DELIVERY_POLICY, ...options.policy },
    providers,
    access,
    ...(options.defaultDeveloper !== undefined ? { defaultDeveloper: options.defaultDeveloper } : {}),
    publicUrl,
    log: options.log,
    metrics,
  };
  registerStaleGauge(ctx.metrics.registry, ctx.store, ctx.log);
  const started: RuntimeWorkers[] = [];
  let closed: Promise<void> | undefined;
  return {
    ctx,
    startWorkers(concurrency) {
      const workers = startWorkers(ctx, redis, concurrency);
      started.push(workers);
      return workers;
    },
    close: () =>
      (closed ??= (async () => {
        await Promise.all(started.map((w) => w.close()));
        await queues.close();
        await Promise.all([...options.destinations.values()].map((d) => d.destination.close()));
        await ownTransport?.close();
        redis.disconnect();
      })()),
  };
}
