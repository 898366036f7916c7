import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { expect, onTestFinished } from "vitest";
import { providerBudget, ProviderWaitError, type ProviderBudget, type ProviderBudgetOptions } from "@tributary/core/provider-http";
import type { HttpSpec } from "@tributary/schemas";

/** A Redis key prefix of a test's own, so that budgets of tests running side by side never meet. */
export const uniqueBudgetPrefix = (name = "budget"): string => `tributary-test-${name}-${randomBytes(5).toString("hex")}`;

/** Deletes what a test left in Redis under its prefix. */
export async function dropKeys(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
}

/**
 * A connector spec's rate budget as the runtime builds it (its `http.rateLimits` and
 * `http.rateLimitHeaders`, per provider client) on the test Redis, under a prefix of the current test's
 * own whose keys are deleted when the test ends. Call it inside a test.
 * @param options what differs from the spec's (another prefix, the operator's limit)
 */
export function specBudget(
  redis: Redis,
  spec: { name: string; http?: Pick<HttpSpec, "rateLimits" | "rateLimitHeaders"> | undefined },
  options: Partial<Omit<ProviderBudgetOptions, "redis">> = {},
): ProviderBudget {
  const prefix = options.prefix ?? uniqueBudgetPrefix(spec.name.toLowerCase());
  onTestFinished(() => dropKeys(redis, prefix));
  return providerBudget({ provider: spec.name, rateLimits: spec.http?.rateLimits, rateLimitHeaders: spec.http?.rateLimitHeaders, ...options, redis, prefix });
}

/** The `ProviderWaitError` a request or a read ends in (a spent budget, a provider's Retry-After); anything else fails the test. */
export async function providerWait(promise: Promise<unknown>): Promise<ProviderWaitError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderWaitError);
  return error as ProviderWaitError;
}
