import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signSandboxRequest } from "@tributary/connector-sandbox";
import { createPostgresDatabase } from "@tributary/core/state";
import { childNodePids } from "../kit/child-processes.ts";
import { freePort } from "../kit/free-port.ts";
import { spawnCli, type CliProcess } from "../kit/spawn-cli.ts";
import { until } from "../kit/until.ts";

/*
 * `tributary api --processes 2` as an operator runs it: copies sharing one port, one metrics view, a
 * killed copy replaced, SIGTERM draining all of them.
 */

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

function startApi(configPath: string, prefix: string, processes: number): CliProcess {
  // The config alone says which store: no DATABASE_URL from the test's environment.
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  return spawnCli(["api", "-c", configPath, "--queue-prefix", prefix, "--no-scheduler", "--processes", String(processes)], env);
}

/** One request on a connection of its own, so the cluster hands each to a copy in turn. */
function send(port: number, method: string, path: string, body?: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, method, path, agent: false, headers: { ...headers, ...(body ? { "content-length": String(body.length) } : {}) } },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("tributary api --processes", () => {
  const schema = `e2e_${randomBytes(6).toString("hex")}`;
  const prefix = `test-e2e-${randomUUID().slice(0, 12)}`;
  const pushSecret = randomBytes(16).toString("hex");
  const apiKey = randomBytes(12).toString("hex");
  const started: CliProcess[] = [];
  let dir: string;

  const writeConfig = async (name: string, port: number, database: string) => {
    const path = join(dir, name);
    await writeFile(
      path,
      [
        `server: { host: 127.0.0.1, port: ${port} }`,
        `redis: { url: "${REDIS_URL}" }`,
        database,
        `dataDir: "${join(dir, `data-${name}`)}"`,
        `encryptionKey: "${randomBytes(32).toString("base64")}"`,
        `api: { apiKeys: ["${apiKey}"] }`,
        `plugins: ["@tributary/connector-sandbox", "@tributary/destination-webhook"]`,
        `providers: { SANDBOX: { pushSecret: "${pushSecret}" } }`,
        `destinations: [{ name: receiver, type: webhook, options: { url: "http://127.0.0.1:9/unused", signingSecret: "${randomBytes(8).toString("hex")}" } }]`,
      ].join("\n"),
    );
    return path;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tributary-e2e-api-processes-"));
  });

  afterAll(async () => {
    for (const { child } of started) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      for (const pid of await childNodePids(child.pid!)) process.kill(pid, "SIGKILL");
      child.kill("SIGKILL");
    }
    await Promise.all(started.map((s) => s.exited));
    const admin = await createPostgresDatabase({ url: DATABASE_URL });
    await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => admin.close());
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("copies share the port; /metrics counts every request whichever copy took it; a killed copy is replaced; SIGTERM stops all", async () => {
    const port = await freePort();
    const api = startApi(await writeConfig("cluster.yaml", port, `database: { url: "${DATABASE_URL}", schema: ${schema} }`), prefix, 2);
    started.push(api);
    const primary = api.child.pid!;
    const copies = await until("two copies", async () => ((await childNodePids(primary)).length === 2 ? childNodePids(primary) : undefined)).catch(
      async (error: Error) => {
        throw new Error(`${error.message}; children ${JSON.stringify(await childNodePids(primary))}; output:\n${api.output()}`);
      },
    );
    await until("the port to answer", async () => ((await send(port, "GET", "/health/live")).status === 200 ? true : undefined));

    // Pushes for a provider account nobody connected: acknowledged and counted as "unknown_user".
    const pushes = 12;
    for (let i = 0; i < pushes; i++) {
      const signed = signSandboxRequest(pushSecret, { notifications: [{ event: "activity.push", owner_id: `nobody-${randomUUID()}`, records: [] }] });
      expect((await send(port, "POST", "/hooks/sandbox", signed.rawBody, signed.headers)).status).toBe(200);
    }
    // Scrapes land on either copy (one connection each, handed out in turn): each sees all the pushes.
    // Without an admin listener, /metrics on the public port takes the API key.
    expect((await send(port, "GET", "/metrics")).status).toBe(401);
    const unknownUser = /^tributary_provider_webhooks_total\{provider="SANDBOX",outcome="unknown_user"\} (\d+)$/m;
    for (let i = 0; i < 4; i++) {
      const scrape = await send(port, "GET", "/metrics", undefined, { "x-api-key": apiKey });
      expect(scrape.status, scrape.text).toBe(200);
      expect(Number(unknownUser.exec(scrape.text)?.[1])).toBe(pushes);
    }

    process.kill(copies[0]!, "SIGKILL");
    const replaced = await until("a replacement copy", async () => {
      const now = await childNodePids(primary);
      return now.length === 2 && !now.includes(copies[0]!) ? now : undefined;
    });
    expect(replaced).toContain(copies[1]);
    // Scraped while the replacement is still starting: answered by the copy that serves, without waiting
    // for the one that cannot answer yet.
    const meanwhile = await send(port, "GET", "/metrics", undefined, { "x-api-key": apiKey });
    expect(meanwhile.status, meanwhile.text).toBe(200);
    expect(meanwhile.text).toMatch(/^tributary_cluster_processes\{metrics="current"\} [12]$/m);
    expect(meanwhile.text).toMatch(/^tributary_cluster_processes\{metrics="missing"\} 0$/m);
    await until("the port to answer after the replacement", async () => ((await send(port, "GET", "/health/ready")).status === 200 ? true : undefined));
    expect(api.output()).toContain("a tributary process exited unexpectedly; starting a new one");

    // Both copies dead at once: the primary lives on and replaces both.
    for (const pid of replaced) process.kill(pid, "SIGKILL");
    await until("two new copies", async () => {
      const now = await childNodePids(primary);
      return now.length === 2 && !now.some((pid) => replaced.includes(pid)) ? true : undefined;
    });
    expect(api.child.exitCode).toBeNull();
    await until("the port to answer after both were replaced", async () => ((await send(port, "GET", "/health/ready")).status === 200 ? true : undefined));

    api.child.kill("SIGTERM");
    expect(await api.exited).toEqual({ code: 0, signal: null });
    expect(await childNodePids(primary)).toEqual([]);
  }, 240_000);

  it("refuses several processes on the embedded store, saying what to do", async () => {
    const api = startApi(await writeConfig("embedded.yaml", await freePort(), ""), prefix, 2);
    started.push(api);
    expect((await api.exited).code).toBe(2);
    expect(api.output()).toContain("ERR_STATE_IN_USE");
    expect(api.output()).toContain("DATABASE_URL");
  }, 60_000);
});
