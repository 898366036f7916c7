import type { RedisClient } from "./redis-client.ts";
import { createTickBatcher } from "../util/tick-batcher.ts";
import { deliveryBodyKeys, perSlot } from "./redis-keys.ts";

/**
 * The serialized payloads (bodies) the delivery jobs send, kept in Redis once per payload rather than inside each
 * destination's job. In job data a 40 KB envelope is a string inside JSON: escaped when the job is added,
 * copied through three Lua scripts (add, take, finish-and-take-next), unescaped when it is read, and
 * stored again for every destination. Here it is written once and read back as bytes, which the webhook
 * destination sends as they are.
 *
 * Each payload is stored with the names of the deliveries (destinations) that will read it; each one
 * releases it once it is done with it for good (delivered, withheld, or dead-lettered with a copy), and
 * the last release deletes it. A release names its reader, so it counts once however often it is
 * repeated: a delivery that released the body and then died before BullMQ recorded it as complete runs
 * again, and must not take another reader's share. The expiry is a backstop for jobs that vanish without
 * finishing (removed by hand), set well past the longest retry schedule.
 */
export interface DeliveryBodies {
  /** Keep `body` for these readers. Resolves once it is stored: add the jobs after. */
  put(id: string, body: string, readers: readonly string[]): Promise<void>;
  /** The stored bytes, or undefined once released by every reader or expired. */
  get(id: string): Promise<Buffer | undefined>;
  /** `reader` is done with the payload (again: harmless); the last reader's release deletes it. */
  release(id: string, reader: string): Promise<void>;
}

/**
 * KEYS: body and readers key of each payload, in pairs. ARGV: expiry (s), then for each payload its body,
 * its number of readers and their names.
 */
const PUT_SCRIPT = `
local ttl = ARGV[1]
local at = 2
for i = 1, #KEYS, 2 do
  local body = ARGV[at]
  local count = tonumber(ARGV[at + 1])
  redis.call("SET", KEYS[i], body, "EX", ttl)
  redis.call("DEL", KEYS[i + 1])
  redis.call("SADD", KEYS[i + 1], unpack(ARGV, at + 2, at + 1 + count))
  redis.call("EXPIRE", KEYS[i + 1], ttl)
  at = at + 2 + count
end
return #KEYS / 2`;

/** KEYS: body and readers key of each payload, in pairs; ARGV: the releasing reader of each. */
const RELEASE_SCRIPT = `
for i = 1, #KEYS, 2 do
  local readers = KEYS[i + 1]
  redis.call("SREM", readers, ARGV[(i + 1) / 2])
  if redis.call("SCARD", readers) == 0 then redis.call("DEL", KEYS[i], readers) end
end
return #KEYS / 2`;

type StoringRedis = RedisClient & {
  tributaryPutDeliveryBodies(numKeys: number, ...keysThenArgs: Array<string | number>): Promise<number>;
  tributaryReleaseDeliveryBodies(numKeys: number, ...keysThenArgs: string[]): Promise<number>;
};

export function createDeliveryBodies(redis: RedisClient, prefix: string, ttlSeconds: number): DeliveryBodies {
  if (!("tributaryPutDeliveryBodies" in redis)) redis.defineCommand("tributaryPutDeliveryBodies", { lua: PUT_SCRIPT });
  if (!("tributaryReleaseDeliveryBodies" in redis)) redis.defineCommand("tributaryReleaseDeliveryBodies", { lua: RELEASE_SCRIPT });
  const storing = redis as StoringRedis;
  const keys = (id: string) => {
    const { body, readers } = deliveryBodyKeys(prefix, id);
    return [body, readers];
  };
  const ttl = Math.max(1, Math.ceil(ttlSeconds));

  // Every operation of one event-loop turn is one round trip (one per slot on a Redis Cluster).
  const put = createTickBatcher((items: Array<{ id: string; body: string; readers: readonly string[] }>) =>
    perSlot(
      redis,
      items,
      (item) => deliveryBodyKeys(prefix, item.id).body,
      async (batch) => {
        const args = batch.flatMap((item) => [item.body, item.readers.length, ...item.readers]);
        await storing.tributaryPutDeliveryBodies(batch.length * 2, ...batch.flatMap((item) => keys(item.id)), ttl, ...args);
        return batch.map(() => undefined);
      },
    ),
  );
  const get = createTickBatcher((ids: string[]) =>
    perSlot(
      redis,
      ids,
      (id) => deliveryBodyKeys(prefix, id).body,
      async (batch) => (await redis.mgetBuffer(batch.map((id) => deliveryBodyKeys(prefix, id).body))).map((body) => body ?? undefined),
    ),
  );
  const release = createTickBatcher((items: Array<{ id: string; reader: string }>) =>
    perSlot(
      redis,
      items,
      (item) => deliveryBodyKeys(prefix, item.id).body,
      async (batch) => {
        await storing.tributaryReleaseDeliveryBodies(batch.length * 2, ...batch.flatMap((item) => keys(item.id)), ...batch.map((item) => item.reader));
        return batch.map(() => undefined);
      },
    ),
  );

  return {
    put: (id, body, readers) => (readers.length === 0 ? Promise.resolve() : put({ id, body, readers })),
    get: (id) => get(id),
    release: (id, reader) => release({ id, reader }),
  };
}
