import type { RedisClient } from "../queue/redis-client.ts";
import type { RateLimitHeadersSpec, RateLimitSpec } from "@tributary/schemas";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import { budgetKeyBase } from "../queue/redis-keys.ts";
import { budgetScripts, type BudgetGrant, type BudgetWindowKey, type WindowObservation } from "./budget-scripts.ts";
import { readRateLimitHeaders, type HeaderReading, type WindowReading } from "./rate-limit-headers.ts";
import { declaredWindows, headerSetsOf, type DeclaredWindow } from "./rate-limited-wait.ts";

export type BudgetWindow = DeclaredWindow;

export type ProviderBudgetDecision =
  /** `grant`: hand it to `settle` once the request is over. */
  | { ok: true; grantedAtMs: number; grant: ProviderBudgetGrant }
  /** `window`: the name of the window (or "blocked") that refused. */
  | { ok: false; retryAfterMs: number; window: string };

/**
 * A provider's request budget, taken once per request: every window of the connector's `rateLimits`
 * (per OAuth client: all users together; per user: that user's share), plus the operator's
 * `providers.<NAME>.rateLimit` as one more client window. The provider's rate-limit headers keep the
 * windows honest (its count and announced limits win over ours when higher), and a 429 blocks the
 * client, or only the user when every limit the provider declares is per user.
 */
/** One request's grant, for `settle`. */
export interface ProviderBudgetGrant extends BudgetGrant {
  userId: string | undefined;
}

export interface ProviderBudget {
  readonly windows: readonly BudgetWindow[];
  /** Which budget a 429 pauses. */
  readonly blockScope: "client" | "user";
  /**
   * One request's share of every window. `holdMs`: the longest the request can take to reach the
   * provider (its timeout): until it is settled, it is counted as arriving that late.
   */
  acquire(userId?: string, holdMs?: number): Promise<ProviderBudgetDecision>;
  /** The request is over (answered, failed, timed out): it counts as having reached the provider now. */
  settle(grant: ProviderBudgetGrant): Promise<void>;
  /** Feed the provider's rate-limit headers of an answer made for `userId`. */
  observe(userId: string | undefined, headers: Readonly<Record<string, string>>): Promise<void>;
  block(userId: string | undefined, ms: number): Promise<void>;
}

export interface ProviderBudgetOptions {
  redis: RedisClient;
  /** The queue prefix: budgets live beside the queues they pace. */
  prefix: string;
  provider: string;
  clientId?: unknown;
  rateLimits?: readonly RateLimitSpec[] | undefined;
  rateLimitHeaders?: RateLimitHeadersSpec | readonly RateLimitHeadersSpec[] | undefined;
  /** The operator's `providers.<NAME>.rateLimit`. */
  operatorLimit?: unknown;
}

export const OPERATOR_WINDOW = "configured";

export function providerBudget(options: ProviderBudgetOptions): ProviderBudget {
  const scripts = budgetScripts(options.redis);
  const base = budgetKeyBase(options.prefix, options.provider, options.clientId);
  const specWindows: BudgetWindow[] = declaredWindows(options.rateLimits);
  const names = new Set<string>();
  for (const window of specWindows) {
    if (names.has(window.name))
      throw new UserError(ErrorCodes.SPEC_INVALID, `${options.provider}: two http.rateLimits are named ${JSON.stringify(window.name)}`, {
        hint: "Give each rate limit its own name.",
      });
    names.add(window.name);
  }
  const windows = [...specWindows];
  if (options.operatorLimit !== undefined && options.operatorLimit !== null) {
    windows.push({ ...checkedLimit(options.provider, options.operatorLimit), name: OPERATOR_WINDOW, scope: "client", aligned: false });
  }
  const headerSpecs = headerSetsOf(options.rateLimitHeaders);
  for (const spec of headerSpecs) {
    for (const name of spec.windows ?? []) {
      if (!names.has(name))
        throw new UserError(
          ErrorCodes.SPEC_INVALID,
          `${options.provider}: http.rateLimitHeaders names the window ${JSON.stringify(name)}, which http.rateLimits does not declare`,
          { hint: "Use the name of one of the rate limits." },
        );
    }
  }
  const headerNames = headerSpecs
    .flatMap((spec) => [spec.usage, spec.remaining, spec.limit, spec.reset])
    .filter((h): h is string => typeof h === "string")
    .map((h) => h.toLowerCase());
  const blockScope = specWindows.length > 0 && specWindows.every((w) => w.scope === "user") ? "user" : "client";

  const userBase = (userId: string) => `${base}:user:${userId}`;
  const keyOf = (window: BudgetWindow, userId: string | undefined): BudgetWindowKey | undefined => {
    if (window.scope === "user" && userId === undefined) return undefined;
    const owner = window.scope === "user" ? userBase(userId!) : base;
    return { key: `${owner}:w:${window.name}`, max: window.max, windowMs: window.perSeconds * 1000, aligned: window.aligned };
  };

  return {
    windows,
    blockScope,
    async acquire(userId, holdMs = 0) {
      const blocks = [`${base}:blocked`, ...(userId !== undefined ? [`${userBase(userId)}:blocked`] : [])];
      const keys = windows.map((w) => keyOf(w, userId));
      const decision = await scripts.acquire({ blocks, windows: keys.filter((k): k is BudgetWindowKey => k !== undefined), holdMs });
      if (decision.ok) return { ok: true, grantedAtMs: decision.grantedAtMs, grant: { ...decision.grant, userId } };
      const index = keys.findIndex((k) => k?.key === decision.blockedBy);
      return { ok: false, retryAfterMs: decision.retryAfterMs, window: index >= 0 ? windows[index]!.name : "blocked" };
    },
    async settle(grant) {
      const keys = windows.map((w) => keyOf(w, grant.userId)).filter((k): k is BudgetWindowKey => k !== undefined);
      await scripts.settle(grant, keys);
    },
    async observe(userId, headers) {
      if (!headerNames.some((name) => headers[name] !== undefined)) return;
      const observations: WindowObservation[] = [];
      for (const reading of readRateLimitHeaders(headerSpecs, specWindows, headers)) {
        const key = keyOf(specWindows[reading.window]!, userId);
        if (key) observations.push({ ...key, ...stripWindow(reading) });
      }
      await scripts.observe(observations);
    },
    async block(userId, ms) {
      const key = blockScope === "user" && userId !== undefined ? `${userBase(userId)}:blocked` : `${base}:blocked`;
      await scripts.block(key, ms);
    },
  };
}

function stripWindow({ window: _, ...rest }: HeaderReading): WindowReading {
  return rest;
}

/** The operator's `rateLimit`: `{ max, perSeconds }`, checked again because configs are built in code too. */
export function checkedLimit(provider: string, value: unknown): { max: number; perSeconds: number } {
  const { max, perSeconds } = (value ?? {}) as Record<string, unknown>;
  if (typeof max === "number" && Number.isInteger(max) && max > 0 && typeof perSeconds === "number" && perSeconds > 0) {
    return { max, perSeconds };
  }
  throw new UserError(ErrorCodes.CONFIG_INVALID, `providers.${provider}.rateLimit must be { max: <positive integer>, perSeconds: <positive number> }`, {
    hint: "Fix the provider's rateLimit in the config, or remove it to use the connector's documented limit.",
  });
}
