import { describe, expect, it } from "vitest";
import { hookDurationHistogram } from "../../src/http/http-metrics.ts";
import { silentLogger } from "../../src/log/logger.ts";
import { clusterProcessesGauge } from "../../src/observability/cluster-collector.ts";
import { createMetrics } from "../../src/observability/metrics.ts";
import { registerStaleGauge } from "../../src/runtime/stale-connections.ts";

/*
 * Every metric a Tributary process can expose, checked against Prometheus' naming conventions
 * (https://prometheus.io/docs/practices/naming/): one prefix, counters and only counters end in _total,
 * base units (seconds, bytes) spelled out as the last word, no word said twice.
 */

function everyMetric() {
  const metrics = createMetrics();
  hookDurationHistogram(metrics.registry);
  registerStaleGauge(metrics.registry, { countStale: async () => new Map() }, silentLogger());
  clusterProcessesGauge(metrics.registry);
  return metrics.registry.getMetricsAsArray().map((metric) => ({ name: metric.name, type: String((metric as unknown as { type: string }).type) }));
}

const NON_BASE_UNITS = ["milliseconds", "ms", "microseconds", "nanoseconds", "minutes", "hours", "days", "kilobytes", "megabytes", "kb", "mb", "percent"];

describe("metric names", () => {
  const metrics = everyMetric();

  it("lists Tributary's own metrics (a new one is added here, deliberately)", () => {
    const own = metrics.filter((m) => !/^tributary_(process|nodejs)_/.test(m.name)).map((m) => `${m.type} ${m.name}`);
    expect(own.sort()).toEqual([
      "counter tributary_dead_letters_total",
      "counter tributary_delivery_retries_total",
      "counter tributary_jobs_total",
      "counter tributary_locks_lost_total",
      "counter tributary_provider_wait_seconds_total",
      "counter tributary_provider_webhooks_total",
      "counter tributary_pruned_rows_total",
      "counter tributary_quarantined_records_total",
      "counter tributary_stale_connection_reports_total",
      "gauge tributary_cluster_processes",
      "gauge tributary_provider_last_data_timestamp_seconds",
      "gauge tributary_stale_connections",
      "histogram tributary_delivery_latency_seconds",
      "histogram tributary_http_request_duration_seconds",
    ]);
    expect(metrics.length).toBeGreaterThan(own.length); // and the process/runtime ones
  });

  it.each(metrics)("$name ($type) follows the conventions", ({ name, type }) => {
    expect(name).toMatch(/^tributary_[a-z][a-z0-9_]*[a-z0-9]$/);
    const words = name.split("_");
    expect(
      words.filter((word, i) => words.indexOf(word) !== i),
      "a word said twice",
    ).toEqual([]);
    expect(name.endsWith("_total"), "_total is for counters, and every counter has it").toBe(type === "counter");
    for (const unit of NON_BASE_UNITS) expect(words, `base units only, not ${unit}`).not.toContain(unit);
    const unit = words.at(type === "counter" ? -2 : -1);
    if (type === "histogram" || type === "summary") expect(["seconds", "bytes"], "an observed quantity names its unit").toContain(unit);
    if (words.includes("seconds")) expect(unit, "the unit comes last").toBe("seconds");
    if (words.includes("bytes")) expect(unit, "the unit comes last").toBe("bytes");
  });
});
