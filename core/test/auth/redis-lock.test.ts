import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { createRedisLock, type HoldOutcome } from "../../src/auth/redis-lock.ts";
import { freePort } from "@tributary/test-kit";
import { capturingLogger, REDIS_URL } from "./support/auth-harness.ts";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const HOLDER = fileURLToPath(new URL("./support/lock-holder.ts", import.meta.url));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A promise and its resolver: the test's hand on when a holder's work ends. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe("Redis lock", () => {
  const redis = new Redis(REDIS_URL);
  const lock = createRedisLock(redis, { name: "test" });
  const key = () => `test-lock-${randomBytes(6).toString("hex")}`;
  afterAll(() => redis.disconnect());

  it("runs two contending holders one after the other, each holding the key, and frees it after each", async () => {
    const k = key();
    // Each holder as its own process would: its own connection and lock.
    const other = new Redis(REDIS_URL);
    try {
      const events: string[] = [];
      const firstGate = gate();
      const first = lock.hold(k, 10_000, 10_000, async () => {
        events.push("first in");
        await firstGate.promise;
        events.push("first out");
        return "first";
      });
      while (!events.includes("first in")) await sleep(5);
      const second = createRedisLock(other, { name: "test" }).hold(k, 10_000, 10_000, async () => {
        events.push(`second in (key held: ${await other.exists(k)})`);
        return "second";
      });
      // The second waits while the first holds the key.
      await sleep(100);
      expect(events).toEqual(["first in"]);
      firstGate.open();
      expect(await first).toEqual({ held: true, value: "first", kept: true });
      expect(await second).toEqual({ held: true, value: "second", kept: true });
      expect(events).toEqual(["first in", "first out", "second in (key held: 1)"]);
      expect(await redis.exists(k)).toBe(0);
    } finally {
      other.disconnect();
    }
  });

  it("gives up after the wait while another keeps the key, without running the work", async () => {
    const k = key();
    await redis.set(k, "another-holder", "PX", 60_000);
    let ran = false;
    expect(await lock.hold(k, 10_000, 60, async () => (ran = true))).toEqual({ held: false });
    expect(ran).toBe(false);
    expect(await redis.get(k)).toBe("another-holder");
  });

  it("takes the key once a holder that died lets it expire", async () => {
    const k = key();
    // A holder whose process died mid-work: its connection is gone, its key stays until its expiry.
    const dying = new Redis(REDIS_URL);
    void createRedisLock(dying, { name: "test" }).hold(k, 150, 0, () => new Promise<never>(() => undefined));
    while ((await redis.exists(k)) === 0) await sleep(5);
    dying.disconnect();
    expect(await lock.hold(k, 10_000, 10_000, async () => redis.pttl(k))).toMatchObject({ held: true, kept: true, value: expect.any(Number) });
  });

  it("keeps the key while work outlasts its expiry many times over: a contender waiting longer than that never enters", async () => {
    const k = key();
    const other = new Redis(REDIS_URL);
    try {
      let contender: HoldOutcome<string> | undefined;
      // An expiry of 1 s: renewed every third of it, so only an event-loop stall of over ~600 ms (a loaded
      // machine) could lose the key; shorter expiries made this test depend on the machine's load.
      const first = lock.hold(k, 1000, 0, async (lease) => {
        // Five expiries long: without renewal the contender would take the key after the first.
        contender = await createRedisLock(other, { name: "test" }).hold(k, 1000, 5000, async () => "contender");
        return { aborted: lease.signal.aborted, confirmed: await lease.confirm() };
      });
      expect(await first).toEqual({ held: true, value: { aborted: false, confirmed: true }, kept: true });
      expect(contender).toEqual({ held: false });
      expect(await redis.exists(k)).toBe(0);
    } finally {
      other.disconnect();
    }
  });

  it("many holders on their own connections, contending in a loop with work longer and shorter than the expiry: one at a time", async () => {
    const k = key();
    const holders = Array.from({ length: 6 }, () => new Redis(REDIS_URL));
    try {
      let inside = 0;
      let most = 0;
      let entries = 0;
      const lost: string[] = [];
      await Promise.all(
        holders.map(async (connection, h) => {
          const own = createRedisLock(connection, { name: "test", onLost: (name) => lost.push(name) });
          for (let round = 0; round < 4; round++) {
            const outcome = await own.hold(k, 900, 60_000, async (lease) => {
              inside++;
              entries++;
              most = Math.max(most, inside);
              // Every third holder works past the expiry (by a third); the others briefly.
              await sleep((h + round) % 3 === 0 ? 1200 : 5);
              inside--;
              return lease.signal.aborted;
            });
            expect(outcome).toEqual({ held: true, value: false, kept: true });
          }
        }),
      );
      expect({ entries, most, lost }).toEqual({ entries: 24, most: 1, lost: [] });
      expect(await redis.exists(k)).toBe(0);
    } finally {
      for (const connection of holders) connection.disconnect();
    }
  });

  it("a holder whose key expired and was taken (it stalled) has its signal aborted, confirms nothing, and leaves the successor's key", async () => {
    const k = key();
    const lost: string[] = [];
    const { log, lines } = capturingLogger();
    const watched = createRedisLock(redis, { name: "watched", log, onLost: (name) => lost.push(name) });
    const outcome = await watched.hold(k, 300, 0, async (lease) => {
      // What a stall past the expiry leaves behind: the key gone, then another holder's.
      await redis.set(k, "successor", "PX", 60_000);
      await once(lease.signal, "abort");
      return { reason: lease.signal.reason as unknown, confirmed: await lease.confirm() };
    });
    expect(outcome).toMatchObject({ held: true, kept: false, value: { reason: { code: "ERR_LOCK_LOST", errorClass: "transient" }, confirmed: false } });
    expect(await redis.get(k)).toBe("successor");
    expect(lost).toEqual(["watched"]);
    expect(lines.filter((line) => line.includes("a lock was lost while its holder worked"))).toHaveLength(1);
    await redis.del(k);
  });

  it("confirm right before a write says false once the key expired, even before the renewal timer noticed", async () => {
    const k = key();
    const outcome = await lock.hold(k, 60_000, 0, async (lease) => {
      await redis.del(k); // expired while the process was paused; the timer would look only in 20 s
      const confirmed = await lease.confirm();
      return { confirmed, aborted: lease.signal.aborted };
    });
    expect(outcome).toEqual({ held: true, kept: false, value: { confirmed: false, aborted: true } });
  });

  it("a holder process paused (SIGSTOP) past its expiry: another takes the key, and on resuming the holder's signal is aborted", async () => {
    const k = key();
    const holder = spawn(process.execPath, ["--import", "tsx", HOLDER], {
      cwd: ROOT,
      env: { ...process.env, REDIS_URL, LOCK_KEY: k, LOCK_TTL_MS: "300" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    onTestFinished(() => {
      holder.kill("SIGCONT");
      holder.kill("SIGKILL");
    });
    const lines = createInterface({ input: holder.stdout })[Symbol.asyncIterator]();
    const next = async () => String((await lines.next()).value);
    expect(await next()).toBe("in");
    holder.kill("SIGSTOP");
    while ((await redis.exists(k)) === 1) await sleep(50); // no renewal while it is stopped: the key expires
    const successor = lock.hold(k, 60_000, 0, async () => {
      holder.kill("SIGCONT");
      expect(await next()).toBe("lost ERR_LOCK_LOST");
      expect(await next()).toBe("confirm false");
      expect(await next()).toBe(`out ${JSON.stringify({ held: true, value: "done", kept: false })}`);
      return redis.exists(k);
    });
    expect(await successor).toEqual({ held: true, value: 1, kept: true });
  });

  it("a holder that cannot reach Redis to renew loses the lock once its last renewal expired; a failed work releases the key", async () => {
    const k = key();
    const cut = new Redis(REDIS_URL, { retryStrategy: () => null, maxRetriesPerRequest: 0 });
    cut.on("error", () => undefined);
    const outcome = await createRedisLock(cut, { name: "test" }).hold(k, 300, 0, async (lease) => {
      cut.disconnect(); // Redis unreachable from here on
      await once(lease.signal, "abort");
      return (lease.signal.reason as { code?: string }).code;
    });
    expect(outcome).toEqual({ held: true, value: "ERR_LOCK_LOST", kept: false });

    await expect(lock.hold(k, 10_000, 1000, async () => Promise.reject(new Error("work failed")))).rejects.toThrow("work failed");
    expect(await redis.exists(k)).toBe(0);
  });

  it("fails as ERR_REDIS_UNAVAILABLE, running nothing, when Redis cannot be reached", async () => {
    const dead = new Redis({ host: "127.0.0.1", port: await freePort(), lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    dead.on("error", () => undefined); // the refused connection is the point
    let ran = false;
    try {
      await expect(createRedisLock(dead, { name: "test" }).hold(key(), 10_000, 1000, async () => (ran = true))).rejects.toMatchObject({
        code: "ERR_REDIS_UNAVAILABLE",
        errorClass: "transient",
      });
      expect(ran).toBe(false);
    } finally {
      dead.disconnect();
    }
  });
});
