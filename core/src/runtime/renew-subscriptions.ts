import type { Job } from "bullmq";
import type { RenewSubscriptionsJobData } from "../queue/topology.ts";
import { renewSubscriptions, type RenewedSubscription } from "../subscriptions/app-subscriptions.ts";
import { subscriptionTarget } from "../subscriptions/subscription-target.ts";
import type { RuntimeContext } from "./runtime-context.ts";

export interface RenewSubscriptionsResult {
  renewed: RenewedSubscription[];
}

/**
 * The daily renewal tick of a provider whose application subscriptions expire (Oura): each of ours that
 * expires within the spec's `renew.beforeSeconds` is renewed with the operator's client, so pushes never
 * stop. A provider no longer loaded, enabled or configured renews nothing.
 */
export async function processRenewSubscriptions(ctx: RuntimeContext, job: Job<RenewSubscriptionsJobData>, now = Date.now()): Promise<RenewSubscriptionsResult> {
  const { provider } = job.data;
  if (!ctx.registry.hasConnector(provider) || ctx.providers[provider]?.enabled === false) {
    ctx.log.warn({ provider }, "subscription renewal for a provider that is no longer loaded or enabled; skipped");
    return { renewed: [] };
  }
  const connector = ctx.registry.connector(provider);
  const client = ctx.access.client(connector);
  if (!client || !connector.definition.spec.webhook?.subscription?.renew) return { renewed: [] };
  const target = subscriptionTarget({
    spec: connector.definition.spec,
    settings: ctx.providers[provider],
    publicUrl: ctx.publicUrl ?? "http://localhost:3000",
    client,
  });
  const renewed = await renewSubscriptions(target, { now });
  for (const subscription of renewed) {
    ctx.log.info(
      { provider, subscription: subscription.id, expiresAt: subscription.expiresAt && new Date(subscription.expiresAt).toISOString() },
      "push subscription renewed before it expired",
    );
  }
  return { renewed };
}
