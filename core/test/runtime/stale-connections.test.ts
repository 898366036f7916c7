import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validatePayload } from "@tributary/schemas";
import type { Delivery, Destination } from "@tributary/core/contracts";
import { checkStaleConnections, waitForIdle } from "@tributary/core/runtime";
import { startTestRuntime, type RuntimeHarness } from "@tributary/test-kit";

const DAY_MS = 86_400_000;

/** Keeps what it is sent. */
function recordingDestination(name: string): Destination & { received: Delivery[] } {
  const received: Delivery[] = [];
  return {
    name,
    type: "memory",
    received,
    write: async (batch) => void received.push(...batch),
    delete: async () => undefined,
    check: async () => undefined,
    close: async () => undefined,
  };
}

describe("stale connections", () => {
  let harness: RuntimeHarness;
  const ours = recordingDestination("ours");
  const theirs = recordingDestination("theirs");

  beforeAll(async () => {
    harness = await startTestRuntime({
      destinations: { ours: { destination: ours, developer: "acme" }, theirs: { destination: theirs, developer: "other" } },
    });
  });
  afterAll(async () => {
    await harness?.close();
  });

  const staleEvents = () => ours.received.filter((delivery) => delivery.payload.type === "connection_stale");

  it("reports a connection with no data for three days once, to its developer only; new data ends the spell", async () => {
    const { ctx } = harness.runtime;
    const store = harness.store;
    const quiet = await store.createConnection({ provider: "SANDBOX", developerId: "acme" });
    const recent = await store.createConnection({ provider: "SANDBOX", developerId: "acme" });
    const paused = await store.createConnection({ provider: "SANDBOX", developerId: "acme" });
    await store.pause(paused.user_id);
    const fourDaysAgo = new Date(Date.now() - 4 * DAY_MS);
    await store.markDataSeen(quiet.user_id, fourDaysAgo);
    await store.markDataSeen(recent.user_id, new Date(Date.now() - DAY_MS));
    // Paused users and users that just connected (no data yet, but new) are not stale.
    const now = Date.now();

    expect(await checkStaleConnections(ctx, now)).toEqual({ reported: 1 });
    expect(await checkStaleConnections(ctx, now)).toEqual({ reported: 0 });
    await waitForIdle(ctx.queues, { timeoutMs: 30_000 });
    const events = staleEvents();
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toMatchObject({
      type: "connection_stale",
      status: "warning",
      user: { user_id: quiet.user_id, provider: "SANDBOX" },
      last_data_at: fourDaysAgo.toISOString(),
      stale_after_days: 3,
    });
    expect(validatePayload(events[0]!.payload)).toMatchObject({ ok: true });
    expect(theirs.received).toEqual([]);

    const metrics = await ctx.metrics.registry.metrics();
    expect(metrics).toMatch(/tributary_stale_connections\{provider="SANDBOX"\} 1/);
    expect(metrics).toMatch(/tributary_stale_connection_reports_total\{provider="SANDBOX"\} 1/);

    // New data ends the spell; a later quiet spell is reported again.
    await store.markDataSeen(quiet.user_id, new Date());
    expect(await ctx.metrics.registry.metrics()).not.toMatch(/tributary_stale_connections\{provider="SANDBOX"\} 1/);
    expect(await checkStaleConnections(ctx, now + 4 * DAY_MS)).toEqual({ reported: 2 });
  });

  it("follows the operator's staleAfterDays and skips providers without daily data", async () => {
    const { ctx } = harness.runtime;
    const store = harness.store;
    const user = await store.createConnection({ provider: "SANDBOX", developerId: "acme" });
    await store.markDataSeen(user.user_id, new Date(Date.now() - 5 * DAY_MS));
    const lenient = { ...ctx, providers: { SANDBOX: { staleAfterDays: 10 } } };
    expect(await checkStaleConnections(lenient)).toEqual({ reported: 0 });
    expect(await checkStaleConnections(ctx)).toEqual({ reported: 1 });
  });

  it("the scheduled check runs as a job on the pull queue", async () => {
    const { ctx } = harness.runtime;
    const user = await harness.store.createConnection({ provider: "SANDBOX", developerId: "acme" });
    await harness.store.markDataSeen(user.user_id, new Date(Date.now() - 7 * DAY_MS));
    await ctx.queues.pull.add("stale-check", { kind: "stale-check", provider: "*" });
    await waitForIdle(ctx.queues, { timeoutMs: 30_000 });
    expect(staleEvents().some((delivery) => (delivery.payload.user as { user_id: string }).user_id === user.user_id)).toBe(true);
  });
});
