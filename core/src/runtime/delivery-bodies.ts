import { createDeliveryBodies, type DeliveryBodies } from "../queue/delivery-bodies.ts";
import { retryHorizonMs } from "./delivery-policy.ts";
import type { RuntimeContext } from "./runtime-context.ts";

const stores = new WeakMap<RuntimeContext, DeliveryBodies>();

/**
 * How long a stored payload outlives its emission at most: twice the retry schedule plus a day, so only a
 * payload whose jobs vanished unfinished (removed by hand) is ever dropped by expiry.
 */
export function deliveryBodyTtlSeconds(ctx: Pick<RuntimeContext, "policy">): number {
  return (2 * retryHorizonMs(ctx.policy)) / 1000 + 24 * 3600;
}

/** The delivery bodies kept on the runtime's Redis connection and queue prefix. */
export function deliveryBodies(ctx: RuntimeContext): DeliveryBodies {
  let store = stores.get(ctx);
  if (!store) {
    store = createDeliveryBodies(ctx.redis, ctx.queues.prefix, deliveryBodyTtlSeconds(ctx));
    stores.set(ctx, store);
  }
  return store;
}
