import cluster from "node:cluster";
import type { Command } from "commander";
import { READY_MESSAGE, runClusterPrimary } from "../../app/cluster-primary.ts";
import { shutdownOnSignal } from "../../app/shutdown-on-signal.ts";
import { awaitRedis, redisStartupLimitSeconds } from "../../app/await-redis.ts";
import { loadConfigWithPlugins } from "../../config/load-config.ts";
import { ErrorCodes } from "../../errors/codes.ts";
import { UserError } from "../../errors/tributary-error.ts";
import { startStatusServer, type StatusServer } from "../../http/status-server.ts";
import { startControlServer, type ControlServer } from "../../control/control-socket.ts";
import { operatorActions } from "../../control/operator-actions.ts";
import { createLogger } from "../../log/logger.ts";
import { describeRedis } from "../../queue/redis-client.ts";
import { startScheduler } from "../../runtime/scheduler.ts";
import { loadApp, parsePositiveInteger, withAppOptions, type AppCommandOptions } from "../app-options.ts";

export interface ProcessCommandOptions extends AppCommandOptions {
  concurrency?: number;
  /** false with --no-scheduler. */
  scheduler: boolean;
  host?: string;
  port?: number;
  /** Copies of this process to run on this machine (node:cluster); 1 runs in this process. */
  processes: number;
  /** worker: serve /metrics and /health/* on this port. */
  metricsPort?: number;
}

type Role = { http: boolean; workers: boolean };

const ROLES: Record<"serve" | "api" | "worker", Role & { description: string }> = {
  serve: { http: true, workers: true, description: "run the HTTP API and the workers in one process" },
  api: { http: true, workers: false, description: "run the HTTP API only (provider webhooks, health, metrics, admin)" },
  worker: { http: false, workers: true, description: "run the workers only; start several, on several machines, to scale out" },
};

/** `serve`, `api` and `worker`: long-running processes that drain and exit 0 on SIGTERM or SIGINT. */
export function registerProcessCommands(program: Command): void {
  for (const [name, role] of Object.entries(ROLES)) {
    const command = withAppOptions(program.command(name).description(role.description)).option(
      "--no-scheduler",
      "do not register the scheduled pulls (polls, daily reconciliation) at start-up",
    );
    command.option(
      "--processes <n>",
      "run n copies of this process on this machine, sharing its port (one per core uses them all; needs PostgreSQL, not the embedded store)",
      parsePositiveInteger,
      1,
    );
    if (role.workers)
      command.option(
        "--concurrency <n>",
        "jobs each queue (pull, ingest, each destination's deliveries) runs at once in this process (default: pull 4, ingest 8, deliveries 32 per destination)",
        parsePositiveInteger,
      );
    if (!role.http) {
      command.option("--metrics-port <port>", "serve /metrics, /health/live and /health/ready on this port (on server.host of the config)", parsePort);
    }
    if (role.http) {
      command.option("--host <host>", "interface to listen on (default: server.host of the config)");
      command.option("--port <port>", "port to listen on (default: server.port of the config)", parsePort);
    }
    command.action(async (_options: unknown, self: Command) => runProcess(self.optsWithGlobals<ProcessCommandOptions>(), role));
  }
}

async function runProcess(options: ProcessCommandOptions, role: Role): Promise<void> {
  const log = createLogger();
  if (options.processes > 1 && cluster.isPrimary) {
    await assertSharedState(options);
    process.exitCode = await runClusterPrimary({ processes: options.processes, log });
    return;
  }
  const app = await loadApp(options, log, { withHttp: role.http });
  let status: StatusServer | undefined;
  let control: ControlServer | undefined;
  // The status server outlives the drain: probes and scrapes keep answering until the process exits.
  shutdownOnSignal({ log, close: async () => (await control?.close(), await app.close(), await status?.close()) });
  try {
    // Listening first: /health/live answers and /health/ready says "redis: error" while Redis is awaited.
    const listening = role.http
      ? await app.startHttp({ ...(options.host ? { host: options.host } : {}), ...(options.port !== undefined ? { port: options.port } : {}) })
      : undefined;
    if (options.metricsPort !== undefined) {
      status = await startStatusServer({
        registry: app.ctx.metrics.registry,
        redis: app.producer.redis,
        store: app.ctx.store,
        log,
        host: app.config.server.host,
        port: options.metricsPort,
      });
    }
    if (!app.config.database.url) {
      // The embedded store is this process's alone: CLI actions (connect, deauth, …) come through here.
      control = await startControlServer({ dataDir: app.config.dataDir, actions: operatorActions(app.services, app.config, app.authorizer), log });
    }
    await awaitRedis({
      whenReady: (timeoutMs) => app.producer.whenReady(timeoutMs),
      host: describeRedis(app.config.redis),
      limitSeconds: redisStartupLimitSeconds(app.config.redis.startupTimeoutSeconds),
      log,
    });
    if (role.workers) {
      const n = options.concurrency;
      app.startWorkers(n === undefined ? {} : { pull: n, ingest: n, deliver: n });
    }
    if (options.scheduler !== false) {
      // In the background: it waits for Redis when Redis is not there yet, and the process serves meanwhile.
      startScheduler(app.ctx).catch((error: unknown) => log.error({ err: (error as Error).message }, "registering the scheduled pulls failed"));
    }
    log.info(
      {
        queuePrefix: app.ctx.queues.prefix,
        destinations: [...app.ctx.destinations.keys()],
        ...(listening ? { url: listening.url } : {}),
        ...(status ? { metricsUrl: `${status.url}/metrics` } : {}),
        workers: role.workers,
      },
      "tributary started",
    );
    if (cluster.isWorker) process.send?.({ type: READY_MESSAGE });
  } catch (error) {
    await control?.close();
    await app.close();
    await status?.close();
    throw error;
  }
}

/** The embedded store is one process's alone: refuse before starting copies that would fight over it. */
async function assertSharedState(options: ProcessCommandOptions): Promise<void> {
  const { config } = await loadConfigWithPlugins({ path: options.config });
  if (!config.database.url) {
    throw new UserError(ErrorCodes.STATE_IN_USE, `--processes ${options.processes} needs a state store the processes can share`, {
      hint: "Set DATABASE_URL (or database.url in the config) to a PostgreSQL database, or run one process.",
    });
  }
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error("--port must be 0..65535");
  return port;
}
