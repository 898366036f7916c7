import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import { queueKeyPrefix } from "@tributary/core/queue";
import { Redis } from "ioredis";
import { createPostgresDatabase, createStateStore, createTokenCipher, migrate } from "@tributary/core/state";
import { childNodePids } from "../kit/child-processes.ts";
import { freePort } from "../kit/free-port.ts";
import { packageScriptFlags } from "../kit/package-script-flags.ts";
import type { BenchUser } from "./workloads.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface BenchDeployment {
  configPath: string;
  prefix: string;
  schema: string;
  databaseUrl: string;
  redisUrl: string;
  pushSecret: string;
  port: number;
}

/**
 * A config for the process under test: real PostgreSQL (unique schema), real Redis, one webhook
 * destination. `server` replaces the benchmark's own server settings (YAML flow-mapping entries).
 */
export async function writeBenchConfig(options: {
  redisUrl: string;
  databaseUrl: string;
  receiverUrl: string;
  receiverSecret: string;
  server?: string;
}): Promise<BenchDeployment> {
  const dir = await mkdtemp(join(tmpdir(), "tributary-bench-"));
  const id = randomUUID().slice(0, 8);
  const deployment: BenchDeployment = {
    configPath: join(dir, "tributary.yaml"),
    prefix: `bench-${id}`,
    schema: `bench_${id}`,
    databaseUrl: options.databaseUrl,
    redisUrl: options.redisUrl,
    pushSecret: randomBytes(16).toString("hex"),
    port: await freePort(),
  };
  await writeFile(
    deployment.configPath,
    [
      // One load generator on loopback is one source: the per-source limit is measured, never reached.
      `server: { host: 127.0.0.1, port: ${deployment.port}, ${options.server ?? "rateLimit: { max: 1000000000, maxBytes: 1000000000000 }"} }`,
      `redis: { url: "${options.redisUrl}" }`,
      `database: { url: "${options.databaseUrl}", schema: ${deployment.schema} }`,
      `dataDir: ${join(dir, "data")}`,
      `encryptionKey: "${randomBytes(32).toString("base64")}"`,
      `api: { devId: bench, apiKeys: ["${randomBytes(16).toString("hex")}"], signingSecret: "${options.receiverSecret}" }`,
      `providers:`,
      `  SANDBOX: { enabled: true, pushSecret: "${deployment.pushSecret}", pollIntervalSeconds: 86400 }`,
      `destinations:`,
      `  - name: bench-receiver`,
      `    type: webhook`,
      `    options: { url: "${options.receiverUrl}", signingSecret: "${options.receiverSecret}" }`,
      "",
    ].join("\n"),
  );
  return deployment;
}

export interface RunningProcess {
  child: ChildProcess;
  /** The process and, under `--processes N`, its copies. */
  pids(): Promise<number[]>;
  /** Peak resident set size so far (VmHWM), in MiB, summed over its processes. */
  peakRssMiB(): Promise<number>;
  stop(): Promise<void>;
}

type Role = "api" | "serve" | "worker";

/**
 * Flags for the process under test: the package script's, or BENCH_NODE_FLAGS instead (for
 * investigations: "--trace-gc", other heap sizes; `BENCH_NODE_FLAGS= pnpm bench` for none). BENCH_PROFILE=<dir>
 * adds V8 CPU profiles written there.
 */
export function nodeFlags(role: Role): string[] {
  const profile = process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const flags = process.env.BENCH_NODE_FLAGS !== undefined ? process.env.BENCH_NODE_FLAGS.split(" ").filter(Boolean) : packageScriptFlags(role);
  return [...profile, ...flags];
}

/** Processes under test still running: a harness that crashes must not leave them behind. */
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * Start `tributary <role>` as its own process (so its memory is measured alone) and wait until it answers;
 * `built` runs `pnpm build`'s output (see `assertBuildCurrent`).
 */
export async function startProcess(
  role: Role,
  deployment: BenchDeployment,
  extraArgs: string[] = [],
  options: { built?: boolean } = {},
): Promise<RunningProcess> {
  const child = spawn(
    process.execPath,
    [
      ...nodeFlags(role),
      // Built: the compiled JavaScript, as the package script runs it. Otherwise the sources through tsx,
      // whose loader thread and transpiled modules add about 100 MiB to the process's memory.
      ...(options.built ? ["--conditions=production", join(ROOT, "core/dist/cli/main.js")] : ["--import", "tsx", join(ROOT, "core/src/cli/main.ts")]),
      role,
      "-c",
      deployment.configPath,
      "--queue-prefix",
      deployment.prefix,
      // The scheduler would start polling the benchmark users mid-run: load the benchmark did not ask for.
      "--no-scheduler",
      ...extraArgs,
    ],
    { cwd: ROOT, env: { ...process.env, LOG_LEVEL: "warn" }, stdio: ["ignore", "inherit", "inherit"] },
  );
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => running.delete(child));
  const processesIndex = extraArgs.indexOf("--processes");
  const copies = processesIndex >= 0 ? Number(extraArgs[processesIndex + 1]) : 1;
  if (role !== "worker") {
    // Every copy must serve before the load starts: keep-alive connections stay with the copy that took them.
    const deadline = Date.now() + 60_000;
    const answered = new Set<number>();
    while (answered.size < copies) {
      if (child.exitCode !== null) throw new Error(`tributary ${role} exited with ${child.exitCode}`);
      try {
        const response = await fetch(`http://127.0.0.1:${deployment.port}/health/live`, { headers: { connection: "close" } });
        if (response.ok) answered.add(((await response.json()) as { pid: number }).pid);
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`tributary ${role} did not start within 60 s`);
      if (answered.size < copies) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const pids = async () => [child.pid!, ...(copies > 1 ? await childNodePids(child.pid!) : [])];
  return {
    child,
    pids,
    async peakRssMiB() {
      let kib = 0;
      for (const pid of await pids()) {
        const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
        kib += Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
      }
      return kib / 1024;
    },
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Connected SANDBOX users of the deployment, created straight in its state store. */
export async function createBenchUsers(deployment: BenchDeployment, count: number): Promise<BenchUser[]> {
  const db = await createPostgresDatabase({ url: deployment.databaseUrl, schema: deployment.schema });
  await migrate(db);
  const store = createStateStore({ db, cipher: createTokenCipher({ key: randomBytes(32).toString("base64") }) });
  const users: BenchUser[] = [];
  for (let i = 0; i < count; i++) {
    const providerUserId = `bench-${deployment.prefix}-${i}`;
    await store.createConnection({ provider: "SANDBOX", providerUserId, referenceId: `bench-${i}` });
    users.push({ providerUserId });
  }
  await db.close();
  return users;
}

export async function dropDeployment(deployment: BenchDeployment): Promise<void> {
  const db = await createPostgresDatabase({ url: deployment.databaseUrl });
  await db.query(`DROP SCHEMA IF EXISTS ${deployment.schema} CASCADE`);
  await db.close();
}

export async function obliterate(deployment: BenchDeployment): Promise<void> {
  for (const name of ["pull", "ingest", "deliver-bench-receiver"]) {
    const queue = new Queue(name, { connection: { url: deployment.redisUrl }, prefix: queueKeyPrefix(deployment.prefix, name) });
    await queue.obliterate({ force: true });
    await queue.close();
  }
  // The replay guard's claims live for the replay window (5 min): left alone, a hundred thousand of them
  // would expire at once in the middle of the next run on this Redis, whose expiry cycles then stall it.
  const redis = new Redis(deployment.redisUrl);
  for await (const keys of redis.scanStream({ match: `${deployment.prefix}:*`, count: 1000 }) as AsyncIterable<string[]>) {
    if (keys.length > 0) await redis.unlink(...keys);
  }
  redis.disconnect();
}

/**
 * Refuses to measure a build older than the sources it was made from: the figures would describe code
 * that no longer exists.
 */
export function assertBuildCurrent(): void {
  const built = join(ROOT, "core/dist/cli/main.js");
  if (!existsSync(built)) throw new Error("core/dist is missing: run `pnpm build` first (or pass --source to run the sources through tsx)");
  const builtAt = statSync(built).mtimeMs;
  const newest = (dir: string): number => {
    let latest = 0;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) latest = Math.max(latest, newest(path));
      else if (entry.name.endsWith(".ts")) latest = Math.max(latest, statSync(path).mtimeMs);
    }
    return latest;
  };
  const sources = [
    "core/src",
    "schemas/src",
    ...["connectors", "destinations", "formats"].flatMap((group) =>
      existsSync(join(ROOT, group)) ? readdirSync(join(ROOT, group)).map((name) => `${group}/${name}/src`) : [],
    ),
  ].filter((dir) => existsSync(join(ROOT, dir)));
  const changed = sources.find((dir) => newest(join(ROOT, dir)) > builtAt);
  if (changed) throw new Error(`${changed} changed after the last \`pnpm build\`: build again first (or pass --source to run the sources through tsx)`);
}
