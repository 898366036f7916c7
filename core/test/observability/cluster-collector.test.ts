import { Counter, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { clusterMetricsCollector, type ClusterMetricsCollector, type MetricsCopy } from "../../src/observability/cluster-collector.ts";
import { COLLECT_RESPONSE, type CollectRequest } from "../../src/observability/cluster-metrics.ts";

/** A copy of the cluster with a counter of its own; it answers collection requests as told. */
function copy(collector: ClusterMetricsCollector, id: number) {
  const registry = new Registry();
  const requests = new Counter({ name: "tributary_http_requests_total", help: "requests", registers: [registry] });
  let answering = true;
  const held: CollectRequest[] = [];
  // Through JSON, as node:cluster's IPC carries it (the registry's objects are live).
  const answer = async (request: CollectRequest) =>
    collector.answered(self, { type: COLLECT_RESPONSE, id: request.id, metrics: JSON.parse(JSON.stringify(await registry.getMetricsAsJSON())) });
  const self: MetricsCopy & { requests: Counter; hold(): void; release(): Promise<void> } = {
    id,
    isConnected: () => true,
    send(request) {
      if (answering) setImmediate(() => void answer(request));
      else held.push(request);
    },
    requests,
    /** Its event loop is held: requests wait. */
    hold: () => void (answering = false),
    /** Answers what it held (late), and answers again from now on. */
    async release() {
      answering = true;
      for (const request of held.splice(0)) await answer(request);
    },
  };
  return self;
}

const value = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}]/g, "\\$&")} (\\S+)$`, "m").exec(text)?.[1]);
const total = (text: string) => value(text, "tributary_http_requests_total");
const processes = (text: string) => ({
  current: value(text, 'tributary_cluster_processes{metrics="current"}'),
  stale: value(text, 'tributary_cluster_processes{metrics="stale"}'),
  missing: value(text, 'tributary_cluster_processes{metrics="missing"}'),
});

/** A collector with two copies that announced their registry, having counted 5 and 7. */
function twoCopies(timeoutMs: number) {
  const collector = clusterMetricsCollector(timeoutMs);
  const a = copy(collector, 1);
  const b = copy(collector, 2);
  collector.add(a);
  collector.add(b);
  a.requests.inc(5);
  b.requests.inc(7);
  return { collector, a, b };
}

describe("the cluster primary's metrics collection", () => {
  it("sums every copy that announced its registry; a copy still starting is not waited for", async () => {
    const { collector } = twoCopies(60_000);
    copy(collector, 3).hold();
    // Answered as soon as both announced copies did: the timeout (a minute) is not waited out.
    const text = await collector.collect();
    expect(total(text)).toBe(12);
    expect(processes(text)).toEqual({ current: 2, stale: 0, missing: 0 });
  });

  it("answers within its bound when a copy is held: with the copy's previous answer, never a lower sum", async () => {
    const { collector, a, b } = twoCopies(100);
    expect(total(await collector.collect())).toBe(12);

    b.requests.inc(3);
    b.hold();
    a.requests.inc(1);
    const held = await collector.collect();
    expect(total(held)).toBe(13); // a now, b as it last answered
    expect(processes(held)).toEqual({ current: 1, stale: 1, missing: 0 });

    // Its late answer is kept for the next scrape it misses.
    await b.release();
    b.hold();
    expect(total(await collector.collect())).toBe(16);
    await b.release();
    const caughtUp = await collector.collect();
    expect(total(caughtUp)).toBe(16);
    expect(processes(caughtUp)).toEqual({ current: 2, stale: 0, missing: 0 });
  });

  it("a copy that never answered is counted missing; one that exited leaves the sum", async () => {
    const { collector, b } = twoCopies(100);
    b.hold();
    const text = await collector.collect();
    expect(total(text)).toBe(5);
    expect(processes(text)).toEqual({ current: 1, stale: 0, missing: 1 });

    await b.release();
    collector.remove(b);
    const after = await collector.collect();
    expect(total(after)).toBe(5);
    expect(processes(after)).toEqual({ current: 1, stale: 0, missing: 0 });
  });

  it("with no copy to ask, answers with its own metric alone", async () => {
    const text = await clusterMetricsCollector(100).collect();
    expect(processes(text)).toEqual({ current: 0, stale: 0, missing: 0 });
  });
});
