import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_DELIVERY_POLICY } from "../../src/runtime/delivery-policy.ts";
import { claimPublication, takeWriteTurn } from "../../src/runtime/merged-record-versions.ts";
import type { RuntimeContext } from "../../src/runtime/runtime-context.ts";
import { silentLogger } from "../../src/log/logger.ts";
import { createMetrics } from "../../src/observability/metrics.ts";

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const metrics = createMetrics();
const ctx = {
  redis,
  queues: { prefix: `test-${randomUUID().slice(0, 8)}` },
  policy: DEFAULT_DELIVERY_POLICY,
  log: silentLogger(),
  metrics,
} as unknown as RuntimeContext;
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
    const writing = await takeWriteTurn(ctx, user, "warehouse", day(200));
    expect(writing.status).toBe("ok");
    // A version being written holds the record at this destination, not at another.
    expect((await takeWriteTurn(ctx, user, "warehouse", day(300))).status).toBe("busy");
    const elsewhere = await takeWriteTurn(ctx, user, "archive", day(200));
    expect(elsewhere.status).toBe("ok");
    if (writing.status !== "ok" || elsewhere.status !== "ok") return;
    await writing.endAfter(Promise.resolve());
    await elsewhere.endAfter(Promise.reject(new Error("refused")));
    // Version 100 is older than the one published (200) and the one delivered: never written after them.
    expect((await takeWriteTurn(ctx, user, "warehouse", day(100))).status).toBe("superseded");
    expect((await takeWriteTurn(ctx, user, "archive", day(100))).status).toBe("superseded");
    // A newer version published makes a queued 200 pointless where it was not delivered yet.
    await claimPublication(ctx, user, day(300), 6_000);
    expect((await takeWriteTurn(ctx, user, "archive", day(200))).status).toBe("superseded");
    const next = await takeWriteTurn(ctx, user, "warehouse", day(300));
    expect(next.status).toBe("ok");
    if (next.status === "ok") await next.endAfter(Promise.resolve());
    // The same version again (a retry after a crash) is written again.
    const retried = await takeWriteTurn(ctx, user, "warehouse", day(300));
    expect(retried.status).toBe("ok");
    if (retried.status === "ok") await retried.endAfter();
  });

  it("a turn ends when its write settles, not before: a write given up on keeps the next version waiting until it lands", async () => {
    const record = { ...day(2), key: "2026-03-12" };
    const first = await takeWriteTurn(ctx, user, "warehouse", record);
    if (first.status !== "ok") throw new Error(`turn not taken: ${first.status}`);
    let land!: () => void;
    const write = new Promise<void>((resolve) => (land = resolve));
    // The job gave up on the write (its timeout) and ended the turn after it: it is still running.
    const ended = first.endAfter(write);
    expect((await takeWriteTurn(ctx, user, "warehouse", { ...record, version: 3 })).status).toBe("busy");
    land();
    await ended;
    // It landed: version 2 is delivered (an older one is superseded), and the turn is free for version 3.
    expect((await takeWriteTurn(ctx, user, "warehouse", { ...record, version: 1 })).status).toBe("superseded");
    const again = await takeWriteTurn(ctx, user, "warehouse", { ...record, version: 3 });
    expect(again.status).toBe("ok");
    if (again.status === "ok") await again.endAfter();
  });

  it("a turn lost while its write runs (another holder has the key) aborts its signal with ERR_LOCK_LOST and is counted", async () => {
    const record = { ...day(1), key: "2026-03-13" };
    const turnKeys = () => redis.keys(`${ctx.queues.prefix}:*:writing:warehouse`);
    const others = new Set(await turnKeys());
    const turn = await takeWriteTurn(ctx, user, "warehouse", record);
    if (turn.status !== "ok") throw new Error(`turn not taken: ${turn.status}`);
    const before = (await metrics.locksLost.get()).values.find((v) => v.labels.lock === "write_turn")?.value ?? 0;
    // As after a stall of this process past the turn's expiry: the key expired and another version's write took it.
    const [key] = (await turnKeys()).filter((k) => !others.has(k));
    expect(key).toBeDefined();
    await redis.set(key!, "another holder");
    expect(await turn.confirm()).toBe(false);
    expect(turn.signal.aborted).toBe(true);
    expect((turn.signal.reason as { code?: string }).code).toBe("ERR_LOCK_LOST");
    const after = (await metrics.locksLost.get()).values.find((v) => v.labels.lock === "write_turn")?.value ?? 0;
    expect(after).toBe(before + 1);
    // Ending it leaves the other holder's key alone.
    await turn.endAfter(Promise.resolve());
    expect(await redis.get(key!)).toBe("another holder");
  });
});
