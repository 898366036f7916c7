import { randomUUID } from "node:crypto";
import { AggregatorRegistry, Gauge, Registry, type MetricObjectWithValues, type MetricValue } from "prom-client";
import { COLLECT_REQUEST, type CollectRequest, type CollectResponse } from "./cluster-metrics.ts";

/** One copy of a `--processes N` cluster as the primary sees it (node:cluster's Worker is one). */
export interface MetricsCopy {
  id: number;
  isConnected(): boolean;
  send(message: CollectRequest): unknown;
}

type CopyMetrics = MetricObjectWithValues<MetricValue<string>>[];

/**
 * How long the primary waits for the copies' metrics before it answers with what it has. A copy whose
 * event loop is held longer (a burst of large bodies, a long collection) is counted from its previous
 * answer; well inside Prometheus' default 10 s scrape timeout.
 */
export const COLLECT_TIMEOUT_MS = 3000;

export interface ClusterMetricsCollector {
  /** A copy answers collection requests from now on (it said so, once its registry was in place). */
  add(copy: MetricsCopy): void;
  /** A copy exited: its metrics leave the sum. */
  remove(copy: MetricsCopy): void;
  /** A copy's answer to a collection request. */
  answered(copy: MetricsCopy, response: CollectResponse): void;
  /** The exposition text of the whole cluster. */
  collect(): Promise<string>;
}

/** The primary's own metric, added to the copies' sum. */
export function clusterProcessesGauge(registry: Registry) {
  return new Gauge({
    name: "tributary_cluster_processes",
    help: "Copies of this --processes N server, by how this scrape counted their metrics: current (answered now), stale (from an earlier answer: this one was late), missing (not counted: no answer yet).",
    labelNames: ["metrics"] as const,
    registers: [registry],
  });
}

/**
 * The primary's side of `/metrics` under `--processes N`: asks every copy for its registry and sums them
 * the way prom-client's AggregatorRegistry does (each metric by its `aggregator`). Unlike
 * `AggregatorRegistry.clusterMetrics`, one slow copy does not fail the whole scrape — which Prometheus
 * would record as the server being down — and a copy still starting is not waited for:
 * - only copies that announced their registry are asked (one still loading has counted nothing yet);
 * - a copy that does not answer within the bound is counted with its previous answer. Its counters are
 *   then a little behind, never lower than before, so the sums do not go down and read as resets (a
 *   copy missing from a sum would);
 * - `tributary_cluster_processes{metrics="current|stale|missing"}` says how many copies each scrape
 *   counted from a fresh answer, from an earlier one, or not at all (no answer yet).
 */
export function clusterMetricsCollector(timeoutMs = COLLECT_TIMEOUT_MS): ClusterMetricsCollector {
  const copies = new Map<number, MetricsCopy>();
  const previous = new Map<number, CopyMetrics>();
  const waiting = new Map<string, (copy: MetricsCopy, metrics: CopyMetrics) => void>();

  return {
    add: (copy) => void copies.set(copy.id, copy),
    remove(copy) {
      copies.delete(copy.id);
      previous.delete(copy.id);
    },
    answered(copy, response) {
      const waiter = waiting.get(response.id);
      if (waiter) waiter(copy, response.metrics);
      // Too late for its scrape, still newer than what the next one would fall back on.
      else if (copies.has(copy.id)) previous.set(copy.id, response.metrics);
    },
    async collect() {
      const asked = [...copies.values()].filter((copy) => copy.isConnected());
      const fresh = new Map<number, CopyMetrics>();
      const id = randomUUID();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        waiting.set(id, (copy, metrics) => {
          if (!asked.includes(copy)) return;
          fresh.set(copy.id, metrics);
          if (fresh.size === asked.length) clearTimeout(timer), resolve();
        });
        for (const copy of asked) {
          try {
            copy.send({ type: COLLECT_REQUEST, id });
          } catch {
            // Its channel closed since isConnected(): it is exiting, and counted as stale or missing.
          }
        }
        if (asked.length === 0) clearTimeout(timer), resolve();
      });
      waiting.delete(id);

      const counted: CopyMetrics[] = [];
      const tally = { current: 0, stale: 0, missing: 0 };
      for (const copy of asked) {
        const metrics = fresh.get(copy.id) ?? previous.get(copy.id);
        if (fresh.has(copy.id)) previous.set(copy.id, metrics!);
        tally[fresh.has(copy.id) ? "current" : metrics ? "stale" : "missing"]++;
        if (metrics) counted.push(metrics);
      }
      const status = new Registry();
      const processes = clusterProcessesGauge(status);
      for (const [state, count] of Object.entries(tally)) processes.set({ metrics: state }, count);
      counted.push(await status.getMetricsAsJSON());
      return AggregatorRegistry.aggregate(counted).metrics();
    },
  };
}
