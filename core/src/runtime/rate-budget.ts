import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import { budgetScripts } from "../provider-http/budget-scripts.ts";
import { budgetKeyBase } from "../queue/redis-keys.ts";
import { checkedLimit } from "../provider-http/provider-budget.ts";
import type { RuntimeContext } from "./runtime-context.ts";

/** At most `max` provider calls in any `perSeconds`-long window. */
export interface RateLimit {
  max: number;
  perSeconds: number;
}

export type BudgetDecision =
  /** `grantedAtMs`: Redis server time of the grant (one clock for every worker process). */
  { ok: true; grantedAtMs: number } | { ok: false; retryAfterMs: number };

export interface RateBudget {
  /**
   * Take `n` calls from the provider's budget, or learn how long until they fit. Providers without a
   * configured limit always get them — unless a 429 blocked the provider (see `block`).
   */
  acquire(provider: string, n?: number): Promise<BudgetDecision>;
  /** The provider answered 429 with Retry-After: nobody calls it until then. Never shortens a block. */
  block(provider: string, retryAfterMs: number): Promise<void>;
  /** The limit in force: the operator's `providers.<P>.rateLimit` (the spec's own limits are taken per request by the provider client). */
  limitOf(provider: string): RateLimit | undefined;
  /** The Redis key of the provider's window (the block key is `<key>:blocked`). */
  keyOf(provider: string): string;
}

/**
 * Provider rate budgets, shared by every worker: one sliding window per provider OAuth client (all its
 * users together), because that is what providers count. Key `<prefix>:budget:{<PROVIDER>[:<clientId>]}` (one hash tag: see redis-keys.ts).
 * The per-request budget of connector specs (several windows per client and per user, fed by the
 * provider's rate-limit headers) is `providerBudget`; both share the block key, so a 429 seen by either
 * pauses both.
 */
export function rateBudget(ctx: Pick<RuntimeContext, "redis" | "registry" | "providers" | "queues">): RateBudget {
  const scripts = budgetScripts(ctx.redis);

  const keyOf = (provider: string) => budgetKeyBase(ctx.queues.prefix, provider, ctx.providers[provider]?.clientId);

  const limitOf = (provider: string): RateLimit | undefined => {
    const configured = ctx.providers[provider]?.rateLimit;
    if (configured !== undefined && configured !== null) return checkedLimit(provider, configured);
    return undefined;
  };

  return {
    keyOf,
    limitOf,
    async acquire(provider, n = 1) {
      const limit = limitOf(provider);
      if (limit && n > limit.max) {
        throw new UserError(ErrorCodes.CONFIG_INVALID, `One ${provider} pull needs ${n} calls but its rate limit allows ${limit.max}`, {
          hint: `Raise providers.${provider}.rateLimit.max.`,
        });
      }
      const key = keyOf(provider);
      const windows = limit ? [{ key, max: limit.max, windowMs: limit.perSeconds * 1000, aligned: false }] : [];
      const decision = await scripts.acquire({ blocks: [`${key}:blocked`], windows, n });
      return decision.ok ? { ok: true, grantedAtMs: decision.grantedAtMs } : { ok: false, retryAfterMs: decision.retryAfterMs };
    },
    async block(provider, retryAfterMs) {
      await scripts.block(`${keyOf(provider)}:blocked`, retryAfterMs);
    },
  };
}
