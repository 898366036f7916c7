import cluster, { type Worker } from "node:cluster";
import type { Logger } from "../log/logger.ts";
import { SHUTDOWN_MESSAGE } from "./shutdown-on-signal.ts";
import { clusterMetricsCollector } from "../observability/cluster-collector.ts";
import {
  CLUSTER_METRICS_REQUEST,
  CLUSTER_METRICS_RESPONSE,
  COLLECT_RESPONSE,
  COLLECTABLE,
  type ClusterMetricsRequest,
  type ClusterMetricsResponse,
  type CollectResponse,
} from "../observability/cluster-metrics.ts";

export interface ClusterPrimaryOptions {
  /** How many copies of this command to run. */
  processes: number;
  log: Logger;
  /** Wait before replacing a process that died; doubles while they keep dying young (to 30 s). */
  restartDelayMs?: number;
}

/** What a copy sends the primary once it serves (and handles the shutdown message). */
export const READY_MESSAGE = "tributary:ready";

/** A process that lived this long was not crash-looping: its replacement starts without extra delay. */
const HEALTHY_LIFETIME_MS = 30_000;
const MAX_RESTART_DELAY_MS = 30_000;

/**
 * The primary of `--processes N`: runs N copies of this command (node:cluster), which share the listening
 * port — the primary hands each new connection to one of them — so one machine's cores all serve. It
 * replaces a copy that dies, answers the copies' requests for the metrics of all of them (one scrape
 * sees the whole server, not whichever copy took the connection), and on SIGTERM or SIGINT asks every
 * copy to drain and resolves with the exit code once all have exited; a second signal forces them.
 */
export function runClusterPrimary(options: ClusterPrimaryOptions): Promise<number> {
  const { log, processes } = options;
  const baseDelay = options.restartDelayMs ?? 1000;
  const metrics = clusterMetricsCollector();
  let stopping = false;
  let failed = false;
  let delay = baseDelay;
  const startedAt = new Map<Worker, number>();
  const ready = new Set<Worker>();
  // Replacements waiting out their delay. Kept referenced: when every copy has died at once (a job that
  // kills each worker taking it), these timers are all that keeps the primary alive to replace them.
  const restarts = new Set<NodeJS.Timeout>();
  const askToDrain = (worker: Worker) => {
    // A copy still starting has no shutdown handler yet: the signal's default action ends it at once,
    // which is right for a process that has taken no work.
    if (ready.has(worker) && worker.isConnected()) worker.send({ type: SHUTDOWN_MESSAGE });
    else worker.process.kill("SIGTERM");
  };

  const fork = () => {
    const worker = cluster.fork();
    startedAt.set(worker, Date.now());
  };

  type CopyMessage = ClusterMetricsRequest | CollectResponse | { type: typeof READY_MESSAGE | typeof COLLECTABLE };
  cluster.on("message", (worker: Worker, message: CopyMessage) => {
    if (message?.type === READY_MESSAGE) {
      ready.add(worker);
      if (stopping) askToDrain(worker);
      return;
    }
    if (message?.type === COLLECTABLE) return metrics.add(worker);
    if (message?.type === COLLECT_RESPONSE) return metrics.answered(worker, message);
    if (message?.type !== CLUSTER_METRICS_REQUEST) return;
    const reply = (response: Omit<ClusterMetricsResponse, "type" | "id">) => {
      if (worker.isConnected()) worker.send({ type: CLUSTER_METRICS_RESPONSE, id: message.id, ...response } satisfies ClusterMetricsResponse);
    };
    metrics.collect().then(
      (text) => reply({ text }),
      (error: unknown) => reply({ error: (error as Error).message }),
    );
  });

  return new Promise<number>((resolve) => {
    cluster.on("exit", (worker, code, signal) => {
      const lived = Date.now() - (startedAt.get(worker) ?? 0);
      startedAt.delete(worker);
      ready.delete(worker);
      metrics.remove(worker);
      if (stopping) {
        // Ended by the SIGTERM sent to a copy still starting: expected, not a failure.
        if (code !== 0 && !(code === null && signal === "SIGTERM")) failed = true;
        if (startedAt.size === 0) resolve(failed ? 1 : 0);
        return;
      }
      if (lived >= HEALTHY_LIFETIME_MS) delay = baseDelay;
      const wait = delay;
      // A copy that keeps dying young (bad config, a dependency down) is restarted ever more slowly.
      if (lived < HEALTHY_LIFETIME_MS) delay = Math.min(delay * 2, MAX_RESTART_DELAY_MS);
      log.error({ pid: worker.process.pid, code, signal, restartInMs: wait }, "a tributary process exited unexpectedly; starting a new one");
      const restart = setTimeout(() => {
        restarts.delete(restart);
        fork();
      }, wait);
      restarts.add(restart);
    });

    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        log.warn({ signal }, "second signal: stopping every process without waiting for running jobs");
        for (const worker of startedAt.keys()) worker.process.kill("SIGTERM"); // their second: exit at once
        return;
      }
      stopping = true;
      for (const restart of restarts) clearTimeout(restart);
      restarts.clear();
      log.info({ signal, processes: startedAt.size }, "stopping: draining every process");
      if (startedAt.size === 0) resolve(0);
      for (const worker of startedAt.keys()) askToDrain(worker);
    };
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));

    for (let i = 0; i < processes; i++) fork();
    log.info({ processes, pid: process.pid }, "tributary cluster started");
  });
}
