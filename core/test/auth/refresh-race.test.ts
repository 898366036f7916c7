import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createInterface, type Interface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildService, consent, openTestStore, REDIS_URL, type TestStore } from "./support/auth-harness.ts";
import { startOAuthTestServer, type OAuthTestServer } from "./support/oauth-test-server.ts";
import type { RefreshWorkerConfig } from "./support/refresh-worker.ts";
import { genericAuth, specFor } from "./support/test-specs.ts";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const WORKER = fileURLToPath(new URL("./support/refresh-worker.ts", import.meta.url));
const CLIENT = { clientId: "race-client", clientSecret: "race-secret-0123456789" };

interface JobResult {
  status: number;
  token: string | null;
  refreshed?: boolean;
  error?: string;
}

/** A worker as its own Node process, spoken to line by line. */
class Worker {
  readonly child: ChildProcess;
  readonly #lines: Interface;
  readonly #waiting: Array<(line: string) => void> = [];
  readonly #buffered: string[] = [];
  #stderr = "";

  constructor(config: RefreshWorkerConfig) {
    this.child = spawn(process.execPath, ["--import", "tsx", WORKER], {
      cwd: ROOT,
      env: { ...process.env, REFRESH_WORKER_CONFIG: JSON.stringify(config) },
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child.stderr?.on("data", (chunk: Buffer) => (this.#stderr += chunk.toString()));
    this.#lines = createInterface({ input: this.child.stdout! });
    this.#lines.on("line", (line) => {
      const waiter = this.#waiting.shift();
      if (waiter) waiter(line);
      else this.#buffered.push(line);
    });
  }

  next(timeoutMs = 30_000): Promise<string> {
    const buffered = this.#buffered.shift();
    if (buffered !== undefined) return Promise.resolve(buffered);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker ${this.child.pid} said nothing for ${timeoutMs} ms; stderr: ${this.#stderr}`)), timeoutMs);
      this.#waiting.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
  }

  send(line: string): void {
    this.child.stdin?.write(`${line}\n`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.send("exit");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

const fingerprint = (token: string) => createHash("sha256").update(`Bearer ${token}`).digest("hex").slice(0, 16);

describe("two worker processes refreshing one connection at once", () => {
  let db: TestStore;
  let redis: Redis;
  let server: OAuthTestServer;
  let workers: Worker[] = [];
  let userId: string;

  beforeAll(async () => {
    db = await openTestStore("postgres");
    redis = new Redis(REDIS_URL);
    // Rotating refresh tokens, invalid after their first use: a second refresh would be refused.
    server = await startOAuthTestServer({ ...CLIENT, clientAuth: "basic", refresh: "rotating" });
    const h = buildService(
      db.store,
      redis,
      { RACE: specFor("RACE", server.url, { ...genericAuth(), lifecycle: {} }) },
      { RACE: { enabled: true, ...CLIENT } },
      () => server.url,
    );
    server.account = { userId: "racer-1" };
    const start = await h.service.beginAuthorization({ provider: "RACE" });
    const outcome = await h.service.completeAuthorization({ provider: "RACE", query: await consent(start.url) });
    if (!outcome.ok) throw new Error(outcome.message);
    userId = outcome.connection.user_id;

    const config: RefreshWorkerConfig = {
      schema: db.schema!,
      key: db.key,
      redisUrl: REDIS_URL,
      keyPrefix: `test-race-${randomBytes(4).toString("hex")}`,
      serverUrl: server.url,
      userId,
      ...CLIENT,
    };
    workers = [new Worker(config), new Worker(config)];
    for (const worker of workers) expect(await worker.next(60_000)).toBe("ready");
  }, 120_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await server?.close();
    redis?.disconnect();
    await db?.close();
  });

  const race = async (): Promise<JobResult[]> => {
    for (const worker of workers) worker.send("go");
    return Promise.all(workers.map(async (worker) => JSON.parse(await worker.next()) as JobResult));
  };

  const storedAccessToken = async () => String((await db.store.getTokens(userId))?.access_token);

  it.each([
    { round: "expired token, slow token endpoint", prepare: "expiry", delayMs: 300 },
    { round: "expired token, fast token endpoint", prepare: "expiry", delayMs: 0 },
    { round: "401 on a token the store thinks fresh, slow token endpoint", prepare: "401", delayMs: 300 },
    { round: "401 on a token the store thinks fresh, fast token endpoint", prepare: "401", delayMs: 0 },
  ])("spends the single-use refresh token once: $round", async ({ prepare, delayMs }) => {
    const tokens = await db.store.getTokens(userId);
    if (prepare === "expiry") await db.store.setTokens(userId, { ...tokens, expires_at: Date.now() - 1000 });
    else server.expireAccessTokens();
    server.refreshDelayMs = delayMs;
    const before = server.refreshCalls();

    const results = await race();

    expect(results.map((r) => r.error)).toEqual([undefined, undefined]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(server.refreshCalls()).toBe(before + 1);
    expect(server.tokenCalls.at(-1)).toMatchObject({ grantType: "refresh_token", status: 200 });
    const current = fingerprint(await storedAccessToken());
    expect(results.map((r) => r.token)).toEqual([current, current]);
    expect((await db.store.getConnection(userId))?.auth_status).toBe("ok");
  });
});
