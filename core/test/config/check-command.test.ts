import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { registerCheckCommand } from "../../src/cli/commands/check.ts";
import { ErrorCodes } from "../../src/errors/codes.ts";
import { UserError } from "../../src/errors/tributary-error.ts";
import { freePort } from "../../../test/kit/free-port.ts";
import { fakeDestination, MINIMAL_API, registryWith, tempDir } from "./helpers.ts";

describe("tributary check", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => dir.cleanup());

  const checkedWith: unknown[] = [];

  async function run(configText: string, ...args: string[]) {
    return runWith({}, configText, ...args);
  }

  async function runWith(env: Record<string, string>, configText: string, ...args: string[]) {
    const path = await dir.write("tributary.yaml", configText);
    const out: string[] = [];
    const err: string[] = [];
    let exitCode: number | undefined;
    const program = new Command().exitOverride();
    registerCheckCommand(program, {
      env,
      createRegistry: () =>
        registryWith(
          fakeDestination("good-sink", {
            check: async (_options, checkOptions) => {
              checkedWith.push(checkOptions);
            },
          }),
          fakeDestination("bad-sink", {
            check: async () => {
              throw new UserError(ErrorCodes.DESTINATION_AUTH, "wrong password");
            },
          }),
        ),
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      setExitCode: (code) => {
        exitCode = code;
      },
    });
    await program.parseAsync(["check", "-c", path, ...args], { from: "user" });
    return { out, err, exitCode };
  }

  const destinations = (...types: string[]) =>
    `${MINIMAL_API}plugins: []\ndestinations:\n${types.map((type, i) => `  - { name: d${i}, type: ${type}, options: { url: x } }\n`).join("")}`;

  it("exits 0 when Redis, the state store and every destination work, printing one line each", async () => {
    checkedWith.length = 0;
    const result = await run(destinations("good-sink", "good-sink"));
    expect(result.exitCode).toBe(0);
    expect(result.out).toHaveLength(4);
    expect(result.out[0]).toMatch(/^✓ redis \(127\.0\.0\.1:6379\) {2}ok {2}\d+ ms$/);
    expect(result.out[1]).toMatch(/^✓ state store \(embedded, \.tributary\/db\) {2}ok {2}\d+ ms$/);
    expect(result.out[3]).toMatch(/^✓ d1 \(good-sink\) {2}ok {2}\d+ ms$/);
    // Read-only unless asked.
    expect(checkedWith).toEqual([{ write: false }, { write: false }]);
  });

  it("lets destinations write only with --write-test", async () => {
    checkedWith.length = 0;
    const result = await run(destinations("good-sink"), "--write-test");
    expect(result.exitCode).toBe(0);
    expect(checkedWith).toEqual([{ write: true }]);
  });

  it("exits 1 when a destination does not work", async () => {
    const result = await run(destinations("good-sink", "bad-sink"), "--timeout", "2");
    expect(result.exitCode).toBe(1);
    expect(result.out[3]).toBe("✗ d1 (bad-sink)  ERR_DESTINATION_AUTH: wrong password");
  });

  it("exits 1 when Redis or the state store is unreachable, naming each without its password", async () => {
    const [redisPort, databasePort] = [await freePort(), await freePort()];
    const result = await runWith(
      { REDIS_URL: `redis://127.0.0.1:${redisPort}`, DATABASE_URL: `postgres://tributary:pw-not-shown@127.0.0.1:${databasePort}/tributary` },
      `${MINIMAL_API}plugins: []\nredis: { url: "\${REDIS_URL}" }\ndatabase: { url: "\${DATABASE_URL}" }\n`,
      "--timeout",
      "2",
    );
    expect(result.exitCode).toBe(1);
    expect(result.out[0]).toBe(
      `✗ redis (127.0.0.1:${redisPort})  ERR_REDIS_UNAVAILABLE: Redis is not reachable at 127.0.0.1:${redisPort} — Start it, or point redis.url (REDIS_URL) at a running one.`,
    );
    expect(result.out[1]).toMatch(
      new RegExp(`^✗ state store \\(postgres 127\\.0\\.0\\.1:${databasePort}/tributary\\) {2}ERR_STATE_UNAVAILABLE: .*ECONNREFUSED`),
    );
    expect(result.out.join("\n")).not.toContain("pw-not-shown");
  });

  it("exits 2 and prints the config error when the file is wrong", async () => {
    const result = await run(destinations("missing-sink"));
    expect(result.exitCode).toBe(2);
    expect(result.out).toEqual([]);
    expect(result.err[0]).toContain('tributary.yaml:5:23 destinations[0].type: no destination plugin is named "missing-sink"');
  });

  it("says so when there is nothing to check", async () => {
    const result = await run(`${MINIMAL_API}plugins: []\n`);
    expect(result).toMatchObject({ err: [], exitCode: 0 });
    expect(result.out.slice(2)).toEqual(["No enabled destination to check."]);
  });
});
