import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { ErrorCodes } from "../errors/codes.ts";
import { UserError } from "../errors/tributary-error.ts";
import type { RuntimeContext } from "./runtime-context.ts";

/** At most `max` provider calls in any `perSeconds`-long window. */
export interface RateLimit {
  max: number;
  perSeconds: number;
}

export type BudgetDecision =
  /** `grantedAtMs`: Redis server time of the grant (one clock for every worker process). */
  | { ok: true; grantedAtMs: number }
  | { ok: false; retryAfterMs: number };

export interface RateBudget {
  /**
   * Take `n` calls from the provider's budget, or learn how long until they fit. Providers without a
   * configured limit always get them — unless a 429 blocked the provider (see `block`).
   */
  acquire(provider: string, n?: number): Promise<BudgetDecision>;
  /** The provider answered 429 with Retry-After: nobody calls it until then. Never shortens a block. */
  block(provider: string, retryAfterMs: number): Promise<void>;
  /** The limit in force: the operator's `providers.<P>.rateLimit`, else the connector's documented one. */
  limitOf(provider: string): RateLimit | undefined;
  /** The Redis key of the provider's window (the block key is `<key>:blocked`). */
  keyOf(provider: string): string;
}

/**
 * Sliding-window log in one sorted set per provider OAuth client: each grant is a member scored with the
 * Redis server time, members older than the window are trimmed first, so the set never holds more than
 * `max` grants of the last `window` ms. Check-and-take is one script, hence atomic across every worker
 * process; time comes from Redis so clock skew between machines cannot widen the window.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then return {0, blocked, now} end
local max = tonumber(ARGV[1])
local n = tonumber(ARGV[3])
if max <= 0 then return {1, 0, now} end
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local used = redis.call('ZCARD', KEYS[1])
if used + n > max then
  local index = used + n - max - 1
  local freeing = redis.call('ZRANGE', KEYS[1], index, index, 'WITHSCORES')
  local wait = window
  if freeing[2] then wait = tonumber(freeing[2]) + window - now end
  if wait < 1 then wait = 1 end
  return {0, wait, now}
end
for i = 1, n do redis.call('ZADD', KEYS[1], now, ARGV[4] .. ':' .. i) end
redis.call('PEXPIRE', KEYS[1], window)
return {1, 0, now}
`;

const BLOCK = `
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then redis.call('SET', KEYS[1], '1', 'PX', ms) end
return ms
`;

interface BudgetCommands {
  tributaryBudgetAcquire(window: string, blocked: string, max: number, windowMs: number, n: number, member: string): Promise<[number, number, number]>;
  tributaryBudgetBlock(blocked: string, ms: number): Promise<number>;
}

function commands(redis: Redis): BudgetCommands {
  const withCommands = redis as Redis & Partial<BudgetCommands>;
  // defineCommand sends EVALSHA and loads the script on NOSCRIPT; define once per connection.
  if (typeof withCommands.tributaryBudgetAcquire !== "function") {
    redis.defineCommand("tributaryBudgetAcquire", { numberOfKeys: 2, lua: ACQUIRE });
    redis.defineCommand("tributaryBudgetBlock", { numberOfKeys: 1, lua: BLOCK });
  }
  return withCommands as Redis & BudgetCommands;
}

/**
 * Provider rate budgets, shared by every worker: one per provider OAuth client (all its users together),
 * because that is what providers count. Key `<prefix>:budget:<PROVIDER>[:<clientId>]`.
 */
export function rateBudget(ctx: Pick<RuntimeContext, "redis" | "registry" | "providers" | "queues">): RateBudget {
  const redis = commands(ctx.redis);

  const keyOf = (provider: string) => {
    const clientId = ctx.providers[provider]?.clientId;
    return `${ctx.queues.prefix}:budget:${provider}${typeof clientId === "string" && clientId !== "" ? `:${clientId}` : ""}`;
  };

  const limitOf = (provider: string): RateLimit | undefined => {
    const configured = ctx.providers[provider]?.rateLimit;
    if (configured !== undefined && configured !== null) return checkedLimit(provider, configured);
    return ctx.registry.hasConnector(provider) ? ctx.registry.connector(provider).rateLimit : undefined;
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
      const [granted, waitMs, nowMs] = await redis.tributaryBudgetAcquire(
        key,
        `${key}:blocked`,
        limit?.max ?? 0,
        Math.ceil((limit?.perSeconds ?? 0) * 1000),
        n,
        randomUUID(),
      );
      return granted === 1 ? { ok: true, grantedAtMs: nowMs } : { ok: false, retryAfterMs: waitMs };
    },
    async block(provider, retryAfterMs) {
      const ms = Math.max(1, Math.ceil(retryAfterMs));
      await redis.tributaryBudgetBlock(`${keyOf(provider)}:blocked`, ms);
    },
  };
}

function checkedLimit(provider: string, value: unknown): RateLimit {
  const { max, perSeconds } = (value ?? {}) as Record<string, unknown>;
  if (typeof max === "number" && Number.isInteger(max) && max > 0 && typeof perSeconds === "number" && perSeconds > 0) {
    return { max, perSeconds };
  }
  throw new UserError(ErrorCodes.CONFIG_INVALID, `providers.${provider}.rateLimit must be { max: <positive integer>, perSeconds: <positive number> }`, {
    hint: "Fix the provider's rateLimit in the config, or remove it to use the connector's documented limit.",
  });
}
