import { createHash } from "node:crypto";
import { createRedisLock } from "../auth/redis-lock.ts";
import type { RedisClient } from "../queue/redis-client.ts";
import { mergedRecordKeys } from "../queue/redis-keys.ts";
import type { MergedRecordRef } from "../queue/topology.ts";
import { deliveryBodyTtlSeconds } from "./delivery-bodies.ts";
import type { RuntimeContext } from "./runtime-context.ts";

/**
 * Keeps the deliveries of a merged record (a day in parts) in version order, whichever process publishes
 * or delivers them: a publication claims its version (an older one than already published is not sent,
 * the same one again — a retried job — is), and a delivery of a version older than the one published or
 * delivered to its destination is superseded instead of written. Writes of one record to one destination
 * take turns (a `RedisLock`, renewed while the write runs), so two versions in flight cannot land
 * newer-then-older. Destinations upsert last-writer-wins — those that can also refuse an older ordering
 * timestamp, which a newer version always has — so this is what keeps the newest day in them. The markers
 * expire with the longest a delivery can live.
 */
const CLAIM = `
local v = tonumber(ARGV[1])
local pv = tonumber(redis.call("HGET", KEYS[1], "v") or "-1")
local pts = tonumber(redis.call("HGET", KEYS[1], "ts") or "0")
if v < pv then return -1 end
local ts = pts
if v > pv then ts = math.max(tonumber(ARGV[2]), pts + 1) end
redis.call("HSET", KEYS[1], "v", ARGV[1], "ts", string.format("%d", ts))
redis.call("EXPIRE", KEYS[1], ARGV[3])
return string.format("%d", ts)`;

const SUPERSEDED = `
local v = tonumber(ARGV[1])
if tonumber(redis.call("HGET", KEYS[1], "v") or "-1") > v or tonumber(redis.call("GET", KEYS[2]) or "-1") > v then return 1 end
return 0`;

const DELIVERED = `
if tonumber(ARGV[1]) > tonumber(redis.call("GET", KEYS[1]) or "-1") then redis.call("SET", KEYS[1], ARGV[1], "EX", ARGV[2]) end
return 1`;

type VersionRedis = RedisClient & {
  tributaryClaimVersion(published: string, version: string, now: number, ttl: number): Promise<string | number>;
  tributaryVersionSuperseded(published: string, delivered: string, version: string): Promise<number>;
  tributaryVersionDelivered(delivered: string, version: string, ttl: number): Promise<number>;
};

function scripted(redis: RedisClient): VersionRedis {
  if (!("tributaryClaimVersion" in redis)) {
    redis.defineCommand("tributaryClaimVersion", { numberOfKeys: 1, lua: CLAIM });
    redis.defineCommand("tributaryVersionSuperseded", { numberOfKeys: 2, lua: SUPERSEDED });
    redis.defineCommand("tributaryVersionDelivered", { numberOfKeys: 1, lua: DELIVERED });
  }
  return redis as VersionRedis;
}

/** The data type and natural key of a merged record, as a name fit for a Redis key. */
const recordName = (record: MergedRecordRef) =>
  createHash("sha256")
    .update(JSON.stringify([record.dataType, record.key]))
    .digest("base64url")
    .slice(0, 22);

type VersionContext = Pick<RuntimeContext, "redis" | "queues" | "policy" | "log" | "metrics">;

const keysOf = (ctx: VersionContext, userId: string, record: MergedRecordRef, destination = "") =>
  mergedRecordKeys(ctx.queues.prefix, userId, recordName(record), destination);

/**
 * Claims the publication of a version: its ordering timestamp (later than every earlier version's, the same
 * as before for the same version), or undefined when a newer version is already published.
 */
export async function claimPublication(ctx: VersionContext, userId: string, record: MergedRecordRef, now = Date.now()): Promise<number | undefined> {
  const reply = await scripted(ctx.redis).tributaryClaimVersion(
    keysOf(ctx, userId, record).published,
    String(record.version),
    now,
    deliveryBodyTtlSeconds(ctx),
  );
  const ts = Number(reply);
  return ts < 0 ? undefined : ts;
}

export type WriteTurn = { status: "superseded" } | { status: "busy" } | ({ status: "ok" } & TakenTurn);

/** A version's turn to write its record to a destination, renewed until it ends. */
export interface TakenTurn {
  /**
   * Aborted (reason ERR_LOCK_LOST, counted in `tributary_locks_lost_total{lock="write_turn"}`) once the
   * turn is lost — this process stalled past its expiry and another version may be written now.
   */
  readonly signal: AbortSignal;
  /** Renews the turn right before the write; false when it is no longer this version's. */
  confirm(): Promise<boolean>;
  /**
   * Ends the turn once `write` settles — at once without one — noting the version delivered when it
   * resolved. A write given up on at its timeout may still land: until it settles, no other version's
   * write starts after it, so it cannot land over a newer one.
   */
  endAfter(write?: Promise<unknown>): Promise<void>;
}

/**
 * How long a turn whose holder died blocks the record at its destination; a live holder renews it every
 * third of this, however long its write takes.
 */
export const WRITE_TURN_TTL_MS = 15_000;

/**
 * A delivery's turn to write a merged record to its destination: superseded (a newer version is published
 * or delivered: write nothing), busy (another version is being written: come back later), or ok.
 */
export async function takeWriteTurn(ctx: VersionContext, userId: string, destination: string, record: MergedRecordRef): Promise<WriteTurn> {
  const keys = keysOf(ctx, userId, record, destination);
  const redis = scripted(ctx.redis);
  const version = String(record.version);
  const superseded = async () => (await redis.tributaryVersionSuperseded(keys.published, keys.delivered, version)) === 1;
  // Looked at before taking the turn (a queued older version need not hold up the newer), and again holding it.
  if (await superseded()) return { status: "superseded" };
  const lock = createRedisLock(ctx.redis, { name: "write_turn", log: ctx.log, onLost: (lock) => ctx.metrics.locksLost.inc({ lock }) });
  const held = await lock.take(keys.writing, WRITE_TURN_TTL_MS, 0);
  if (held === undefined) return { status: "busy" };
  // A newer version may have been delivered between the look and the turn: the delivered mark only moves in a turn.
  let stale: boolean;
  try {
    stale = await superseded();
  } catch (error) {
    await held.release();
    throw error;
  }
  if (stale) {
    await held.release();
    return { status: "superseded" };
  }
  let ended: Promise<void> | undefined;
  return {
    status: "ok",
    signal: held.signal,
    confirm: () => held.confirm(),
    endAfter: (write) =>
      (ended ??= (async () => {
        const delivered =
          write === undefined
            ? false
            : await write.then(
                () => true,
                () => false,
              );
        try {
          // Noted even when the turn was lost meanwhile: the mark only ever moves to a newer version.
          if (delivered) await redis.tributaryVersionDelivered(keys.delivered, version, deliveryBodyTtlSeconds(ctx));
        } finally {
          await held.release();
        }
      })()),
  };
}
