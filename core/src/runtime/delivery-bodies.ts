import { createDeliveryBodies, type DeliveryBodies } from "../queue/delivery-bodies.ts";
import { retryHorizonMs } from "./delivery-policy.ts";
import type { RuntimeContext } from "./runtime-context.ts";
import { onePer } from "../util/one-per.ts";

/**
 * How long a stored payload outlives its emission at most: twice the retry schedule plus a day, so only a
 * payload whose jobs vanished unfinished (removed by hand) is ever dropped by expiry.
 */
export function deliveryBodyTtlSeconds(ctx: Pick<RuntimeContext, "policy">): number {
  return (2 * retryHorizonMs(ctx.policy)) / 1000 + 24 * 3600;
}

/** The delivery bodies kept on the runtime's Redis connection and queue prefix. */
export const deliveryBodies = onePer(
  (ctx: Pick<RuntimeContext, "redis" | "queues" | "policy">): DeliveryBodies => createDeliveryBodies(ctx.redis, ctx.queues.prefix, deliveryBodyTtlSeconds(ctx)),
);
