import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sandboxProviderRecords, signSandboxRequest, type SandboxNotification } from "@tributary/connector-sandbox";
import { buildApp, type App } from "@tributary/core/app";
import { loadConfigWithPlugins } from "@tributary/core/config";
import { silentLogger } from "@tributary/core/log";
import { connectUser } from "@tributary/core/services";
import { createPostgresDatabase } from "@tributary/core/state";
import { childNodePids } from "../kit/child-processes.ts";
import { freePort } from "../kit/free-port.ts";
import { createHostileClient, type Answer, type HostileClient } from "../kit/hostile-client.ts";
import { packageScriptFlags } from "../kit/package-script-flags.ts";
import { spawnCli, type CliProcess } from "../kit/spawn-cli.ts";
import { until } from "../kit/until.ts";
import { startLedgerReceiver, type LedgerReceiver } from "./ledger-receiver.ts";

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export interface DeploymentOptions {
  /** Extra `server:` settings, YAML flow mapping entries: `limits: { … }, rateLimit: { … }`. */
  server?: string;
  /** Extra plugins (paths) to load besides the sandbox connector and the webhook destination. */
  plugins?: string[];
  /** Extra providers, YAML flow mapping entries. */
  providers?: string;
  receiverDelayMs?: number;
  /** `worker` arguments, e.g. ["--processes", "2"]. */
  workerArgs?: string[];
  /** Worker processes to start. @default 1 */
  workers?: number;
}

export interface ProcessDeployment {
  port: number;
  prefix: string;
  pushSecret: string;
  apiKey: string;
  configPath: string;
  /** The same config, composed in the test process (no workers): users, the store, the queues. */
  app: App;
  receiver: LedgerReceiver;
  api: CliProcess;
  workers: CliProcess[];
  client: HostileClient;
  startWorker(): Promise<CliProcess>;
  /** A connected SANDBOX user and its provider account id. */
  sandboxUser(): Promise<{ userId: string; providerUserId: string }>;
  /** An ordinary activity of the sandbox provider under this id: the receiver finds it as `activity/<id>`. */
  activityRecord(id: string): Record<string, unknown>;
  /**
   * A signed push of one activity the receiver can recognise (`activity/<id>`): the legitimate traffic
   * every attack is measured against.
   */
  legitPush(user: { providerUserId: string }, from?: string): Promise<{ answer: Answer; key: string }>;
  signed(notifications: SandboxNotification[], nowSeconds?: number): { rawBody: Buffer; headers: Record<string, string> };
  close(): Promise<void>;
}

/**
 * Tributary as an operator runs it: `tributary api` and `tributary worker` processes started with the
 * package scripts' Node flags, on real Redis and PostgreSQL (a schema of its own), delivering to a
 * webhook receiver that verifies every signature and keeps a ledger.
 */
export async function startProcessDeployment(options: DeploymentOptions = {}): Promise<ProcessDeployment> {
  const dir = await mkdtemp(join(tmpdir(), "tributary-e2e-deployment-"));
  const id = randomBytes(6).toString("hex");
  const schema = `e2e_${id}`;
  const prefix = `test-e2e-${id}`;
  const port = await freePort();
  const pushSecret = randomBytes(16).toString("hex");
  const signingSecret = randomBytes(16).toString("hex");
  const apiKey = randomBytes(16).toString("hex");
  const receiver = await startLedgerReceiver({ signingSecret, ...(options.receiverDelayMs ? { delayMs: options.receiverDelayMs } : {}) });
  const configPath = join(dir, "tributary.yaml");
  await writeFile(
    configPath,
    [
      `server: { host: 127.0.0.1, port: ${port}${options.server ? `, ${options.server}` : ""} }`,
      `redis: { url: "${REDIS_URL}" }`,
      `database: { url: "${DATABASE_URL}", schema: ${schema} }`,
      `dataDir: "${join(dir, "data")}"`,
      `encryptionKey: "${randomBytes(32).toString("base64")}"`,
      `api: { apiKeys: ["${apiKey}"], signingSecret: "${signingSecret}" }`,
      `plugins: ${JSON.stringify(["@tributary/connector-sandbox", "@tributary/destination-webhook", ...(options.plugins ?? [])])}`,
      `providers: { SANDBOX: { pushSecret: "${pushSecret}", backfillDays: 1 }${options.providers ? `, ${options.providers}` : ""} }`,
      `delivery: { attempts: 5, backoffSeconds: 1, maxBackoffSeconds: 5 }`,
      `destinations: [{ name: receiver, type: webhook, options: { url: "${receiver.url}" } }]`,
    ].join("\n"),
  );
  const { config, registry } = await loadConfigWithPlugins({ path: configPath });
  const app = await buildApp({ config, registry, log: silentLogger(), prefix });
  const cli = (role: "api" | "worker", args: string[] = []) =>
    spawnCli([role, "-c", configPath, "--queue-prefix", prefix, "--no-scheduler", ...args], process.env, packageScriptFlags(role));
  const started: CliProcess[] = [];
  const whenStarted = async (child: CliProcess) => {
    // Loading the sources through tsx takes a while on a busy machine.
    await until(
      "tributary to start",
      async () => (child.output().includes('"msg":"tributary started"') || child.child.exitCode !== null ? true : undefined),
      120_000,
    ).catch(() => undefined);
    if (!child.output().includes('"msg":"tributary started"'))
      throw new Error(`tributary did not start (exit code ${child.child.exitCode}):\n${child.output()}`);
    return child;
  };
  const stop = async () => {
    for (const { child } of started) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      for (const pid of await childNodePids(child.pid!)) process.kill(pid, "SIGKILL");
      child.kill("SIGKILL");
    }
    await Promise.all(started.map((s) => s.exited));
  };

  const api = cli("api");
  started.push(api);
  const workers: CliProcess[] = [];
  const startWorker = async () => {
    const worker = cli("worker", options.workerArgs ?? []);
    started.push(worker);
    workers.push(worker);
    return whenStarted(worker);
  };
  const client = createHostileClient(port);
  const cleanUp = async () => {
    client.close();
    await stop();
    await Promise.all(app.ctx.queues.all().map((queue) => queue.obliterate({ force: true }).catch(() => undefined)));
    await app.close();
    await receiver.close();
    const admin = await createPostgresDatabase({ url: DATABASE_URL });
    await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => admin.close());
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await whenStarted(api);
    for (let i = 0; i < (options.workers ?? 1); i++) await startWorker();
  } catch (error) {
    // Nothing is left running when the deployment cannot start (the caller gets no close()).
    await cleanUp();
    throw error;
  }

  const signed = (notifications: SandboxNotification[], nowSeconds?: number) => signSandboxRequest(pushSecret, { notifications }, nowSeconds);
  // One ordinary activity of the sandbox provider, renamed so each push is recognisable at the receiver.
  const template = [...sandboxProviderRecords("activity", { userId: "legit", range: { start: new Date(Date.now() - 3 * 86_400_000), end: new Date() } })][0]!;

  return {
    port,
    prefix,
    pushSecret,
    apiKey,
    configPath,
    app,
    receiver,
    api,
    workers,
    client,
    startWorker,
    async sandboxUser() {
      const providerUserId = `sbx-${randomUUID()}`;
      const { user } = await connectUser(app.ctx, { provider: "SANDBOX", providerUserId });
      return { userId: user.user_id, providerUserId };
    },
    activityRecord: (id) => ({ ...template, id }),
    async legitPush(user, from) {
      const id = `legit-${randomUUID()}`;
      const request = signed([{ event: "activity.push", owner_id: user.providerUserId, records: [{ ...template, id }] }]);
      const answer = await client.send({ path: "/hooks/sandbox", body: request.rawBody, headers: request.headers, ...(from ? { from } : {}) });
      return { answer, key: `activity/${id}` };
    },
    signed,
    close: cleanUp,
  };
}

/** Legitimate pushes sent steadily while an attack runs, checked afterwards: every one answered 2xx and delivered. */
export function legitimateTraffic(deployment: ProcessDeployment, user: { providerUserId: string }, everyMs = 100) {
  const sent: Array<{ status: number; key: string; error?: string }> = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const { answer, key } = await deployment.legitPush(user);
      sent.push({ status: answer.status, key, ...(answer.error ? { error: answer.error } : {}) });
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    sent,
    /** Stop, and wait until every key is at the receiver; resolves with what went wrong (empty when all is well). */
    async stop(timeoutMs = 120_000): Promise<{ refused: typeof sent; undelivered: string[] }> {
      running = false;
      await loop;
      const refused = sent.filter((s) => s.status < 200 || s.status > 299);
      const wanted = sent.filter((s) => s.status === 200).map((s) => s.key);
      const missing = () => {
        const delivered = deployment.receiver.delivered();
        return wanted.filter((key) => !delivered.has(key));
      };
      await until("the legitimate pushes to be delivered", async () => (missing().length === 0 ? true : undefined), timeoutMs).catch(() => undefined);
      return { refused, undelivered: missing() };
    },
  };
}
