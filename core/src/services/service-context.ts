import type { ProducerQueues } from "../queue/producer-queues.ts";
import type { RuntimeContext } from "../runtime/runtime-context.ts";

/**
 * What the services need, and nothing more: the state store, queues to enqueue on (a caller answering
 * requests passes the fail-fast producer queues and their Redis), the plugin registry, the delivery
 * policy, provider settings and where each developer's payloads go.
 */
export type ServiceContext = Pick<
  RuntimeContext,
  "store" | "queues" | "redis" | "registry" | "policy" | "providers" | "destinations" | "defaultDeveloper" | "log" | "access"
>;

/** Limits a call to one developer's users (REST calls); absent for the operator (CLI). */
export interface DeveloperScope {
  developerId: string;
}

/** The services as a request handler or a one-shot command runs them: enqueueing on the fail-fast queues. */
export type AppServices = ServiceContext & Pick<RuntimeContext, "metrics">;

export function servicesOver(ctx: RuntimeContext, producer: ProducerQueues): AppServices {
  return {
    store: ctx.store,
    queues: producer,
    redis: producer.redis,
    registry: ctx.registry,
    policy: ctx.policy,
    providers: ctx.providers,
    destinations: ctx.destinations,
    ...(ctx.defaultDeveloper !== undefined ? { defaultDeveloper: ctx.defaultDeveloper } : {}),
    log: ctx.log,
    access: ctx.access,
    metrics: ctx.metrics,
  };
}
