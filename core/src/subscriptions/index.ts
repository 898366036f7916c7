// The application's subscription to a provider's pushes (webhook.subscription): list, create, delete,
// renew and check it, as `tributary subscriptions` and the renewal job do.
export {
  checkSubscriptions,
  createSubscriptions,
  deleteSubscriptions,
  listSubscriptions,
  renewSubscriptions,
  subscriptionSpecOf,
  type CreatedSubscription,
  type CreateOutcome,
  type ListedSubscription,
  type RenewedSubscription,
  type SubscriptionCheck,
  type SubscriptionTarget,
} from "./app-subscriptions.ts";
export { subscriptionTarget, type SubscriptionSettings, type SubscriptionTargetOptions } from "./subscription-target.ts";
