import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createCsrfTokens, dropUnrotatedCsrfKey } from "../../src/widget/csrf.ts";
import { TEST_REDIS_URL } from "../http/test-app.ts";

describe("widget CSRF tokens", () => {
  const redis = new Redis(TEST_REDIS_URL);
  afterAll(() => redis.disconnect());
  const keyName = () => `test-csrf-${randomBytes(6).toString("hex")}`;
  const HOUR = 3600_000;

  it("holds until the deadline it was made for, then reads as expired — not as forged", async () => {
    let now = Date.parse("2030-01-01T10:00:00Z");
    const csrf = createCsrfTokens(redis, keyName(), () => now);
    const deadline = new Date(now + 15 * 60_000);
    const token = await csrf.token("browser-a", "widget:s1", deadline);
    expect(await csrf.check("browser-a", "widget:s1", token)).toBe("valid");
    now = deadline.getTime() - 1000;
    expect(await csrf.check("browser-a", "widget:s1", token)).toBe("valid");
    now = deadline.getTime();
    expect(await csrf.check("browser-a", "widget:s1", token)).toBe("expired");
  });

  it("refuses another browser, another purpose, a changed deadline, a key it never made and no token", async () => {
    const now = Date.parse("2030-01-01T10:00:00Z");
    const csrf = createCsrfTokens(redis, keyName(), () => now);
    const token = await csrf.token("browser-a", "widget:s1", new Date(now + 60_000));
    expect(await csrf.check("browser-b", "widget:s1", token)).toBe("invalid");
    expect(await csrf.check("browser-a", "widget:s2", token)).toBe("invalid");
    expect(await csrf.check(undefined, "widget:s1", token)).toBe("invalid");
    expect(await csrf.check("browser-a", "widget:s1", undefined)).toBe("invalid");
    const [generation, deadline, mac] = token.split(".");
    expect(await csrf.check("browser-a", "widget:s1", `${generation}.${Number(deadline) + 3600}.${mac}`)).toBe("invalid");
    // Another deployment's key (another name) signed it: not ours.
    const other = createCsrfTokens(redis, keyName(), () => now);
    expect(await other.check("browser-a", "widget:s1", token)).toBe("invalid");
  });

  it("rotates its key every hour, each key kept for a bounded time; a token outlives a rotation but not its key", async () => {
    const name = keyName();
    let now = Date.parse("2030-01-01T10:59:00Z");
    const csrf = createCsrfTokens(redis, name, () => now);
    const token = await csrf.token("browser-a", "form:f1", new Date(now + 15 * 60_000));
    const generation = token.split(".")[0]!;
    const ttl = await redis.ttl(`${name}:${generation}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2 * 24 * 3600);

    now += 2 * 60_000; // the next hour: a new key signs, the old one still checks
    const next = await csrf.token("browser-a", "form:f1", new Date(now + 15 * 60_000));
    expect(next.split(".")[0]).not.toBe(generation);
    expect(await csrf.check("browser-a", "form:f1", token)).toBe("valid");

    // The old key gone (its time in Redis is up): what it signed no longer checks, even from a fresh process.
    await redis.del(`${name}:${generation}`);
    now += HOUR;
    expect(await createCsrfTokens(redis, name, () => now).check("browser-a", "form:f1", token)).toBe("invalid");
  });

  it("caps a token's life at a day whatever deadline it is asked for, and refuses a token from a future key", async () => {
    let now = Date.parse("2030-01-01T10:00:00Z");
    const csrf = createCsrfTokens(redis, keyName(), () => now);
    const token = await csrf.token("browser-a", "widget:s1", new Date(now + 30 * 24 * HOUR));
    now += 24 * HOUR;
    expect(await csrf.check("browser-a", "widget:s1", token)).toBe("expired");
    const [generation, ...rest] = token.split(".");
    expect(await csrf.check("browser-a", "widget:s1", [Number(generation) + 100, ...rest].join("."))).toBe("invalid");
  });

  it("drops the unrotated key older deployments left (no expiry, read by nothing), and only that key", async () => {
    const now = Date.parse("2030-01-01T10:00:00Z");
    const name = keyName();
    await redis.set(name, randomBytes(32).toString("base64"));
    const csrf = createCsrfTokens(redis, name, () => now);
    const token = await csrf.token("browser-a", "widget:s1", new Date(now + 60_000));
    await dropUnrotatedCsrfKey(redis, name);
    expect(await redis.exists(name)).toBe(0);
    await dropUnrotatedCsrfKey(redis, name);
    expect(await createCsrfTokens(redis, name, () => now).check("browser-a", "widget:s1", token)).toBe("valid");
    await redis.del(`${name}:${Math.floor(now / HOUR)}`);
  });
  it("drops the old key once Redis answers, rather than failing a start-up that began before it did", async () => {
    const name = keyName();
    await redis.set(name, "old");
    const late = new Redis(TEST_REDIS_URL, { lazyConnect: true, enableOfflineQueue: false });
    try {
      const dropped = dropUnrotatedCsrfKey(late, name);
      expect(await redis.exists(name)).toBe(1);
      await late.connect();
      await dropped;
      expect(await redis.exists(name)).toBe(0);
    } finally {
      late.disconnect();
    }
  });
});
