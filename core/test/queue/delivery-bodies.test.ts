import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createDeliveryBodies, createRedisConnection, deliveryBodyKeys } from "@tributary/core/queue";

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

describe("delivery bodies on real Redis", () => {
  const redis = createRedisConnection(redisUrl);
  afterAll(() => redis.disconnect());
  const fresh = () => {
    const prefix = `test-bodies-${randomUUID().slice(0, 8)}`;
    return { prefix, bodies: createDeliveryBodies(redis, prefix, 3600), keys: () => redis.keys(`${prefix}:*`) };
  };

  it("keeps a body, bytes for bytes, until every reader has released it, and no longer", async () => {
    const { prefix, bodies, keys } = fresh();
    const body = JSON.stringify({ type: "activity", data: [{ name: "Früh­lauf ✓" }] });
    await bodies.put("trace-1", body, ["a", "b"]);
    expect((await bodies.get("trace-1"))?.toString("utf8")).toBe(body);
    expect(await redis.ttl(deliveryBodyKeys(prefix, "trace-1").body)).toBeGreaterThan(3500);
    expect(await redis.ttl(deliveryBodyKeys(prefix, "trace-1").readers)).toBeGreaterThan(3500);

    await bodies.release("trace-1", "a");
    expect((await bodies.get("trace-1"))?.toString("utf8")).toBe(body);
    await bodies.release("trace-1", "b");
    expect(await bodies.get("trace-1")).toBeUndefined();
    expect(await keys()).toEqual([]);
  });

  it("counts a reader's release once, however often it is repeated (a delivery run again after a crash)", async () => {
    const { bodies } = fresh();
    await bodies.put("trace-2", "{}", ["a", "b"]);
    await bodies.release("trace-2", "a");
    await bodies.release("trace-2", "a");
    await Promise.all([bodies.release("trace-2", "a"), bodies.release("trace-2", "a")]);
    expect((await bodies.get("trace-2"))?.toString()).toBe("{}");
    await bodies.release("trace-2", "b");
    expect(await bodies.get("trace-2")).toBeUndefined();
  });

  it("answers the operations of one event-loop turn together, each caller its own", async () => {
    const { bodies, keys } = fresh();
    const ids = Array.from({ length: 20 }, (_, i) => `t-${i}`);
    await Promise.all(ids.map((id, i) => bodies.put(id, `{"n":${i}}`, [`r${i}`])));
    const read = await Promise.all(ids.map((id) => bodies.get(id)));
    expect(read.map((b) => b?.toString())).toEqual(ids.map((_, i) => `{"n":${i}}`));
    expect(await bodies.get("never-stored")).toBeUndefined();
    await Promise.all(ids.map((id, i) => bodies.release(id, `r${i}`)));
    expect(await keys()).toEqual([]);
  });

  it("leaves nothing behind when a release comes for a body already gone", async () => {
    const { bodies, keys } = fresh();
    await bodies.release("unknown", "a");
    expect(await keys()).toEqual([]);
  });
});
