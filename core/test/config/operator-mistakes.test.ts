import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseEntryId, parseTime } from "../../src/cli/operator-arguments.ts";
import { loadConfigWithPlugins } from "../../src/config/load-config.ts";
import { isTributaryError } from "../../src/errors/tributary-error.ts";
import { MINIMAL_API, tempDir } from "./helpers.ts";

/*
 * Mistakes operators make, one class each: the message names the field (or argument), what is wrong and
 * what to write instead — no stack trace, no JSON-Schema jargon ("then" schema, boolean schema).
 */

const JARGON = /"then"|boolean schema|must match "|schema is false|\bat \w+ \(/;

describe("config mistakes", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => dir.cleanup());

  const problemsOf = async (text: string, env: Record<string, string> = {}) => {
    const path = await dir.write("tributary.yaml", text);
    const error = await loadConfigWithPlugins({ path, env }).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!isTributaryError(error)) throw new Error(`expected a config error, got ${String(error)}`);
    const text_ = error.toOperatorString();
    expect(text_).not.toMatch(JARGON);
    return text_;
  };

  it("an option one dialect does not have (schema on MySQL) is named, with what to do instead", async () => {
    const said = await problemsOf(
      `${MINIMAL_API}destinations:\n  - { name: mirror, type: sql, options: { dialect: mysql, url: "mysql://root@127.0.0.1/test", schema: analytics } }\n`,
    );
    expect(said).toContain("destinations[0].options.schema: is not allowed here: MySQL and MariaDB have no schemas: remove schema");
    // One problem, not the rule and its `if` wrapper.
    expect(said).toContain("has 1 problem");
  });

  it("an unknown destination type lists every type there is, loaded or not", async () => {
    const said = await problemsOf(`${MINIMAL_API}destinations:\n  - { name: x, type: postgres, options: {} }\n`);
    expect(said).toContain('destinations[0].type: no destination plugin is named "postgres"; known types: firestore, mongodb, s3, sql, sqs, webhook');
  });

  it("an unclosed ${VAR is named as such, with the reference to write", async () => {
    const said = await problemsOf(
      `${MINIMAL_API}destinations:\n  - name: hook\n    type: webhook\n    options:\n      url: \${HOOK_URL/hook\n      signingSecret: abcdefghijklmnop\n`,
      {
        HOOK_URL: "http://127.0.0.1:9",
      },
    );
    expect(said).toContain('destinations[0].options.url: "${HOOK_URL" is not closed: write ${HOOK_URL} (or ${HOOK_URL:-default}), or $${ for a literal ${');
    expect(said).not.toMatch(/pattern|must be a valid uri/);
  });
});

describe("argument mistakes", () => {
  it("an id is taken as the lists print it (#6) or bare; anything else says what to write", () => {
    expect(parseEntryId("#6", "dead letter")).toBe(6);
    expect(parseEntryId("6", "dead letter")).toBe(6);
    for (const wrong of ["six", "#", "0", "-2", "6.5"]) {
      expect(() => parseEntryId(wrong, "dead letter")).toThrow(
        expect.objectContaining({ code: "ERR_ARGUMENT_INVALID", hint: expect.stringContaining("'#6'") }),
      );
    }
  });

  it("a time is a date, a date-time or a duration ago", () => {
    const now = Date.parse("2026-12-06T12:00:00Z");
    expect(parseTime("2026-12-01", "--since", now)).toBe("2026-12-01T00:00:00.000Z");
    expect(parseTime("12h", "--since", now)).toBe("2026-12-06T00:00:00.000Z");
    expect(parseTime("7d", "--since", now)).toBe("2026-11-29T12:00:00.000Z");
    expect(() => parseTime("yesterday", "--since", now)).toThrow(
      expect.objectContaining({ code: "ERR_ARGUMENT_INVALID", message: '--since "yesterday" is not a time' }),
    );
  });

  it("the CLI prints one line for them, no stack", { timeout: 60_000 }, async () => {
    const cli = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
    const run = (args: string[]) =>
      new Promise<{ code: number; stderr: string }>((resolve) =>
        execFile(process.execPath, ["--import", "tsx", cli, ...args], { timeout: 60_000 }, (error, _stdout, stderr) =>
          resolve({ code: typeof error?.code === "number" ? error.code : 0, stderr }),
        ),
      );
    for (const args of [
      ["dead-letters", "replay", "#six"],
      ["quarantine", "show", "abc"],
      ["dead-letters", "replay", "--since", "yesterday"],
      ["dead-letters", "replay"],
    ]) {
      const { code, stderr } = await run(args);
      expect(code, args.join(" ")).toBe(2);
      expect(stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(stderr).toMatch(/^✗ ERR_ARGUMENT_INVALID: /);
    }
  });
});
