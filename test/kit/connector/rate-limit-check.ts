import { setTimeout as sleep } from "node:timers/promises";
import type { BudgetKey, MockProvider, RateLimitRefusal } from "@tributary/core/mock-provider";
import type { ConnectorDefinition } from "@tributary/core/spec";

/**
 * The connector with its provider's rate limits shortened to a second each and `max` requests: the same
 * windows otherwise (scope, alignment, the names its rate-limit headers speak of), so the mock refuses as
 * the provider does and the client waits as it would — in a second instead of a quarter hour. A spec
 * that declares none gets one client window of a second.
 */
export function withSecondWindows(definition: ConnectorDefinition, max: number): ConnectorDefinition {
  const http = definition.spec.http!;
  const declared = http.rateLimits ?? [];
  const rateLimits = declared.length > 0 ? declared.map((window) => ({ ...window, max, perSeconds: 1 })) : [{ scope: "client" as const, max, perSeconds: 1 }];
  return { ...definition, spec: { ...definition.spec, http: { ...http, rateLimits } } };
}

/**
 * Spends the mock's windows for one client and user, so that their next request is refused. An aligned
 * window resets at every whole second: the spending starts early in one, so it holds until the request.
 */
export async function spendWindows(mock: MockProvider, key: BudgetKey): Promise<void> {
  const budget = mock.budget;
  if (!budget) throw new Error(`the ${mock.spec.name} mock enforces no rate limits`);
  if ((mock.spec.http?.rateLimits ?? []).some((window) => window.aligned) && Date.now() % 1000 > 100) await sleep(1000 - (Date.now() % 1000));
  for (let taken = 0; budget.take(key).allowed; taken++) {
    if (taken > 10_000) throw new Error("the mock's rate windows never filled");
  }
}

const sameRequest = (a: Pick<RateLimitRefusal, "method" | "path" | "query">, b: Pick<RateLimitRefusal, "method" | "path" | "query">) =>
  a.method === b.method && a.path === b.path && JSON.stringify(a.query) === JSON.stringify(b.query);

/** Refused requests made again before their window let them in: the client did not wait as told. */
export function earlyRetries(mock: MockProvider): RateLimitRefusal[] {
  return mock.rateLimited.filter((later, j) => mock.rateLimited.slice(0, j).some((refused) => sameRequest(refused, later) && later.at < refused.freeAt));
}

/** Refused requests never made again once their window let them in, and answered. */
export function neverRetried(mock: MockProvider): RateLimitRefusal[] {
  return mock.rateLimited.filter(
    (refused) => !mock.requests.some((request) => sameRequest(refused, request) && request.status !== 429 && request.at >= refused.freeAt),
  );
}
