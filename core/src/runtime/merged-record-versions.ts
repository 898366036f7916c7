import { createHash, randomBytes } from "node:crypto";
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
 * hold a lock, so two versions in flight cannot land newer-then-older. Destinations upsert last-writer-wins,
 * so this is what keeps the newest day in them. The markers expire with the longest a delivery can live.
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

const BEGIN = `
local v = tonumber(ARGV[1])
if tonumber(redis.call("HGET", KEYS[1], "v") or "-1") > v or tonumber(redis.call("GET", KEYS[2]) or "-1") > v then return "superseded" end
local holder = redis.call("GET", KEYS[3])
if holder and holder ~= ARGV[2] then return "busy" end
redis.call("SET", KEYS[3], ARGV[2], "PX", ARGV[3])
return "ok"`;

const END = `
if ARGV[4] == "1" and tonumber(ARGV[1]) > tonumber(redis.call("GET", KEYS[1]) or "-1") then redis.call("SET", KEYS[1], ARGV[1], "EX", ARGV[3]) end
if redis.call("GET", KEYS[2]) == ARGV[2] then redis.call("DEL", KEYS[2]) end
return 1`;

type VersionRedis = RedisClient & {
  tributaryClaimVersion(published: string, version: string, now: number, ttl: number): Promise<string | number>;
  tributaryBeginVersion(published: string, delivered: string, writing: string, version: string, token: string, lockMs: number): Promise<string>;
  tributaryEndVersion(delivered: string, writing: string, version: string, token: string, ttl: number, delivered_: "0" | "1"): Promise<number>;
};

function scripted(redis: RedisClient): VersionRedis {
  if (!("tributaryClaimVersion" in redis)) {
    redis.defineCommand("tributaryClaimVersion", { numberOfKeys: 1, lua: CLAIM });
    redis.defineCommand("tributaryBeginVersion", { numberOfKeys: 3, lua: BEGIN });
    redis.defineCommand("tributaryEndVersion", { numberOfKeys: 2, lua: END });
  }
  return redis as VersionRedis;
}

/** The data type and natural key of a merged record, as a name fit for a Redis key. */
const recordName = (record: MergedRecordRef) =>
  createHash("sha256")
    .update(JSON.stringify([record.dataType, record.key]))
    .digest("base64url")
    .slice(0, 22);

type VersionContext = Pick<RuntimeContext, "redis" | "queues" | "policy">;

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

export type WriteTurn = { status: "superseded" } | { status: "busy" } | { status: "ok"; end(delivered: boolean): Promise<void> };

/**
 * A delivery's turn to write a merged record to its destination: superseded (a newer version is published
 * or delivered: write nothing), busy (another version is being written: come back later), or ok — the lock
 * is held for `lockMs` at most; `end` records the version delivered (or not) and frees it.
 */
export async function takeWriteTurn(ctx: VersionContext, userId: string, destination: string, record: MergedRecordRef, lockMs: number): Promise<WriteTurn> {
  const keys = keysOf(ctx, userId, record, destination);
  const token = randomBytes(12).toString("hex");
  const redis = scripted(ctx.redis);
  const status = await redis.tributaryBeginVersion(keys.published, keys.delivered, keys.writing, String(record.version), token, Math.ceil(lockMs));
  if (status !== "ok") return { status: status === "busy" ? "busy" : "superseded" };
  return {
    status: "ok",
    async end(delivered) {
      await redis.tributaryEndVersion(keys.delivered, keys.writing, String(record.version), token, deliveryBodyTtlSeconds(ctx), delivered ? "1" : "0");
    },
  };
}
