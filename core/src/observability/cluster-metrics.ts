import cluster from "node:cluster";
import { randomUUID } from "node:crypto";
import type { MetricObjectWithValues, MetricValue, Registry } from "prom-client";
import type { Logger } from "../log/logger.ts";

/** A copy asks the primary for the cluster's metrics (to answer a scrape)… */
export const CLUSTER_METRICS_REQUEST = "tributary:cluster-metrics-request";
/** …and gets the exposition text of every copy summed, or why not. */
export const CLUSTER_METRICS_RESPONSE = "tributary:cluster-metrics-response";
/** A copy tells the primary it answers collection requests (its registry is in place). */
export const COLLECTABLE = "tributary:metrics-collectable";
/** The primary asks a copy for its own metrics… */
export const COLLECT_REQUEST = "tributary:metrics-collect-request";
/** …and the copy answers with its registry as JSON. */
export const COLLECT_RESPONSE = "tributary:metrics-collect-response";

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

export interface CollectRequest {
  type: typeof COLLECT_REQUEST;
  id: string;
}

export interface CollectResponse {
  type: typeof COLLECT_RESPONSE;
  id: string;
  metrics: MetricObjectWithValues<MetricValue<string>>[];
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

/**
 * Bound on the primary's answer. The primary itself answers within its own bound on the copies
 * (COLLECT_TIMEOUT_MS) with what it has: this one only ends a scrape when the primary is gone or stuck.
 */
const CLUSTER_METRICS_TIMEOUT_MS = 8000;

/**
 * The text a `/metrics` scrape gets. A lone process answers with its registry. A process of a
 * `--processes N` cluster answers the primary's collection requests with its registry, and a scrape
 * with the sum over every process (see cluster-collector.ts): scrapes land on whichever process takes
 * the connection, and a counter that jumps between processes' values would read as resets. When the
 * primary cannot answer, the scrape fails (throws) rather than report one process's numbers as the
 * server's.
 */
export function metricsSource(registry: Registry): () => Promise<string> {
  if (!cluster.isWorker || typeof process.send !== "function") return () => registry.metrics();
  const send = process.send.bind(process);
  const pending = new Map<string, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  process.on("message", (message: ClusterMetricsResponse | CollectRequest) => {
    if (message?.type === COLLECT_REQUEST) {
      const { id } = message;
      // A copy that cannot answer is counted from its previous answer, or as missing (the primary says which).
      registry
        .getMetricsAsJSON()
        .then((metrics) => send({ type: COLLECT_RESPONSE, id, metrics } satisfies CollectResponse))
        .catch(() => undefined);
      return;
    }
    if (message?.type !== CLUSTER_METRICS_RESPONSE) return;
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.text !== undefined) waiter.resolve(message.text);
    else waiter.reject(new Error(`collecting the cluster's metrics failed: ${message.error ?? "no answer"}`));
  });
  send({ type: COLLECTABLE });
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
      send({ type: CLUSTER_METRICS_REQUEST, id } satisfies ClusterMetricsRequest);
    });
}
