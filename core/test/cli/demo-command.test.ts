import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createCliProgram } from "../../src/cli/cli-program.ts";
import { defaultConfig } from "../../src/config/default-config.ts";

const README = readFileSync(fileURLToPath(new URL("../../../README.md", import.meta.url)), "utf8");

describe("tributary demo", () => {
  it("keeps its embedded database in a folder of its own, not a deployment's dataDir, and the README names it", () => {
    const demo = createCliProgram().commands.find((command) => command.name() === "demo");
    const dataDir = demo?.options.find((option) => option.long === "--data-dir")?.defaultValue as string | undefined;
    // TRIBUTARY_DEMO_DATA_DIR would move it: the test is about the default a newcomer gets.
    expect(process.env.TRIBUTARY_DEMO_DATA_DIR).toBeUndefined();
    expect(dataDir).toBeDefined();
    expect(resolve(dataDir!)).not.toBe(resolve(defaultConfig({}).dataDir));
    expect(README).toContain(`lives in \`${dataDir}/\``);
  });
});
