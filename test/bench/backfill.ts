/**
 * `pnpm bench:backfill`: a 5-year backfill of one user, as a `tributary worker` process runs it, from a
 * provider mock with cursor paging, a detail request per record (the workout's 1 Hz time series) and a
 * rate budget that binds, into a local webhook destination. Prints records/s, the worker's peak RSS, the
 * share of the time spent waiting on the budget, and what was requested and delivered; asserts nothing.
 *
 * The connector is INSIDERS' spec (its paging, detail request and mapping) with a pasted token instead of
 * OAuth, and a budget sized so that the run waits on it for part of the time and ends within minutes.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Queue } from "bullmq";
import type { ConnectorSpec } from "@tributary/schemas";
import { mockFromSpec } from "@tributary/core/mock-provider";
import { Priority, queueKeyPrefix, type PullJobData } from "@tributary/core/queue";
import { loadConnectorFile } from "@tributary/core/spec";
import { createPostgresDatabase, createStateStore, createTokenCipher, migrate } from "@tributary/core/state";
import { freePort } from "../kit/free-port.ts";
import { assertBuildCurrent, dropDeployment, nodeFlags, obliterate, startProcess, type BenchDeployment } from "./bench-app.ts";
import { startBenchReceiver } from "./bench-receiver.ts";
import { benchHistory, BENCH_TOKEN, BENCH_USER } from "./backfill-history.ts";
import { fmt } from "./percentiles.ts";

const { values } = parseArgs({
  options: { years: { type: "string", default: "5" }, "sample-seconds": { type: "string", default: "5" }, source: { type: "boolean", default: false } },
});
/** The worker as operators run it (`pnpm build`'s JavaScript), unless --source: the TypeScript through tsx. */
const BUILT = !values.source;
const YEARS = Number(values.years);
/** Seconds between a workout's samples: 5 keeps the default run within minutes on 2 cores; 1 is every second. */
const SAMPLE_SECONDS = Number(values["sample-seconds"]);
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const databaseUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PROVIDER = "BENCHFIT";
/**
 * The bench connector's budget, per user: a minute window the worker spends in about half a minute, so
 * the pull parks as a delayed job for the rest of each minute (INSIDERS itself allows 120 a minute).
 */
const RATE_LIMITS = [{ name: "user_minute", scope: "user", max: 500, perSeconds: 60 }] as const;
const TIMEOUT_MS = 10 * 60_000;

const line = (label: string, value: string, target = "") => console.log(`  ${label.padEnd(46)} ${value.padStart(14)}   ${target}`);
const mark = (ok: boolean) => (ok ? "✓" : "✗");

/** INSIDERS' spec as BENCHFIT: a pasted token, no webhook, the benchmark's budget. */
async function writeBenchConnector(dir: string): Promise<{ spec: ConnectorSpec; folder: string }> {
  const { spec: insiders } = loadConnectorFile(join(ROOT, "connectors/insiders"));
  const { webhook: _webhook, icon: _icon, ...rest } = insiders;
  const spec = {
    ...rest,
    name: PROVIDER,
    displayName: "Backfill benchmark (INSIDERS' API)",
    auth: { type: "bearer_token" },
    http: { ...insiders.http!, rateLimits: RATE_LIMITS.map((w) => ({ ...w })), rateLimitHeaders: undefined },
    // Reconciliation re-pulls what pushes missed: there are no pushes here.
    sync: { backfillDays: insiders.sync?.backfillDays },
  } as ConnectorSpec;
  delete (spec.http as Record<string, unknown>).rateLimitHeaders;
  const folder = join(dir, "benchfit");
  await mkdir(folder, { recursive: true });
  // JSON is YAML: the registry loads the folder like any connector's.
  await writeFile(join(folder, "connector.yaml"), JSON.stringify(spec, null, 1));
  return { spec: loadConnectorFile(folder).spec, folder };
}

async function main() {
  console.log(`Tributary backfill benchmark — ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}`);
  if (BUILT) assertBuildCurrent();
  console.log(
    BUILT
      ? `worker runs as the package script starts it: node ${nodeFlags("worker").join(" ")} --conditions=production core/dist/cli/main.js\n`
      : `worker runs from the sources through tsx (--source), with the package script's flags: ${nodeFlags("worker").join(" ") || "(no flags)"}\n`,
  );
  const dir = await mkdtemp(join(tmpdir(), "tributary-backfill-"));
  const end = new Date();
  const start = new Date(end.getTime() - YEARS * 365 * 86_400_000);
  const history = benchHistory({ start, end }, SAMPLE_SECONDS);
  const { spec, folder } = await writeBenchConnector(dir);
  const mock = mockFromSpec(spec, history.fixtures);
  await mock.listen();
  const receiverSecret = randomBytes(16).toString("hex");
  const receiver = await startBenchReceiver(receiverSecret);

  const id = randomUUID().slice(0, 8);
  const encryptionKey = randomBytes(32).toString("base64");
  const metricsPort = await freePort();
  const deployment: BenchDeployment = {
    configPath: join(dir, "tributary.yaml"),
    prefix: `bench-${id}`,
    schema: `bench_${id}`,
    databaseUrl,
    redisUrl,
    pushSecret: randomBytes(16).toString("hex"),
    port: await freePort(),
  };
  await writeFile(
    deployment.configPath,
    [
      `server: { host: 127.0.0.1, port: ${deployment.port} }`,
      `redis: { url: "${redisUrl}" }`,
      `database: { url: "${databaseUrl}", schema: ${deployment.schema} }`,
      `dataDir: ${join(dir, "data")}`,
      `encryptionKey: "${encryptionKey}"`,
      `api: { devId: bench, apiKeys: ["${randomBytes(16).toString("hex")}"], signingSecret: "${receiverSecret}" }`,
      `plugins: ["@tributary/destination-webhook", "${folder}"]`,
      `providers:`,
      `  ${PROVIDER}: { enabled: true, baseUrl: "${mock.urls().baseUrl}" }`,
      `destinations:`,
      `  - name: bench-receiver`,
      `    type: webhook`,
      `    options: { url: "${receiver.url}", signingSecret: "${receiverSecret}" }`,
      "",
    ].join("\n"),
  );

  // The connected member, as `connect` with a pasted token stores them.
  const db = await createPostgresDatabase({ url: databaseUrl, schema: deployment.schema });
  await migrate(db);
  const store = createStateStore({ db, cipher: createTokenCipher({ key: encryptionKey }) });
  const connection = await store.createConnection({ provider: PROVIDER, providerUserId: BENCH_USER, referenceId: "bench-5y" });
  await store.setTokens(connection.user_id, { auth_type: "bearer_token", access_token: BENCH_TOKEN, obtained_at: Date.now() });
  await db.close();

  const pull = new Queue("pull", { connection: { url: redisUrl }, prefix: queueKeyPrefix(deployment.prefix, "pull") });
  const worker = await startProcess("worker", deployment, ["--metrics-port", String(metricsPort)], { built: BUILT });
  try {
    await waitForWorker(metricsPort);
    console.log(
      `${YEARS}-year backfill of one user: ${fmt(history.workouts.length)} workouts, ${fmt(history.samples)} samples (one every ${SAMPLE_SECONDS} s, 5–8 series each)`,
    );
    console.log(
      `  provider mock: cursor pages of 10 in windows of ≤ 31 days, one samples request per workout; budget per user ${RATE_LIMITS.map((w) => `${w.max}/${w.perSeconds} s`).join(" and ")}`,
    );
    const data: PullJobData = {
      userId: connection.user_id,
      provider: PROVIDER,
      dataType: "activity",
      start: start.toISOString(),
      end: end.toISOString(),
      reason: "backfill",
      withSamples: true,
      traceId: randomUUID(),
    };
    // The job `connect` enqueues for a new connection (enqueueBackfill), for the 5 years.
    const began = performance.now();
    const job = await pull.add(`${PROVIDER}:activity`, data, { priority: Priority.backfill, jobId: `backfill-bench-${id}` });
    const missing = await receiver.waitForKeys(history.ids, TIMEOUT_MS);
    let lastArrival = began;
    for (const key of history.ids) lastArrival = Math.max(lastArrival, receiver.arrivals.get(key) ?? lastArrival);
    const seconds = (lastArrival - began) / 1000;
    const state = await job.getState();
    const peakRss = await worker.peakRssMiB();
    const waits = await scrapeWaits(metricsPort);

    const requests = mock.requests;
    const pages = requests.filter((r) => r.status === 200 && /\/activities$/.test(r.path)).length;
    const details = requests.filter((r) => r.status === 200 && /\/samples$/.test(r.path)).length;
    const refused = requests.filter((r) => r.status === 429).length;
    const received = history.ids.length - missing;
    const budgetWait = (waits.get("budget/in_process") ?? 0) + (waits.get("budget/parked") ?? 0);
    const otherWait = [...waits].filter(([key]) => !key.startsWith("budget/")).reduce((sum, [, s]) => sum + s, 0);
    const share = budgetWait / seconds;
    const stats = receiver.stats();

    console.log("results");
    line("records/s (enqueue → last record delivered)", fmt(received / seconds, 1), `${fmt(received)} records in ${fmt(seconds, 1)} s`);
    line("records/s while not waiting on the budget", fmt(received / Math.max(0.001, seconds - budgetWait), 1));
    line("peak RSS of the worker process (MiB)", fmt(peakRss, 0), `target < 300 ${mark(peakRss < 300)}`);
    line(
      "share of time waiting on the budget",
      `${fmt(share * 100, 1)} %`,
      `${fmt(waits.get("budget/in_process") ?? 0, 1)} s slept in-process + ${fmt(waits.get("budget/parked") ?? 0, 1)} s parked`,
    );
    if (otherWait > 0) line("other waits (Retry-After, retry backoff) (s)", fmt(otherWait, 1));
    line("provider requests made (list pages / details)", fmt(requests.length), `${fmt(pages)} / ${fmt(details)}`);
    line("requests the mock refused with 429", fmt(refused), refused > 0 ? "✗ the budget let through more than the provider allows" : "");
    line("payloads delivered", fmt(stats.payloads), `${fmt(received / Math.max(1, stats.payloads), 1)} records per payload`);
    line("records missing at the destination", fmt(missing), missing > 0 ? `✗ pull job ${state}` : "");
    if (stats.rejected > 0) console.log(`  ! the receiver rejected ${stats.rejected} signatures`);
  } finally {
    await worker.stop();
    await pull.close();
    await mock.close();
    await receiver.close();
    await obliterate(deployment);
    await dropDeployment(deployment);
  }
}

async function waitForWorker(port: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health/live`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("the worker's status server did not answer within 60 s");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** tributary_provider_wait_seconds_total of the bench provider, by "reason/mode". */
async function scrapeWaits(port: number): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const waits = new Map<string, number>();
  for (const match of text.matchAll(/^tributary_provider_wait_seconds_total\{([^}]*)\} (\S+)$/gm)) {
    const labels = Object.fromEntries([...match[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (labels.provider === PROVIDER) waits.set(`${labels.reason}/${labels.mode}`, Number(match[2]));
  }
  return waits;
}

await main();
