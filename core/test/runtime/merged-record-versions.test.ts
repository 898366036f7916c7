import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_DELIVERY_POLICY } from "../../src/runtime/delivery-policy.ts";
import { claimPublication, takeWriteTurn } from "../../src/runtime/merged-record-versions.ts";
import type { RuntimeContext } from "../../src/runtime/runtime-context.ts";

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const ctx = { redis, queues: { prefix: `test-${randomUUID().slice(0, 8)}` }, policy: DEFAULT_DELIVERY_POLICY } as unknown as RuntimeContext;
const user = randomUUID();
const day = (version: number) => ({ dataType: "daily", key: "2026-03-10", version });

describe("merged record versions (real Redis)", () => {
  afterAll(async () => {
    const keys = await redis.keys(`${ctx.queues.prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it("a publication claims its version: later versions get later ordering timestamps, an older one none, the same one its own again", async () => {
    const first = await claimPublication(ctx, user, day(100), 5_000);
    expect(first).toBe(5_000);
    // A clock behind the last publication still orders the newer version after it.
    const second = await claimPublication(ctx, user, day(200), 4_000);
    expect(second).toBe(5_001);
    expect(await claimPublication(ctx, user, day(100), 9_000)).toBeUndefined();
    expect(await claimPublication(ctx, user, day(200), 9_000)).toBe(5_001);
    // Another record of the user: versions of its own.
    expect(await claimPublication(ctx, user, { ...day(1), key: "2026-03-11" }, 7_000)).toBe(7_000);
  });

  it("writes of one record to one destination take turns, in version order; older versions are superseded", async () => {
    const writing = await takeWriteTurn(ctx, user, "warehouse", day(200), 10_000);
    expect(writing.status).toBe("ok");
    // A version being written holds the record at this destination, not at another.
    expect((await takeWriteTurn(ctx, user, "warehouse", day(300), 10_000)).status).toBe("busy");
    const elsewhere = await takeWriteTurn(ctx, user, "archive", day(200), 10_000);
    expect(elsewhere.status).toBe("ok");
    if (writing.status !== "ok" || elsewhere.status !== "ok") return;
    await writing.end(true);
    await elsewhere.end(false);
    // Version 100 is older than the one published (200) and the one delivered: never written after them.
    expect((await takeWriteTurn(ctx, user, "warehouse", day(100), 10_000)).status).toBe("superseded");
    expect((await takeWriteTurn(ctx, user, "archive", day(100), 10_000)).status).toBe("superseded");
    // A newer version published makes a queued 200 pointless where it was not delivered yet.
    await claimPublication(ctx, user, day(300), 6_000);
    expect((await takeWriteTurn(ctx, user, "archive", day(200), 10_000)).status).toBe("superseded");
    const next = await takeWriteTurn(ctx, user, "warehouse", day(300), 10_000);
    expect(next.status).toBe("ok");
    if (next.status === "ok") await next.end(true);
    // The same version again (a retry after a crash) is written again.
    expect((await takeWriteTurn(ctx, user, "warehouse", day(300), 10_000)).status).toBe("ok");
  });
});
