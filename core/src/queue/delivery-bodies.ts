import type { Redis } from "ioredis";
import { createTickBatcher } from "../util/tick-batcher.ts";

/**
 * The serialized payloads (bodies) the delivery jobs send, kept in Redis once per payload rather than inside each
 * destination's job. In job data a 40 KB envelope is a string inside JSON: escaped when the job is added,
 * copied through three Lua scripts (add, take, finish-and-take-next), unescaped when it is read, and
 * stored again for every destination. Here it is written once and read back as bytes, which the webhook
 * destination sends as they are.
 *
 * Each payload is stored with the number of deliveries that will read it; each delivery releases it once
 * it is done with it for good (delivered, withheld, or dead-lettered with a copy), and the last release
 * deletes it. The expiry is a backstop for jobs that vanish without finishing (removed by hand), set well
 * past the longest retry schedule.
 */
export interface DeliveryBodies {
  /** Keep `body` for `readers` deliveries. Resolves once it is stored: add the jobs after. */
  put(id: string, body: string, readers: number): Promise<void>;
  /** The stored bytes, or undefined once released by every reader or expired. */
  get(id: string): Promise<Buffer | undefined>;
  /** One reader is done with the payload; the last one deletes it. */
  release(id: string): Promise<void>;
}

/** KEYS: body and reader-count key of each payload, in pairs. ARGV: expiry (s), then readers and body of each. */
const PUT_SCRIPT = `
local ttl = ARGV[1]
for i = 1, #KEYS, 2 do
  redis.call("SET", KEYS[i], ARGV[i + 2], "EX", ttl)
  redis.call("SET", KEYS[i + 1], ARGV[i + 1], "EX", ttl)
end
return #KEYS / 2`;

/** KEYS: body and reader-count key of each payload, in pairs (a missing count goes to -1: deleted too). */
const RELEASE_SCRIPT = `
for i = 1, #KEYS, 2 do
  if redis.call("DECR", KEYS[i + 1]) <= 0 then redis.call("DEL", KEYS[i], KEYS[i + 1]) end
end
return #KEYS / 2`;

type StoringRedis = Redis & {
  tributaryPutDeliveryBodies(numKeys: number, ...keysThenArgs: Array<string | number>): Promise<number>;
  tributaryReleaseDeliveryBodies(numKeys: number, ...keys: string[]): Promise<number>;
};

export function createDeliveryBodies(redis: Redis, prefix: string, ttlSeconds: number): DeliveryBodies {
  if (!("tributaryPutDeliveryBodies" in redis)) redis.defineCommand("tributaryPutDeliveryBodies", { lua: PUT_SCRIPT });
  if (!("tributaryReleaseDeliveryBodies" in redis)) redis.defineCommand("tributaryReleaseDeliveryBodies", { lua: RELEASE_SCRIPT });
  const storing = redis as StoringRedis;
  const bodyKey = (id: string) => `${prefix}:payload:${id}`;
  const keys = (id: string) => [bodyKey(id), `${prefix}:payload:${id}:readers`];
  const ttl = Math.max(1, Math.ceil(ttlSeconds));

  // Every operation of one event-loop turn is one round trip.
  const put = createTickBatcher(async (items: Array<{ id: string; body: string; readers: number }>) => {
    await storing.tributaryPutDeliveryBodies(items.length * 2, ...items.flatMap((item) => keys(item.id)), ttl, ...items.flatMap((item) => [item.readers, item.body]));
    return items.map(() => undefined);
  });
  const get = createTickBatcher(async (ids: string[]) => (await redis.mgetBuffer(ids.map(bodyKey))).map((body) => body ?? undefined));
  const release = createTickBatcher(async (ids: string[]) => {
    await storing.tributaryReleaseDeliveryBodies(ids.length * 2, ...ids.flatMap(keys));
    return ids.map(() => undefined);
  });

  return {
    put: (id, body, readers) => put({ id, body, readers }),
    get: (id) => get(id),
    release: (id) => release(id),
  };
}
