import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runDemo } from "@tributary/core/demo";
import { silentLogger } from "@tributary/core/log";
import { TEST_REDIS_URL } from "@tributary/test-kit";
import { spawnCli } from "../kit/spawn-cli.ts";

/**
 * The README's main command, as a newcomer runs it: embedded database, local Redis, signed deliveries.
 * Five days: the SANDBOX generator guarantees every data type in any 5-day window.
 */
describe("the sandbox demo (pnpm start)", () => {
  let dataDir: string | undefined;
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("delivers every data type, signed and schema-valid, and says so", async () => {
    dataDir = await mkdtemp(join(tmpdir(), "tributary-demo-"));
    const lines: string[] = [];
    const result = await runDemo({ redisUrl: TEST_REDIS_URL, dataDir, days: 5, log: silentLogger(), print: (line) => lines.push(line) });
    expect(result.invalid).toBe(0);
    expect(new Set(result.received.map((r) => r.payload.type))).toEqual(
      new Set(["auth", "activity", "body", "daily", "sleep", "nutrition", "menstruation", "athlete"]),
    );
    expect(result.records).toBeGreaterThan(10);
    // A type whose records outgrow one payload's size cap arrives in several payloads.
    const done = /^✓ Done: (\d+) signed payloads \((\d+) records\) delivered through BullMQ; 0 failed schema validation; 0 records in quarantine\.$/.exec(
      lines.at(-1) ?? "",
    );
    expect(done, lines.at(-1)).not.toBeNull();
    expect(Number(done![1])).toBe(result.received.length);
    expect(result.received.length).toBeGreaterThanOrEqual(8);
    expect(Number(done![2])).toBe(result.records);
    expect(lines.some((line) => line.includes("embedded PostgreSQL (PGlite)"))).toBe(true);
  });

  it("keeps to its own embedded store with DATABASE_URL set (a deployment's database never sees its users)", { timeout: 180_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "tributary-demo-env-"));
    try {
      // Unreachable: had the demo used it, it would have failed before connecting its user.
      const run = spawnCli(["demo", "--no-widget", "--days", "5", "--data-dir", dir], {
        ...process.env,
        REDIS_URL: TEST_REDIS_URL,
        DATABASE_URL: "postgres://deployment@127.0.0.1:1/deployment",
      });
      const { code } = await run.exited;
      expect(code, run.output()).toBe(0);
      expect(run.output()).toContain(`• DATABASE_URL is set: not used, the demo keeps to its own embedded store in ${dir}`);
      expect(run.output()).toContain(`• State store: embedded PostgreSQL (PGlite) in ${dir}`);
      expect(run.output()).toMatch(/✓ Done: \d+ signed payloads/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
