import cluster from "node:cluster";
import { randomUUID } from "node:crypto";
import { AggregatorRegistry, type Registry } from "prom-client";
import type { Logger } from "../log/logger.ts";

export const CLUSTER_METRICS_REQUEST = "tributary:cluster-metrics-request";
export const CLUSTER_METRICS_RESPONSE = "tributary:cluster-metrics-response";

export interface ClusterMetricsRequest {
  type: typeof CLUSTER_METRICS_REQUEST;
  id: string;
}

export interface ClusterMetricsResponse {
  type: typeof CLUSTER_METRICS_RESPONSE;
  id: string;
  text?: string;
  error?: string;
}

/** A `/metrics` answer, for whichever HTTP server serves it. */
export interface MetricsAnswer {
  status: 200 | 503;
  contentType: string;
  body: string;
}

/**
 * Answers a scrape: the exposition text, or 503 with the reason (logged) when it cannot be collected —
 * a failed scrape Prometheus can see, never one process's numbers passed off as the server's.
 */
export function metricsScraper(registry: Registry, log: Logger): () => Promise<MetricsAnswer> {
  const source = metricsSource(registry);
  return async () => {
    try {
      return { status: 200, contentType: registry.contentType, body: await source() };
    } catch (error) {
      log.warn({ err: (error as Error).message }, "metrics scrape failed");
      return { status: 503, contentType: "application/json; charset=utf-8", body: JSON.stringify({ status: "error", message: (error as Error).message }) };
    }
  };
}

/** Bound on collecting every process's metrics (prom-client's own bound on the primary's side is 5 s). */
const CLUSTER_METRICS_TIMEOUT_MS = 6000;

/**
 * The text a `/metrics` scrape gets. A lone process answers with its registry. A process of a
 * `--processes N` cluster makes its registry collectable by the primary and answers with the sum over
 * every process: scrapes land on whichever process takes the connection, and a counter that jumps
 * between processes' values would read as resets. When the primary cannot answer, the scrape fails
 * (throws) rather than report one process's numbers as the server's.
 */
export function metricsSource(registry: Registry): () => Promise<string> {
  if (!cluster.isWorker || typeof process.send !== "function") return () => registry.metrics();
  AggregatorRegistry.setRegistries(registry);
  new AggregatorRegistry(); // installs prom-client's responder to the primary's collection requests
  const pending = new Map<string, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  process.on("message", (message: ClusterMetricsResponse) => {
    if (message?.type !== CLUSTER_METRICS_RESPONSE) return;
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.text !== undefined) waiter.resolve(message.text);
    else waiter.reject(new Error(`collecting the cluster's metrics failed: ${message.error ?? "no answer"}`));
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = randomUUID();
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`the cluster primary did not send the metrics within ${CLUSTER_METRICS_TIMEOUT_MS} ms`));
      }, CLUSTER_METRICS_TIMEOUT_MS);
      pending.set(id, {
        resolve: (text) => (clearTimeout(timer), resolve(text)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      process.send!({ type: CLUSTER_METRICS_REQUEST, id } satisfies ClusterMetricsRequest);
    });
}
