import { randomUUID } from "node:crypto";
import type { RedisClient } from "../queue/redis-client.ts";

/**
 * Terra's limits on data requests, per user: one request may span at most 1,825 days (rule r1), and the
 * days requested over any rolling hour may add up to at most 6,000 (rule r2; a request without dates
 * costs 1).
 */
export const MAX_DAYS_PER_REQUEST = 1825;
export const MAX_DAYS_PER_HOUR = 6000;
const WINDOW_MS = 3_600_000;

export type LimitDecision =
  | { ok: true; limit: number; remaining: number; resetAfterSeconds: number }
  | { ok: false; rule: "r1" }
  | { ok: false; rule: "r2"; retryAfterSeconds: number };

/**
 * Sliding hour per user: one sorted-set member per accepted request, `<id>:<days>` scored by Redis server
 * time. Trim, sum, check and add in one script, so concurrent requests on any API process cannot overdraw.
 * Returns {granted, used after, ms until enough leaves the window (refused) or until the oldest does}.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local entries = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local used = 0
for i = 1, #entries, 2 do used = used + tonumber(string.match(entries[i], ':(%d+)$')) end
if used + cost > limit then
  local need = used + cost - limit
  local freed = 0
  local wait = window
  for i = 1, #entries, 2 do
    freed = freed + tonumber(string.match(entries[i], ':(%d+)$'))
    if freed >= need then wait = tonumber(entries[i + 1]) + window - now break end
  end
  return {0, used, math.max(wait, 1)}
end
redis.call('ZADD', KEYS[1], now, ARGV[4] .. ':' .. cost)
redis.call('PEXPIRE', KEYS[1], window)
local oldest = now
if #entries > 0 then oldest = tonumber(entries[2]) end
return {1, used + cost, oldest + window - now}
`;

interface LimitCommands {
  tributaryApiLimit(key: string, limit: number, windowMs: number, cost: number, member: string): Promise<[number, number, number]>;
}

/** Days a request spans, for both rules: whole days, rounded up, at least 1. */
export function requestedDays(range: { start: Date; end: Date } | undefined): number {
  if (!range) return 1;
  return Math.max(1, Math.ceil((range.end.getTime() - range.start.getTime()) / 86_400_000));
}

export function requestLimits(redis: RedisClient, prefix: string) {
  const commands = redis as RedisClient & Partial<LimitCommands>;
  if (typeof commands.tributaryApiLimit !== "function") redis.defineCommand("tributaryApiLimit", { numberOfKeys: 1, lua: ACQUIRE });
  return {
    /** Checks both rules for one request of `days` about `userId` and, when it passes, counts it. */
    async admit(developerId: string, userId: string, days: number): Promise<LimitDecision> {
      if (days > MAX_DAYS_PER_REQUEST) return { ok: false, rule: "r1" };
      const key = `${prefix}:api-limit:${developerId}:${userId}`;
      const [granted, used, ms] = await (commands as RedisClient & LimitCommands).tributaryApiLimit(key, MAX_DAYS_PER_HOUR, WINDOW_MS, days, randomUUID());
      if (granted !== 1) return { ok: false, rule: "r2", retryAfterSeconds: Math.ceil(ms / 1000) };
      return { ok: true, limit: MAX_DAYS_PER_HOUR, remaining: MAX_DAYS_PER_HOUR - used, resetAfterSeconds: Math.ceil(ms / 1000) };
    },
  };
}

export type RequestLimits = ReturnType<typeof requestLimits>;
