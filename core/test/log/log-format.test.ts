import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createLogger, logFormatFor } from "../../src/log/logger.ts";
import { spawnCli } from "../../../test/kit/spawn-cli.ts";
import { freePort } from "../../../test/kit/free-port.ts";
import { dropSchema, TEST_DATABASE_URL } from "../state/test-databases.ts";

const CLI = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

/** A stream that records what is written to it, and says whether it is a terminal. */
function sink(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream: Object.assign(stream, { isTTY }), text: () => chunks.join("") };
}

describe("log format", () => {
  it("is pretty on a terminal and JSON otherwise, unless LOG_FORMAT says", () => {
    expect(logFormatFor(sink(true).stream, {})).toBe("pretty");
    expect(logFormatFor(sink(false).stream, {})).toBe("json");
    expect(logFormatFor(sink(true).stream, { LOG_FORMAT: "json" })).toBe("json");
    expect(logFormatFor(sink(false).stream, { LOG_FORMAT: "pretty" })).toBe("pretty");
  });

  it("pretty lines are readable text, with secrets redacted as in JSON", () => {
    const pretty = sink(false);
    createLogger({ destination: pretty.stream, format: "pretty" }).warn({ token: "s3cr3t-token", destination: "lake" }, "delivery failed");
    expect(pretty.text()).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: delivery failed\n/);
    expect(pretty.text()).toContain('destination: "lake"');
    expect(pretty.text()).not.toContain("s3cr3t-token");

    const json = sink(false);
    createLogger({ destination: json.stream, format: "json" }).warn({ token: "s3cr3t-token" }, "delivery failed");
    expect(JSON.parse(json.text())).toMatchObject({ level: 40, msg: "delivery failed", token: "[redacted]" });
  });

  it("--log-format sets it for the process; a wrong LOG_FORMAT or LOG_LEVEL is one line, not a stack", { timeout: 90_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "tributary-log-format-"));
    const schema = `log_${randomBytes(5).toString("hex")}`;
    const config = join(dir, "tributary.yaml");
    await writeFile(
      config,
      [
        `redis: { url: "redis://127.0.0.1:${await freePort()}", startupTimeoutSeconds: 1 }`,
        `database: { url: "${TEST_DATABASE_URL}", schema: ${schema} }`,
        `dataDir: "${join(dir, "data")}"`,
        `encryptionKey: "${randomBytes(32).toString("base64")}"`,
        `api: { apiKeys: ["${randomBytes(12).toString("hex")}"] }`,
        `plugins: ["@tributary/connector-sandbox"]`,
      ].join("\n"),
    );
    try {
      // Its output is a pipe, which would get JSON: the flag makes it pretty.
      const pretty = spawnCli(["--log-format", "pretty", "worker", "--no-scheduler", "-c", config]);
      await pretty.exited;
      expect(pretty.output()).toMatch(/\] WARN: Redis is not reachable at 127\.0\.0\.1:\d+; retrying/);
      expect(pretty.output()).not.toContain('{"level"');

      const wrongFormat = await run(["check", "-c", config], { LOG_FORMAT: "fancy" });
      expect(wrongFormat.code).toBe(2);
      expect(wrongFormat.stderr.trim()).toBe(
        '✗ ERR_CONFIG_INVALID: LOG_FORMAT must be pretty or json, got "fancy" — Write LOG_FORMAT=json (or pretty), or leave it unset for pretty on a terminal and JSON otherwise.',
      );
      const wrongLevel = await run(["check", "-c", config], { LOG_LEVEL: "loud" });
      expect(wrongLevel.code).toBe(2);
      expect(wrongLevel.stderr.trim()).toMatch(/^✗ ERR_CONFIG_INVALID: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"/);
    } finally {
      await dropSchema(schema);
      await rm(dir, { recursive: true, force: true });
    }
  });
});

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", CLI, ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (error, _stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stderr }),
    );
  });
}
