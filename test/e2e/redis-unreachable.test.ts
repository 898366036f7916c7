import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../kit/free-port.ts";
import { spawnCli } from "../kit/spawn-cli.ts";
import { until } from "../kit/until.ts";

/*
 * A process started while Redis is unreachable: one line saying so (no stack per reconnect attempt),
 * /health/ready false while it waits, and a non-zero exit after redis.startupTimeoutSeconds.
 */

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

describe("start-up with Redis unreachable", () => {
  const schema = `e2e_${randomBytes(6).toString("hex")}`;
  let dir: string;
  let configPath: string;
  let redisPort: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tributary-no-redis-"));
    redisPort = await freePort(); // nothing listens there
    configPath = join(dir, "tributary.yaml");
    await writeFile(
      configPath,
      [
        `redis: { url: "redis://127.0.0.1:${redisPort}", startupTimeoutSeconds: 600 }`,
        `database: { url: "${DATABASE_URL}", schema: ${schema} }`,
        `dataDir: "${join(dir, "data")}"`,
        `encryptionKey: "${randomBytes(32).toString("base64")}"`,
        `api: { apiKeys: ["${randomBytes(12).toString("hex")}"] }`,
        `plugins: ["@tributary/connector-sandbox"]`,
      ].join("\n"),
    );
  });

  afterAll(async () => {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
    await rm(dir, { recursive: true, force: true });
  });

  it("says so in one line, is not ready while it waits, and exits non-zero after the limit (env overrides the config)", { timeout: 90_000 }, async () => {
    const metricsPort = await freePort();
    const worker = spawnCli(["worker", "-c", configPath, "--metrics-port", String(metricsPort), "--no-scheduler"], {
      ...process.env,
      TRIBUTARY_REDIS_STARTUP_TIMEOUT: "6",
    });
    await until("the waiting line", async () => (worker.output().includes("retrying with backoff") ? true : undefined));
    const ready = await fetch(`http://127.0.0.1:${metricsPort}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { redis: "unavailable", database: "ok" } });
    expect((await fetch(`http://127.0.0.1:${metricsPort}/health/live`)).status).toBe(200);

    const { code } = await worker.exited;
    const output = worker.output();
    expect(code).not.toBe(0);
    expect(output).toContain(`✗ ERR_REDIS_UNAVAILABLE: Redis is not reachable at 127.0.0.1:${redisPort} after 6 s`);
    expect(output).not.toMatch(/\n\s+at /); // no stack trace
    expect(output.match(/ECONNREFUSED/g) ?? []).toHaveLength(0);
    // The warning while waiting and the final error; the status server's own lines at most besides.
    expect(output.trim().split("\n").length).toBeLessThanOrEqual(5);
  });
});
