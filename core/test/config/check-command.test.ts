import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { registerCheckCommand } from "../../src/cli/commands/check.ts";
import { ErrorCodes } from "../../src/errors/codes.ts";
import { UserError } from "../../src/errors/tributary-error.ts";
import { fakeDestination, MINIMAL_API, registryWith, tempDir } from "./helpers.ts";

describe("tributary check", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => dir.cleanup());

  async function run(configText: string, ...args: string[]) {
    const path = await dir.write("tributary.yaml", configText);
    const out: string[] = [];
    const err: string[] = [];
    let exitCode: number | undefined;
    const program = new Command().exitOverride();
    registerCheckCommand(program, {
      env: {},
      createRegistry: () =>
        registryWith(
          fakeDestination("good-sink"),
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

  it("exits 0 when every destination works, printing one line each", async () => {
    const result = await run(destinations("good-sink", "good-sink"));
    expect(result.exitCode).toBe(0);
    expect(result.out).toHaveLength(2);
    expect(result.out[1]).toMatch(/^✓ d1 \(good-sink\) {2}ok {2}\d+ ms$/);
  });

  it("exits 1 when one does not", async () => {
    const result = await run(destinations("good-sink", "bad-sink"), "--timeout", "2");
    expect(result.exitCode).toBe(1);
    expect(result.out[1]).toBe("✗ d1 (bad-sink)  ERR_DESTINATION_AUTH: wrong password");
  });

  it("exits 2 and prints the config error when the file is wrong", async () => {
    const result = await run(destinations("missing-sink"));
    expect(result.exitCode).toBe(2);
    expect(result.out).toEqual([]);
    expect(result.err[0]).toContain('tributary.yaml:5:23 destinations[0].type: no destination plugin is named "missing-sink"');
  });

  it("says so when there is nothing to check", async () => {
    const result = await run(`${MINIMAL_API}plugins: []\n`);
    expect(result).toEqual({ out: ["No enabled destination to check."], err: [], exitCode: 0 });
  });
});
