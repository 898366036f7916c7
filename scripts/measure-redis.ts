// `pnpm measure:redis` (about half a minute; needs redis-server installed): what Tributary keeps in Redis
// and what it asks of it. A private redis-server is started on a free port so that nothing else counts:
// keys and bytes from the keys themselves (SCAN + MEMORY USAGE of each), commands and Redis CPU from
// INFO. SANDBOX users are connected and backfilled into two destinations that hold every write until
// released, so each payload is in flight at once; then the writes go through and what is left is measured.
// Prints keys and bytes per in-flight payload (its body, and its job in each destination's queue), per
// connected user once idle, and the jobs each record took. The figures are the ones ARCHITECTURE.md's
// "Sizing" quotes.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Delivery, Destination } from "@tributary/core/contracts";
import { deliveryBodyKeys, isCluster, openRedis, pingRedis } from "@tributary/core/queue";
import { waitForIdle } from "@tributary/core/runtime";
import { connectUser } from "@tributary/core/services";
import { freePort } from "../test/kit/free-port.ts";

const port = await freePort();
const dir = mkdtempSync(join(tmpdir(), "tributary-measure-redis-"));
const server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"], { stdio: "ignore" });
const redisUrl = `redis://127.0.0.1:${port}`;
const failed = new Promise<never>((_, reject) => server.once("error", (error) => reject(new Error(`redis-server could not start: ${error.message}`))));
failed.catch(() => undefined);
for (let tries = 0; !(await Promise.race([pingRedis(redisUrl, 200), failed])); tries++) {
  if (tries === 100) {
    server.kill();
    throw new Error(`redis-server on port ${port} does not answer`);
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}
// The test kit reads REDIS_URL when it is loaded.
process.env.REDIS_URL = redisUrl;
const { startTestRuntime } = await import("@tributary/test-kit");

const USERS = Number(process.argv[process.argv.indexOf("--users") + 1]) || 10;
const BACKFILL_DAYS = 3;

/** A destination that holds every write until `open()`, counting the records it was handed. */
function gate(name: string) {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  const counted = { payloads: 0, records: 0 };
  const destination: Destination = {
    name,
    type: "measure",
    async write(batch: readonly Delivery[]) {
      await opened;
      for (const delivery of batch) {
        counted.payloads++;
        const data = delivery.payload.data;
        counted.records += Array.isArray(data) ? data.length : 1;
      }
    },
    delete: async () => undefined,
    check: async () => undefined,
    close: async () => undefined,
  };
  return { destination, open, counted };
}

interface Footprint {
  keys: number;
  bytes: number;
}

const gates = { first: gate("first"), second: gate("second") };
const run = await startTestRuntime({
  destinations: { first: gates.first.destination, second: gates.second.destination },
  providers: { SANDBOX: { backfillDays: BACKFILL_DAYS } },
});
const { ctx } = run.runtime;
const prefix = ctx.queues.prefix;
const client = openRedis(redisUrl);
if (isCluster(client)) throw new Error("measure on one Redis node: SCAN covers one node");
const redis = client;

/** Keys and MEMORY USAGE bytes under the deployment's prefix, by what they are. */
async function footprint(): Promise<Record<string, Footprint>> {
  const found: Record<string, Footprint> = {};
  for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 }) as AsyncIterable<string[]>) {
    const sizes = await Promise.all(keys.map((key) => redis.memory("USAGE", key, "SAMPLES", "0")));
    keys.forEach((key, i) => {
      const kind = classify(key.slice(prefix.length + 1));
      found[kind] ??= { keys: 0, bytes: 0 };
      found[kind].keys++;
      found[kind].bytes += Number(sizes[i] ?? 0);
    });
  }
  return found;
}

/** `{deliver-first}:deliver-first:17` → "deliver-first job"; `payload:{id}:readers` → "payload readers". */
function classify(key: string): string {
  const queue = /^\{([^}]+)\}:[^:]+:(.+)$/.exec(key);
  if (queue) {
    const rest = queue[2]!;
    const part = /^[^:]+/.exec(rest)![0];
    const isJob = ![
      "wait",
      "active",
      "completed",
      "failed",
      "delayed",
      "prioritized",
      "paused",
      "meta",
      "events",
      "id",
      "marker",
      "stalled",
      "stalled-check",
      "limiter",
      "repeat",
      "pc",
      "de",
      "metrics",
    ].includes(part);
    return `${queue[1]} ${isJob ? (rest.includes(":") ? "job (sub-key)" : "job") : part}`;
  }
  if (key.startsWith("payload:")) return key.endsWith(":readers") ? "payload readers" : "payload body";
  return key.split(":")[0]!;
}

/** Bytes of the payloads' JSON itself (STRLEN of every body), to tell Redis' overhead from the data. */
async function bodyBytes(): Promise<number> {
  let total = 0;
  for await (const keys of redis.scanStream({ match: deliveryBodyKeys(prefix, "*").body, count: 1000 }) as AsyncIterable<string[]>) {
    const lengths = await Promise.all(keys.map((key) => redis.strlen(key)));
    total += lengths.reduce((n, length) => n + length, 0);
  }
  return total;
}

const sum = (parts: Record<string, Footprint>, match: (kind: string) => boolean): Footprint =>
  Object.entries(parts)
    .filter(([kind]) => match(kind))
    .reduce((total, [, part]) => ({ keys: total.keys + part.keys, bytes: total.bytes + part.bytes }), { keys: 0, bytes: 0 });

const per = (part: Footprint, n: number) => `${(part.keys / n).toFixed(2)} keys, ${Math.round(part.bytes / n).toLocaleString("en")} B`;

/** Commands Redis ran and the CPU seconds it spent, so far. */
async function work(): Promise<{ commands: number; cpuSeconds: number }> {
  const info = `${await redis.info("cpu")}\n${await redis.info("commandstats")}`;
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, "m").exec(info)?.[1] ?? 0);
  const commands = [...info.matchAll(/^cmdstat_[^:]+:calls=(\d+)/gm)].reduce((n, match) => n + Number(match[1]), 0);
  return { commands, cpuSeconds: field("used_cpu_user") + field("used_cpu_sys") };
}

try {
  const before = sum(await footprint(), () => true);
  const started = await work();
  for (let i = 0; i < USERS; i++) await connectUser(ctx, { provider: "SANDBOX", referenceId: `measure-${i}` });
  // Every pull done and every delivery job waiting at the gates: all payloads in flight.
  for (;;) {
    const [pull, ingest] = await Promise.all([ctx.queues.pull.getJobCounts(), ctx.queues.ingest.getJobCounts()]);
    const busy = (counts: Record<string, number>) => (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0);
    if (busy(pull) + busy(ingest) === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // The measurement's own commands (SCAN, MEMORY USAGE, STRLEN) are taken out of the work counted below.
  const beforeMeasuring = await work();
  const inFlight = await footprint();
  const payloads = sum(inFlight, (kind) => kind === "payload body").keys;
  const body = sum(inFlight, (kind) => kind.startsWith("payload"));
  const json = await bodyBytes();
  const afterMeasuring = await work();
  const deliverJob = sum(inFlight, (kind) => kind.startsWith("deliver-first"));

  gates.first.open();
  gates.second.open();
  await waitForIdle(ctx.queues, { timeoutMs: 120_000 });
  const idle = await footprint();
  const done = await work();
  const commands = done.commands - started.commands - (afterMeasuring.commands - beforeMeasuring.commands);
  const cpuSeconds = done.cpuSeconds - started.cpuSeconds - (afterMeasuring.cpuSeconds - beforeMeasuring.cpuSeconds);
  const jobs = await Promise.all(
    ctx.queues.all().map(async (queue) => [queue.name, (await queue.getJobCounts("completed", "failed")).completed ?? 0] as const),
  );
  const totalJobs = jobs.reduce((n, [, count]) => n + count, 0);
  const records = gates.first.counted.records;

  console.log(
    `private redis-server ${(await redis.info("server")).match(/redis_version:(\S+)/)?.[1]} on port ${port}, prefix ${prefix}: ${USERS} SANDBOX users, ${BACKFILL_DAYS}-day backfill, 2 destinations\n`,
  );
  console.log(
    `in flight: ${payloads} payloads (${records} records), ${sum(inFlight, () => true).keys} keys, ${sum(inFlight, () => true).bytes.toLocaleString("en")} B in all`,
  );
  console.log(
    `  per payload, its body (stored once):         ${per(body, payloads)} (of which the payload's JSON: ${Math.round(json / payloads).toLocaleString("en")} B)`,
  );
  console.log(`  per payload and destination, its job:        ${per(deliverJob, payloads)}`);
  console.log(
    `  per payload with 2 destinations, in all:     ${per(
      sum(inFlight, (kind) => kind.startsWith("payload") || kind.startsWith("deliver-")),
      payloads,
    )}`,
  );
  console.log(
    `\nidle (every write done): ${sum(idle, () => true).keys} keys, ${sum(idle, () => true).bytes.toLocaleString("en")} B (before connecting: ${before.keys} keys)`,
  );
  for (const [kind, part] of Object.entries(idle).sort(([a], [b]) => a.localeCompare(b)))
    console.log(`  ${kind.padEnd(36)} ${part.keys} keys, ${part.bytes.toLocaleString("en")} B`);
  // Each queue's keys are bounded per queue (retained completed jobs, event stream, meta): what grows with users is the rest.
  const queueNames = ctx.queues.all().map((queue) => `${queue.name} `);
  const kept = sum(idle, (kind) => !queueNames.some((name) => kind.startsWith(name)));
  console.log(`  per connected user, outside the queues (whose keys are bounded per queue): ${per(kept, USERS)}`);
  console.log(`\njobs: ${jobs.map(([name, count]) => `${name} ${count}`).join(", ")}`);
  console.log(
    `  ${totalJobs} jobs for ${records} records delivered to each of 2 destinations: ${(totalJobs / records).toFixed(2)} per record, ${(totalJobs / payloads).toFixed(2)} per payload`,
  );
  console.log(
    `\nRedis work, connect → idle: ${commands.toLocaleString("en")} commands (${(commands / totalJobs).toFixed(1)} per job, ${(commands / payloads).toFixed(1)} per payload)`,
  );
  console.log(
    `  Redis CPU ${(cpuSeconds * 1000).toFixed(0)} ms: ${((cpuSeconds * 1e6) / payloads).toFixed(0)} µs per payload (2 destinations) (an upper bound: it includes the workers' idle polling and this script's) → one core saturates near ${Math.round(payloads / cpuSeconds).toLocaleString("en")} payloads/s`,
  );

  // The state store's share, on the embedded PGlite (PostgreSQL's storage format; sizes are whole 8 KiB pages).
  console.log("\nstate store rows (PGlite, PostgreSQL's page format):");
  for (const table of ["connections", "cursors", "deliveries", "dead_letters"]) {
    const { rows } = await ctx.store.db.query<{ n: string; bytes: string }>(`SELECT count(*) AS n, pg_total_relation_size('${table}') AS bytes FROM ${table}`);
    const n = Number(rows[0]?.n ?? 0);
    const bytes = Number(rows[0]?.bytes ?? 0);
    console.log(
      `  ${table.padEnd(14)} ${n} rows, ${bytes.toLocaleString("en")} B with indexes${n > 0 ? ` (${Math.round(bytes / n).toLocaleString("en")} B per row)` : ""}`,
    );
  }
} finally {
  redis.disconnect();
  await run.close();
  server.kill();
  rmSync(dir, { recursive: true, force: true });
}
