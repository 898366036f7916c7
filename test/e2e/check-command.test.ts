import { execFile } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReadBack, MYSQL_URL, POSTGRES_URL } from "../kit/read-back/index.ts";
import { freePort } from "@tributary/test-kit";

/*
 * `tributary check` as an operator runs it: the real CLI in a child process, against the real servers.
 * Exit 0/1/2, one line per destination, and no secret in anything it prints.
 */

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = join(ROOT, "core/src/cli/main.ts");

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", CLI, ...args],
      { cwd: ROOT, env: { ...process.env, ...env, LOG_LEVEL: "warn" }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

describe("tributary check (the CLI, against real servers)", () => {
  const id = randomUUID().replaceAll("-", "").slice(0, 12);
  const apiKey = randomBytes(16).toString("hex");
  const wrongPassword = `not-the-password-${randomUUID()}`;
  const signingSecret = randomBytes(16).toString("hex");
  const warehouse = { dialect: "postgres", schema: `t_${id}` };
  const readBack = createReadBack();
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tributary-check-"));
  });

  afterAll(async () => {
    // Nothing to drop without --write-test, unless the check wrongly created tables.
    await readBack.dropSql(warehouse).catch(() => undefined);
    await readBack.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("exits 1 with a ✓ line for the working destination and ✗ with the error code for each broken one", { timeout: 90_000 }, async () => {
    const path = join(dir, "broken.yaml");
    await writeFile(
      path,
      `api:
  apiKeys: ["${apiKey}"]
destinations:
  - name: warehouse
    type: sql
    options:
      dialect: postgres
      url: ${POSTGRES_URL}
      schema: ${warehouse.schema}
  - name: mirror
    type: sql
    options:
      dialect: mysql
      url: ${MYSQL_URL}
      password: \${E2E_MARIADB_PASSWORD}
      tablePrefix: t_${id}_
  - name: app-hook
    type: webhook
    options:
      url: http://127.0.0.1:${await freePort()}/hook
      signingSecret: \${E2E_SIGNING_SECRET}
`,
    );
    const result = await runCli(["check", "-c", path], { E2E_MARIADB_PASSWORD: wrongPassword, E2E_SIGNING_SECRET: signingSecret });

    expect(result.code, result.stderr).toBe(1);
    const lines = result.stdout.trim().split("\n");
    expect(lines).toHaveLength(14);
    expect(lines[0]).toMatch(/^✓ redis \(127\.0\.0\.1:6379\) {2}ok {2}\d+ ms$/);
    expect(lines[1]).toMatch(/^✓ state store \(embedded, \.tributary\/db\) {2}ok {2}\d+ ms$/);
    expect(lines[2]).toMatch(/^✓ warehouse \(sql\) {2}ok {2}\d+ ms$/);
    expect(lines[3]).toMatch(/^✗ mirror \(sql\) {2}ERR_DESTINATION_AUTH: /);
    expect(lines[4]).toMatch(/^✗ app-hook \(webhook\) {2}ERR_DESTINATION_UNAVAILABLE: /);
    // A built-in OAuth provider without a client: loaded, but not offered to users, and said so.
    expect(lines[5]).toBe(
      "– INSIDERS  not offered to users: providers.INSIDERS.clientId is not set and INSIDERS publishes no public client — register an application with INSIDERS and set its clientId and clientSecret",
    );
    // So is every built-in provider connector whose client is not configured (Terra-like: all built in, offered once set up).
    expect(lines.slice(6).map((line) => line.split("  ")[0])).toEqual(
      ["STRAVA", "FITBIT", "OURA", "WHOOP", "GARMIN", "WITHINGS", "POLAR", "WAHOO"].map((name) => `– ${name}`),
    );
    for (const secret of [wrongPassword, signingSecret, apiKey]) {
      expect(result.stdout).not.toContain(secret);
      expect(result.stderr).not.toContain(secret);
    }
  });

  it("changes nothing without --write-test; with it creates the sql tables and sends the webhook a healthcheck", { timeout: 90_000 }, async () => {
    const received: { method: string; body: string }[] = [];
    const receiver = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        received.push({ method: request.method ?? "", body });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const schema = `t_${id}_w`;
    const path = join(dir, "write-test.yaml");
    await writeFile(
      path,
      `api:
  apiKeys: ["${apiKey}"]
destinations:
  - { name: warehouse, type: sql, options: { dialect: postgres, url: ${POSTGRES_URL}, schema: ${schema} } }
  - { name: app-hook, type: webhook, options: { url: "http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook", signingSecret: "${signingSecret}" } }
`,
    );
    const tables = async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        return (await client.query("SELECT 1 FROM information_schema.tables WHERE table_schema = $1", [schema])).rowCount;
      } finally {
        await client.end();
      }
    };
    try {
      const readOnly = await runCli(["check", "-c", path], {});
      expect(readOnly.code, readOnly.stdout + readOnly.stderr).toBe(0);
      expect(await tables()).toBe(0);
      expect(received.map((r) => r.method)).toEqual(["HEAD"]);

      const written = await runCli(["check", "-c", path, "--write-test"], {});
      expect(written.code, written.stdout + written.stderr).toBe(0);
      expect(await tables()).toBeGreaterThan(0);
      expect(received.map((r) => r.method)).toEqual(["HEAD", "POST"]);
      expect(JSON.parse(received[1]?.body ?? "{}")).toMatchObject({ type: "healthcheck" });
    } finally {
      receiver.close();
      await readBack.dropSql({ dialect: "postgres", schema }).catch(() => undefined);
    }
  });

  it("exits 2 on a config mistake, naming file:line:column and the path in the file", { timeout: 60_000 }, async () => {
    const path = join(dir, "mistake.yaml");
    const text = `api:
  apiKeys: ["${apiKey}"]
destinations:
  - name: app-hook
    type: webhook
    options:
      url: 42
      signingSecret: ${signingSecret}
`;
    await writeFile(path, text);
    const lines = text.split("\n");
    const line = lines.findIndex((candidate) => candidate.includes("url: 42"));
    const column = (lines[line] ?? "").indexOf("42") + 1;

    const result = await runCli(["check", "-c", path], {});

    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("ERR_CONFIG_INVALID");
    expect(result.stderr).toContain(`${path}:${line + 1}:${column} destinations[0].options.url: must be a string`);
    expect(result.stderr).not.toContain(signingSecret);
  });
});
