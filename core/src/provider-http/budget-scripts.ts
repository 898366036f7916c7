import { randomUUID } from "node:crypto";
import type { RedisClient } from "../queue/redis-client.ts";
import type { WindowReading } from "./rate-limit-headers.ts";

/**
 * One counting window of a rate budget in Redis. Sliding windows are a log in a sorted set (each grant
 * a member scored with a Redis server time; members older than the window are trimmed first), so
 * "at most max in any window-long span" holds exactly. Aligned windows reset at multiples of the window
 * since the epoch (Strava's :00/:15/:30/:45 and midnight UTC): a counter per window index.
 *
 * A provider counts a request when it arrives, some time between our grant and the answer. A grant
 * made with a hold (the request's longest possible flight) is therefore counted as if it arrived as
 * late as it could: a sliding member is scored at grant + hold until the request is settled, then at
 * the settle time; an aligned grant whose flight may cross the window's end is counted in the next
 * window too, and taken back from it if the answer came before the end. So our window never frees a
 * request before the provider's does.
 *
 * A limit the provider announced in its headers (`<key>:limit`, kept a day) replaces `max`.
 */
export interface BudgetWindowKey {
  key: string;
  max: number;
  windowMs: number;
  aligned: boolean;
}

/** What a provider's rate-limit headers said about one window of the budget. */
export interface WindowObservation extends BudgetWindowKey, WindowReading {}

/** What settles a grant once its request is over (answered, failed or timed out). */
export interface BudgetGrant {
  /** The grant's members in sliding windows: `<id>:1` … `<id>:n`. */
  id: string;
  n: number;
  /** Redis server time of the grant. */
  at: number;
  holdMs: number;
}

export type AcquireResult =
  /** `grantedAtMs`: Redis server time of the grant (one clock for every worker process). */
  | { ok: true; grantedAtMs: number; grant: BudgetGrant }
  /** `blockedBy`: the block or window key that refused. */
  | { ok: false; retryAfterMs: number; blockedBy: string };

// Check every block and window first, take from all of them only when all have room: one atomic
// script, so concurrent workers can never overdraw a window between the check and the take.
// ARGV: nblocks, n, member, hold, then max/window/aligned per window.
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nblocks = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local member = ARGV[3]
local hold = tonumber(ARGV[4])
local wait, which = 0, 0
for i = 1, nblocks do
  local ttl = redis.call('PTTL', KEYS[i])
  if ttl > wait then wait, which = ttl, i end
end
if wait > 0 then return {0, wait, now, which} end
local nw = #KEYS - nblocks
for w = 1, nw do
  local key = KEYS[nblocks + w]
  local a = 4 + (w - 1) * 3
  local max = tonumber(redis.call('GET', key .. ':limit') or '') or tonumber(ARGV[a + 1])
  local window = tonumber(ARGV[a + 2])
  local free = nil
  if ARGV[a + 3] == '1' then
    local index = math.floor(now / window)
    local ends = (index + 1) * window
    local used = tonumber(redis.call('GET', key .. ':' .. index) or '0')
    if used + n > max then
      free = ends - now
    elseif hold > 0 and now + hold >= ends then
      -- The request may arrive after the window's end: the next window must have room for it too.
      local next = tonumber(redis.call('GET', key .. ':' .. (index + 1)) or '0')
      if next + n > max then free = ends - now + 1 end
    end
  else
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
    local used = redis.call('ZCARD', key)
    if used + n > max then
      free = window
      local k = used + n - max - 1
      if k < used then
        local freeing = redis.call('ZRANGE', key, k, k, 'WITHSCORES')
        -- A member still in flight (scored ahead of now) leaves no sooner than a window after its answer.
        if freeing[2] and tonumber(freeing[2]) <= now then free = tonumber(freeing[2]) + window - now end
      end
    end
  end
  if free then
    if free < 1 then free = 1 end
    if free > wait then wait, which = free, nblocks + w end
  end
end
if wait > 0 then return {0, wait, now, which} end
for w = 1, nw do
  local key = KEYS[nblocks + w]
  local a = 4 + (w - 1) * 3
  local window = tonumber(ARGV[a + 2])
  if ARGV[a + 3] == '1' then
    local index = math.floor(now / window)
    redis.call('INCRBY', key .. ':' .. index, n)
    redis.call('PEXPIREAT', key .. ':' .. index, (index + 1) * window + 1000)
    if hold > 0 and now + hold >= (index + 1) * window then
      redis.call('INCRBY', key .. ':' .. (index + 1), n)
      redis.call('PEXPIREAT', key .. ':' .. (index + 1), (index + 2) * window + 1000)
    end
  else
    for i = 1, n do redis.call('ZADD', key, now + hold, member .. ':' .. i) end
    if redis.call('PTTL', key) < window + hold then redis.call('PEXPIRE', key, window + hold) end
  end
end
return {1, 0, now, 0}
`;

// The request of a grant is over: sliding members move to now (the latest it can have arrived), and an aligned
// grant counted ahead in the next window is taken back from it when the answer came before that window.
// ARGV: member, n, grant time, hold, then window/aligned per window.
const SETTLE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local member, n, at, hold = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
for w = 1, #KEYS do
  local key = KEYS[w]
  local a = 4 + (w - 1) * 2
  local window = tonumber(ARGV[a + 1])
  if ARGV[a + 2] == '1' then
    local index = math.floor(at / window)
    local ends = (index + 1) * window
    if at + hold >= ends and now < ends then
      local counter = key .. ':' .. (index + 1)
      if tonumber(redis.call('GET', counter) or '0') >= n then redis.call('DECRBY', counter, n) end
    end
  else
    for i = 1, n do redis.call('ZADD', key, 'XX', now, member .. ':' .. i) end
  end
end
return #KEYS
`;

// The provider's own count wins when it is higher than ours (another deployment on the same client,
// requests we never saw); ours wins when it is higher (grants still in flight).
const OBSERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local member = ARGV[1]
for w = 1, #KEYS do
  local key = KEYS[w]
  local a = 1 + (w - 1) * 7
  local window = tonumber(ARGV[a + 2])
  local used, remaining, reset, limit = tonumber(ARGV[a + 4]), tonumber(ARGV[a + 5]), tonumber(ARGV[a + 6]), tonumber(ARGV[a + 7])
  if limit >= 1 then redis.call('SET', key .. ':limit', limit, 'PX', 86400000) end
  local max = tonumber(redis.call('GET', key .. ':limit') or '') or tonumber(ARGV[a + 1])
  if used < 0 and remaining >= 0 then used = max - remaining end
  if used > max then used = max end
  if used > 0 then
    if ARGV[a + 3] == '1' then
      local index = math.floor(now / window)
      local counter = key .. ':' .. index
      if used > tonumber(redis.call('GET', counter) or '0') then
        redis.call('SET', counter, used)
        redis.call('PEXPIREAT', counter, (index + 1) * window + 1000)
      end
    else
      redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
      local card = redis.call('ZCARD', key)
      if used > card then
        local score = now
        if reset >= 0 then score = now + math.min(reset, window) - window end
        for i = 1, used - card do redis.call('ZADD', key, score, member .. ':' .. i) end
        if redis.call('PTTL', key) < window then redis.call('PEXPIRE', key, window) end
      end
    end
  end
end
return #KEYS
`;

const BLOCK = `
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then redis.call('SET', KEYS[1], '1', 'PX', ms) end
return ms
`;

interface BudgetCommands {
  tributaryBudgetAcquireHeld(...args: (string | number)[]): Promise<[number, number, number, number]>;
  tributaryBudgetSettle(...args: (string | number)[]): Promise<number>;
  tributaryBudgetObserve(...args: (string | number)[]): Promise<number>;
  tributaryBudgetBlock(blocked: string, ms: number): Promise<number>;
}

function commands(redis: RedisClient): RedisClient & BudgetCommands {
  const withCommands = redis as RedisClient & Partial<BudgetCommands>;
  // defineCommand sends EVALSHA and loads the script on NOSCRIPT; define once per connection.
  if (typeof withCommands.tributaryBudgetAcquireHeld !== "function") {
    redis.defineCommand("tributaryBudgetAcquireHeld", { lua: ACQUIRE });
    redis.defineCommand("tributaryBudgetSettle", { lua: SETTLE });
    redis.defineCommand("tributaryBudgetObserve", { lua: OBSERVE });
    redis.defineCommand("tributaryBudgetBlock", { numberOfKeys: 1, lua: BLOCK });
  }
  return withCommands as RedisClient & BudgetCommands;
}

export interface BudgetScripts {
  /**
   * Take `n` from every window unless a block or a window says wait. `holdMs`: how long the request may
   * be on its way to the provider (its timeout); 0 for a grant that is not one request.
   */
  acquire(request: { blocks: readonly string[]; windows: readonly BudgetWindowKey[]; n?: number; holdMs?: number }): Promise<AcquireResult>;
  /** The granted request is over: it counts from now on (see above). Same windows as the grant. */
  settle(grant: BudgetGrant, windows: readonly BudgetWindowKey[]): Promise<void>;
  observe(observations: readonly WindowObservation[]): Promise<void>;
  /** Nobody takes from a budget behind this block key for `ms`. Never shortens a block. */
  block(key: string, ms: number): Promise<void>;
}

export function budgetScripts(redis: RedisClient): BudgetScripts {
  const run = commands(redis);
  return {
    async acquire({ blocks, windows, n = 1, holdMs = 0 }) {
      const keys = [...blocks, ...windows.map((w) => w.key)];
      const id = randomUUID();
      const hold = Math.max(0, Math.ceil(holdMs));
      const args = [blocks.length, n, id, hold, ...windows.flatMap((w) => [w.max, Math.ceil(w.windowMs), w.aligned ? 1 : 0])];
      // Without numberOfKeys, ioredis expects the key count as the first argument.
      const [granted, waitMs, nowMs, which] = await run.tributaryBudgetAcquireHeld(keys.length, ...keys, ...args);
      return granted === 1
        ? { ok: true, grantedAtMs: nowMs, grant: { id, n, at: nowMs, holdMs: hold } }
        : { ok: false, retryAfterMs: waitMs, blockedBy: keys[which - 1] ?? "" };
    },
    async settle(grant, windows) {
      if (windows.length === 0) return;
      const args = [grant.id, grant.n, grant.at, grant.holdMs, ...windows.flatMap((w) => [Math.ceil(w.windowMs), w.aligned ? 1 : 0])];
      await run.tributaryBudgetSettle(windows.length, ...windows.map((w) => w.key), ...args);
    },
    async observe(observations) {
      if (observations.length === 0) return;
      const unknown = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? -1 : Math.max(0, Math.ceil(value)));
      const args = observations.flatMap((o) => [
        o.max,
        Math.ceil(o.windowMs),
        o.aligned ? 1 : 0,
        unknown(o.used),
        unknown(o.remaining),
        unknown(o.resetMs),
        unknown(o.limit),
      ]);
      await run.tributaryBudgetObserve(observations.length, ...observations.map((o) => o.key), randomUUID(), ...args);
    },
    async block(key, ms) {
      await run.tributaryBudgetBlock(key, Math.max(1, Math.ceil(ms)));
    },
  };
}
