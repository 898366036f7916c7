import type { RedisClient } from "../queue/redis-client.ts";
import type { Destination } from "../contracts/destination.ts";
import type { Logger } from "../log/logger.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { ProviderAccess } from "../connectors/provider-access.ts";
import type { PluginRegistry } from "../registry/plugin-registry.ts";
import type { StateStore } from "../state/index.ts";
import type { DeliveryPolicy } from "./delivery-policy.ts";
import type { RuntimeQueues } from "../queue/queues.ts";

/** An enabled destination and the event types it receives (undefined = all). */
export interface ActiveDestination {
  destination: Destination;
  events?: ReadonlySet<string>;
  /** The developer (dev-id) whose data it receives, and only theirs; undefined = every developer's. */
  developer?: string;
  /** At most `max` deliveries per `perSeconds`, across every worker. */
  rateLimit?: { max: number; perSeconds: number };
  /** Give up on one write after this long (then retried). @default 30000 */
  writeTimeoutMs?: number;
}

/** The operator's `providers.<NAME>` settings. */
export interface ProviderSettings {
  /** false: users cannot connect and nothing is scheduled for the provider. */
  enabled?: boolean;
  clientId?: string;
  clientSecret?: string;
  /** Replaces the spec's http.baseUrl (a mock, a proxy); auth endpoints given as paths move with it. */
  baseUrl?: string;
  /** Connector-specific settings, read in templates as {options.<name>}. */
  options?: Record<string, unknown>;
  backfillDays?: number;
  pollIntervalSeconds?: number;
  /** Days without new data after which a connection is reported stale. */
  staleAfterDays?: number;
  /** Days the parts of a merged record (a day in parts) are kept after the last arrived. */
  keepRecordPartsDays?: number;
  /** Secret the provider signs its push webhooks with. */
  pushSecret?: string;
  [setting: string]: unknown;
}

/** Everything processors and ingress need, built once per process. */
export interface RuntimeContext {
  registry: PluginRegistry;
  store: StateStore;
  redis: RedisClient;
  queues: RuntimeQueues;
  destinations: ReadonlyMap<string, ActiveDestination>;
  policy: DeliveryPolicy;
  providers: Readonly<Record<string, ProviderSettings>>;
  /** Provider clients (per-request rate budgets) and the auth service: how pulls reach providers. */
  access: ProviderAccess;
  /** The developer that owns connections made without one (the config's `api:` account). */
  defaultDeveloper?: string;
  /** Where providers reach this deployment (OAuth callbacks, `<publicUrl>/hooks/<NAME>`). @default "http://localhost:3000" */
  publicUrl?: string;
  log: Logger;
  metrics: Metrics;
}
