import { spawnSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { ensureRedis } from "../../src/queue/ensure-redis.ts";
import { freePort } from "@tributary/test-kit";

describe("ensureRedis: BullMQ's one prerequisite", () => {
  const started: number[] = [];
  const originalPath = process.env.PATH;
  afterEach(() => {
    process.env.PATH = originalPath;
    for (const port of started.splice(0)) spawnSync("redis-cli", ["-p", String(port), "shutdown", "nosave"], { stdio: "ignore" });
  });

  it("uses a Redis that answers, starting nothing", async () => {
    await expect(ensureRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379")).resolves.toEqual({ started: false });
  });

  it("starts a local in-memory redis-server when none answers and one is installed", async () => {
    const port = await freePort();
    const result = await ensureRedis(`redis://127.0.0.1:${port}`);
    started.push(port);
    expect(result).toEqual({ started: true });
    expect(
      spawnSync("redis-cli", ["-p", String(port), "ping"])
        .stdout.toString()
        .trim(),
    ).toBe("PONG");
  });

  it("stops with one clear line saying how to get Redis when none answers and none is installed", async () => {
    const port = await freePort();
    process.env.PATH = "/nonexistent";
    const error = await ensureRedis(`redis://127.0.0.1:${port}`).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ERR_REDIS_UNAVAILABLE", errorClass: "user" });
    const line = (error as { toOperatorString(): string }).toOperatorString();
    expect(line).not.toContain("\n");
    expect(line).toMatch(/install Redis .*REDIS_URL/);
  });
});
