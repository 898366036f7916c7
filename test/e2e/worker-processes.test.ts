import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxTerraRecords } from "@tributary/connector-sandbox";
import { buildApp, type App } from "@tributary/core/app";
import { loadConfigWithPlugins } from "@tributary/core/config";
import { payloadRecords, recordKey, type DataType } from "@tributary/core/contracts";
import { silentLogger } from "@tributary/core/log";
import type { PullJobData } from "@tributary/core/queue";
import { waitForIdle } from "@tributary/core/runtime";
import { connectUser } from "@tributary/core/services";
import { createPostgresDatabase } from "@tributary/core/state";
import { freePort } from "../kit/free-port.ts";
import { spawnCli, type CliProcess } from "../kit/spawn-cli.ts";
import { until } from "../kit/until.ts";
import { startRecordingReceiver, type RecordingReceiver } from "./recording-receiver.ts";

/*
 * Worker processes as an operator runs them (`tributary worker -c tributary.yaml`), sharing one Redis
 * and one PostgreSQL schema: killed without warning, scaled to two, stopped with SIGTERM.
 */

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

interface WorkerProcess extends CliProcess {
  /** What BullMQ records as `job.processedBy` for this process. */
  name: string;
  started: Promise<void>;
}

function spawnWorker(configPath: string, prefix: string, extraArgs: string[] = []): WorkerProcess {
  // No scheduler: its repeating jobs would keep the queues from ever being idle.
  const worker = spawnCli(["worker", "-c", configPath, "--queue-prefix", prefix, "--concurrency", "1", "--no-scheduler", ...extraArgs]);
  const started = new Promise<void>((resolve, reject) => {
    const check = () => worker.output().includes('"msg":"tributary started"') && resolve();
    worker.child.stdout?.on("data", check);
    void worker.exited.then(({ code, signal }) => reject(new Error(`worker exited (${code ?? signal}) before starting:\n${worker.output()}`)));
  });
  return { ...worker, name: `${hostname()}:${worker.child.pid}`, started };
}

describe("worker processes", () => {
  const schema = `e2e_${randomBytes(6).toString("hex")}`;
  const prefix = `test-e2e-${randomUUID().slice(0, 12)}`;
  const signingSecret = randomBytes(16).toString("hex");
  const workers: WorkerProcess[] = [];
  const receivers: RecordingReceiver[] = [];
  let dir: string;
  let app: App;

  const writeConfig = async (name: string, receiverUrl: string) => {
    const path = join(dir, name);
    await writeFile(
      path,
      [
        `redis: { url: "${REDIS_URL}" }`,
        `database: { url: "${DATABASE_URL}", schema: ${schema} }`,
        `dataDir: "${join(dir, "data")}"`,
        `encryptionKey: "${randomBytes(32).toString("base64")}"`,
        `api: { apiKeys: ["${randomBytes(12).toString("hex")}"] }`,
        `plugins: ["@tributary/connector-sandbox", "@tributary/destination-webhook"]`,
        `providers: { SANDBOX: { backfillDays: 4 } }`,
        `delivery: { attempts: 5, backoffSeconds: 1 }`,
        `destinations: [{ name: receiver, type: webhook, options: { url: "${receiverUrl}", signingSecret: "${signingSecret}" } }]`,
      ].join("\n"),
    );
    return path;
  };
  const start = (configPath: string, extraArgs: string[] = []) => {
    const worker = spawnWorker(configPath, prefix, extraArgs);
    workers.push(worker);
    return worker;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tributary-e2e-workers-"));
    // The test process enqueues (connects users) through the same composition, without workers.
    const { config, registry } = await loadConfigWithPlugins({ path: await writeConfig("enqueue.yaml", "http://127.0.0.1:9/unused") });
    app = await buildApp({ config, registry, log: silentLogger(), prefix });
  });

  afterAll(async () => {
    for (const worker of workers) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill("SIGKILL");
    await Promise.all(workers.map((worker) => worker.exited));
    if (app) {
      await Promise.all(app.ctx.queues.all().map((queue) => queue.obliterate({ force: true }).catch(() => undefined)));
      await app.close();
    }
    await Promise.all(receivers.map((receiver) => receiver.close()));
    const admin = await createPostgresDatabase({ url: DATABASE_URL });
    await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => admin.close());
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("loses no record when a worker is SIGKILLed mid-delivery, and two workers share the work", async () => {
    const receiver = await startRecordingReceiver({ signingSecret, delayMs: 400 });
    receivers.push(receiver);
    const configPath = await writeConfig("crash.yaml", receiver.url);
    const a = start(configPath);
    const b = start(configPath);
    await Promise.all([a.started, b.started]);

    const pulls: PullJobData[] = [];
    for (let i = 0; i < 3; i++) {
      const { backfillJobs } = await connectUser(app.ctx, { provider: "SANDBOX", referenceId: `crash-${i}` });
      for (const id of backfillJobs) pulls.push((await app.ctx.queues.pull.getJob(id))!.data as PullJobData);
    }

    // Two workers on one Redis share the work: each has finished jobs of its own.
    const finishedBy = async () => {
      const names = new Set<string | undefined>();
      for (const queue of app.ctx.queues.all()) for (const job of await queue.getJobs(["completed"])) names.add(job.processedBy);
      return names;
    };
    await until("both workers to finish jobs", async () => {
      const names = await finishedBy();
      return names.has(a.name) && names.has(b.name) ? true : undefined;
    });

    // Then kill A in the middle of a delivery: the receiver holds every answer for 400 ms.
    const deliver = app.ctx.queues.deliverTo("receiver");
    const held = await until("worker A to be delivering", async () => (await deliver.getJobs(["active"])).find((job) => job.processedBy === a.name));
    a.child.kill("SIGKILL");
    await a.exited;
    const c = start(configPath);
    await c.started;
    await waitForIdle(app.ctx.queues, { timeoutMs: 120_000 });

    // Every record the SANDBOX generators produce for the backfilled windows arrived, each natural key's
    // latest version intact; redeliveries (duplicates) are allowed, losses are not.
    const expected = new Map<string, unknown>();
    for (const pull of pulls) {
      const range = { start: new Date(pull.start), end: new Date(pull.end) };
      for (const record of sandboxTerraRecords(pull.dataType as DataType, { userId: pull.userId, range, withSamples: pull.withSamples })) {
        const key = recordKey(pull.dataType, pull.userId, record);
        expected.set(`${key.type}|${key.userId}|${key.key}`, JSON.parse(JSON.stringify(record)));
      }
    }
    const latest = new Map<string, unknown>();
    for (const arrival of receiver.arrivals) {
      for (const { record, key } of payloadRecords(arrival.payload)) latest.set(`${key.type}|${key.userId}|${key.key}`, record);
    }
    expect(expected.size).toBeGreaterThan(30);
    expect([...expected.keys()].filter((key) => !latest.has(key))).toEqual([]);
    expect([...expected].filter(([key, record]) => !isDeepStrictEqual(latest.get(key), record)).map(([key]) => key)).toEqual([]);
    const authTraces = new Set(receiver.arrivals.filter((arrival) => arrival.payload.type === "auth").map((arrival) => arrival.traceId));
    expect(authTraces.size).toBe(3);
    expect(await app.ctx.store.countQuarantine()).toBe(0);

    // The delivery A died in was run again, to completion, by another worker.
    const recovered = await deliver.getJob(held.id!);
    expect(await recovered?.getState()).toBe("completed");
    expect(recovered?.processedBy).not.toBe(a.name);

    b.child.kill("SIGTERM");
    c.child.kill("SIGTERM");
    expect(await b.exited).toEqual({ code: 0, signal: null });
    expect(await c.exited).toEqual({ code: 0, signal: null });
  }, 240_000);

  it("drains on SIGTERM: the delivery in flight completes before the process exits 0", async () => {
    const receiver = await startRecordingReceiver({ signingSecret, delayMs: 2500 });
    receivers.push(receiver);
    const worker = start(await writeConfig("drain.yaml", receiver.url));
    await worker.started;
    await connectUser(app.ctx, { provider: "SANDBOX", referenceId: "drain" });

    const inFlight = await until("a delivery in flight", async () => receiver.arrivals.find((arrival) => !arrival.answered));
    worker.child.kill("SIGTERM");
    expect(await worker.exited, worker.output()).toEqual({ code: 0, signal: null });

    expect(inFlight.answered).toBe(true);
    const [delivery] = await app.ctx.store.listDeliveries({ traceId: inFlight.traceId!, destination: "receiver" });
    expect(delivery?.status).toBe("delivered");
    expect(worker.output()).toContain('"msg":"shutdown complete"');
  }, 120_000);

  it("--metrics-port: the workers' job and delivery metrics are scraped from them, summed over --processes copies", async () => {
    const receiver = await startRecordingReceiver({ signingSecret });
    receivers.push(receiver);
    const port = await freePort();
    const worker = start(await writeConfig("metrics.yaml", receiver.url), ["--metrics-port", String(port), "--processes", "2"]);
    await worker.started;
    const base = `http://127.0.0.1:${port}`;
    // Ready once its connections are up (a probe right at start-up may see them still connecting).
    await until("the worker to be ready", async () => ((await fetch(`${base}/health/ready`)).status === 200 ? true : undefined));

    const { backfillJobs } = await connectUser(app.ctx, { provider: "SANDBOX", referenceId: "metrics" });
    await waitForIdle(app.ctx.queues, { timeoutMs: 120_000 });
    expect(receiver.arrivals.length).toBeGreaterThan(backfillJobs.length);

    const metric = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}]/g, "\\$&")} (\\S+)$`, "m").exec(text)?.[1]);
    const scrape = async () => (await fetch(`${base}/metrics`, { headers: { connection: "close" } })).text();
    // A worker counts a job once BullMQ has moved it to completed, so the queues can be idle a moment
    // before the last counts are in: wait until a scrape has them all.
    await until("every job and delivery counted", async () => {
      const text = await scrape();
      return metric(text, 'tributary_jobs_total{queue="pull",outcome="completed"}') >= backfillJobs.length &&
        metric(text, 'tributary_delivery_latency_seconds_count{destination="receiver"}') >= receiver.arrivals.length
        ? true
        : undefined;
    });
    // Each scrape on a connection of its own, so the copies take turns answering: every one sees the sum.
    for (let i = 0; i < 3; i++) {
      const text = await scrape();
      expect(metric(text, 'tributary_jobs_total{queue="pull",outcome="completed"}')).toBeGreaterThanOrEqual(backfillJobs.length);
      expect(metric(text, 'tributary_delivery_latency_seconds_count{destination="receiver"}')).toBeGreaterThanOrEqual(receiver.arrivals.length);
      // A time, not a sum of the copies' times.
      expect(Math.abs(metric(text, 'tributary_provider_last_data_timestamp_seconds{provider="SANDBOX"}') - Date.now() / 1000)).toBeLessThan(600);
    }

    worker.child.kill("SIGTERM");
    expect(await worker.exited, worker.output()).toEqual({ code: 0, signal: null });
  }, 180_000);
});
