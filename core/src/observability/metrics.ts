import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * The Prometheus metrics, one registry per process. Names follow Prometheus conventions
 * (`tributary_<thing>_<unit>`); labels stay low-cardinality (queue, outcome, destination, provider —
 * never user ids).
 */
export function createMetrics() {
  const registry = new Registry();
  // prom-client's process_* and nodejs_* metrics, as tributary_process_cpu_user_seconds_total etc.
  collectDefaultMetrics({ register: registry, prefix: "tributary_" });
  // Gauges whose names end in _total, which Prometheus reserves for counters; the same counts stay
  // available by type in tributary_nodejs_active_{handles,requests,resources}.
  for (const misnamed of ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"]) {
    registry.removeSingleMetric(`tributary_${misnamed}`);
  }
  return {
    registry,
    jobs: new Counter({
      name: "tributary_jobs_total",
      help: "Jobs finished, by queue and outcome (completed, failed, retried, dead).",
      labelNames: ["queue", "outcome"] as const,
      registers: [registry],
    }),
    deliveryLatency: new Histogram({
      name: "tributary_delivery_latency_seconds",
      help: "From a payload's emission to its successful delivery, by destination.",
      labelNames: ["destination"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60, 600, 3600],
      registers: [registry],
    }),
    retries: new Counter({
      name: "tributary_delivery_retries_total",
      help: "Delivery attempts that failed and will be retried, by destination.",
      labelNames: ["destination"] as const,
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: "tributary_dead_letters_total",
      help: "Jobs that failed for good and became dead letters, by queue (pull, ingest, deliver) and destination (deliveries only).",
      labelNames: ["queue", "destination"] as const,
      registers: [registry],
    }),
    quarantined: new Counter({
      name: "tributary_quarantined_records_total",
      help: "Records that failed schema validation and were quarantined, by provider and data type.",
      labelNames: ["provider", "data_type"] as const,
      registers: [registry],
    }),
    webhooks: new Counter({
      name: "tributary_provider_webhooks_total",
      help: "Provider push webhooks received, by provider and outcome (accepted, rejected, challenge).",
      labelNames: ["provider", "outcome"] as const,
      registers: [registry],
    }),
    staleReports: new Counter({
      name: "tributary_stale_connection_reports_total",
      help: "Connections reported stale (connection_stale events), by provider.",
      labelNames: ["provider"] as const,
      registers: [registry],
    }),
    providerWaits: new Counter({
      name: "tributary_provider_wait_seconds_total",
      help: "Time pulls spent waiting before provider requests, by provider, reason (budget: the rate budget; provider: its Retry-After; retry: backoff) and mode (in_process: slept by the worker; parked: the pull job delayed for that long).",
      labelNames: ["provider", "reason", "mode"] as const,
      registers: [registry],
    }),
    prunedRows: new Counter({
      name: "tributary_pruned_rows_total",
      help: "State-store rows the hourly sweep removed past their keeping time, by table (deliveries: delivery.keepAuditDays; record_parts: providers.<P>.keepRecordPartsDays).",
      labelNames: ["table"] as const,
      registers: [registry],
    }),
    locksLost: new Counter({
      name: "tributary_locks_lost_total",
      help: "Redis locks lost while their holder worked (it stalled longer than the lock's expiry, another may have taken it; the holder stopped before writing), by lock (refresh: a connection's token refresh; account: a provider account's connect or disconnect; write_turn: a merged record's write to a destination, whose write is aborted where the destination can stop it).",
      labelNames: ["lock"] as const,
      registers: [registry],
    }),
    freshness: new Gauge({
      name: "tributary_provider_last_data_timestamp_seconds",
      help: "Unix time of the most recent data received from each provider (data freshness).",
      labelNames: ["provider"] as const,
      // Across the processes of a `--processes N` cluster the newest time counts, not the sum.
      aggregator: "max",
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
