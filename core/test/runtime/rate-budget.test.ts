import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineConnector, ErrorCodes, RateLimitedError, type ReadHook } from "@tributary/core/contracts";
import { jobId, MAX_FREE_PROVIDER_RATE_LIMITS, Priority, type PullJobData } from "@tributary/core/queue";
import { BUILTIN_PLUGINS, createPluginRegistry } from "@tributary/core/registry";
import { rateBudget, waitForIdle, type RuntimeContext } from "@tributary/core/runtime";
import { daysAgo, startPipeline, utcDays, type Pipeline } from "./pipeline.ts";

/** A provider whose daily records come from a read hook (what a hand-written connector does). */
function hookConnector(name: string, read: ReadHook) {
  return defineConnector({
    spec: { name, displayName: name, dataTypes: ["daily"], auth: { type: "none" }, streams: { daily: [{ name: "daily", id: "/date" }] } },
    hooks: { read: { daily: read }, map: { daily: () => null } },
  });
}

/**
 * A provider that answers 429 with Retry-After to every call during the three seconds after the first
 * one — what a real provider does when its budget for our OAuth client is spent.
 */
function throttledProvider() {
  const calls = { rejected: 0, served: 0 };
  let blockedUntil = 0;
  // biome-ignore lint/correctness/useYield: a stream hook that serves no records is still a generator.
  const connector = hookConnector("THROTTLED", async function* () {
    const now = Date.now();
    if (blockedUntil === 0) blockedUntil = now + 3000;
    if (now < blockedUntil) {
      calls.rejected += 1;
      throw new RateLimitedError(ErrorCodes.PROVIDER_RATE_LIMITED, "429 Too Many Requests", blockedUntil - now);
    }
    calls.served += 1;
  });
  return { connector, calls };
}

/** A provider that answers every call with 429 and a short Retry-After: it never lets us in. */
function closedProvider() {
  const calls = { rejected: 0 };
  // biome-ignore lint/correctness/useYield: a stream hook that only throws is still a generator.
  const connector = hookConnector("CLOSED", async function* () {
    calls.rejected += 1;
    throw new RateLimitedError(ErrorCodes.PROVIDER_RATE_LIMITED, "429 Too Many Requests", 5);
  });
  return { connector, calls };
}

describe("provider rate budgets", () => {
  let pipeline: Pipeline;
  const throttled = throttledProvider();
  const closed = closedProvider();

  beforeAll(async () => {
    const registry = createPluginRegistry([throttled.connector, closed.connector]);
    await registry.load(BUILTIN_PLUGINS);
    pipeline = await startPipeline({ registry, providers: { SANDBOX: { rateLimit: { max: 3, perSeconds: 1 } } } });
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  const pullJob = (userId: string, provider: string, dataType = "daily"): PullJobData => {
    const window = utcDays(daysAgo(300), 1);
    return {
      userId,
      provider,
      dataType,
      start: window.start.toISOString(),
      end: window.end.toISOString(),
      reason: "poll",
      withSamples: false,
      traceId: randomUUID(),
    };
  };

  it("grants exactly max calls per window, atomically, and says how long until the next fits", async () => {
    const provider = `UNIT_${randomUUID().slice(0, 8)}`;
    const ctx: RuntimeContext = { ...pipeline.ctx, providers: { [provider]: { rateLimit: { max: 3, perSeconds: 60 } } } };
    const budget = rateBudget(ctx);
    expect(budget.keyOf(provider)).toBe(`${ctx.queues.prefix}:budget:{${provider}}`);
    const decisions = await Promise.all(Array.from({ length: 10 }, () => budget.acquire(provider)));
    expect(decisions.filter((d) => d.ok)).toHaveLength(3);
    for (const denied of decisions.filter((d) => !d.ok)) {
      expect(denied.retryAfterMs).toBeGreaterThan(0);
      expect(denied.retryAfterMs).toBeLessThanOrEqual(60_000);
    }
    await expect(budget.acquire(provider, 4)).rejects.toMatchObject({ code: "ERR_CONFIG_INVALID" });
  });

  it("one budget per OAuth client: a configured clientId gets its own key", () => {
    const ctx: RuntimeContext = { ...pipeline.ctx, providers: { ACME: { clientId: "client-7", rateLimit: { max: 1, perSeconds: 1 } } } };
    expect(rateBudget(ctx).keyOf("ACME")).toBe(`${ctx.queues.prefix}:budget:{ACME:client-7}`);
    const broken: RuntimeContext = { ...pipeline.ctx, providers: { ACME: { rateLimit: { max: 0 } } } };
    expect(() => rateBudget(broken).limitOf("ACME")).toThrow(/rateLimit/);
  });

  it("a block (429 + Retry-After) stops every grant until it ends, and is never shortened", async () => {
    const provider = `UNIT_${randomUUID().slice(0, 8)}`;
    const budget = rateBudget({ ...pipeline.ctx, providers: {} });
    expect(await budget.acquire(provider)).toMatchObject({ ok: true }); // no limit configured
    await budget.block(provider, 60_000);
    await budget.block(provider, 10);
    const denied = await budget.acquire(provider);
    expect(denied.ok).toBe(false);
    expect(!denied.ok && denied.retryAfterMs).toBeGreaterThan(50_000);
  });

  it("10 pulls for 10 users under max 3 per second: never more than 3 grants in any second, all complete", async () => {
    const { ctx } = pipeline;
    const users = await Promise.all(Array.from({ length: 10 }, () => ctx.store.createConnection({ provider: "SANDBOX" })));
    const ids = users.map((u) => jobId("budget", u.user_id));
    await ctx.queues.pull.addBulk(
      users.map((u, i) => ({ name: "SANDBOX:daily", data: pullJob(u.user_id, "SANDBOX"), opts: { jobId: ids[i]!, priority: Priority.scheduled } })),
    );
    await waitForIdle(ctx.queues, { timeoutMs: 60_000 });

    const jobs = await Promise.all(ids.map((id) => ctx.queues.pull.getJob(id)));
    const states = await Promise.all(jobs.map((job) => job?.getState()));
    expect(states).toEqual(ids.map(() => "completed"));
    // Grant times are the Redis server's clock, recorded by the budget script itself.
    const grants = jobs.map((job) => (job!.returnvalue as { budgetGrantedAt: number }).budgetGrantedAt).sort((a, b) => a - b);
    for (const at of grants) expect(grants.filter((other) => other > at - 1000 && other <= at).length).toBeLessThanOrEqual(3);
    // Jobs were parked for the budget and started again; none of that spent an attempt.
    expect(jobs.filter((job) => (job?.attemptsStarted ?? 0) > 1).length).toBeGreaterThan(0);
    expect(jobs.map((job) => job?.attemptsMade)).toEqual(ids.map(() => 1));
    // ...and the time they were parked for is counted as waiting on the budget.
    const parked = (await ctx.metrics.providerWaits.get()).values.find(
      (v) => v.labels.provider === "SANDBOX" && v.labels.reason === "budget" && v.labels.mode === "parked",
    );
    expect(parked?.value).toBeGreaterThan(0);
  });

  it("a provider's 429 blocks the provider for every worker: later pulls wait instead of calling it", async () => {
    const { ctx } = pipeline;
    const users = await Promise.all(Array.from({ length: 3 }, () => ctx.store.createConnection({ provider: "THROTTLED" })));
    const [first, ...others] = users.map((u) => ({ id: jobId("throttled", u.user_id), data: pullJob(u.user_id, "THROTTLED") }));
    await ctx.queues.pull.add("THROTTLED:daily", first!.data, { jobId: first!.id });
    const job = await ctx.queues.pull.getJob(first!.id);
    for (let state = await job?.getState(); state !== "delayed"; state = await job?.getState()) {
      expect(state).not.toBe("failed");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const blocked = await rateBudget(ctx).acquire("THROTTLED");
    expect(blocked.ok).toBe(false);

    await ctx.queues.pull.addBulk(others.map((o) => ({ name: "THROTTLED:daily", data: o.data, opts: { jobId: o.id } })));
    await waitForIdle(ctx.queues, { timeoutMs: 60_000 });
    const states = await Promise.all([first!, ...others].map(async (o) => (await ctx.queues.pull.getJob(o.id))?.getState()));
    expect(states).toEqual(["completed", "completed", "completed"]);
    expect(throttled.calls).toEqual({ rejected: 1, served: 3 });
  });

  it("a provider that keeps answering 429: free waits up to a cap, then each 429 spends an attempt and the job fails", async () => {
    const { ctx } = pipeline;
    const user = await ctx.store.createConnection({ provider: "CLOSED" });
    const id = jobId("closed", user.user_id);
    await ctx.queues.pull.add("CLOSED:daily", pullJob(user.user_id, "CLOSED"), { jobId: id, attempts: 2, backoff: { type: "fixed", delay: 10 } });
    const job = await ctx.queues.pull.getJob(id);
    const deadline = Date.now() + 60_000;
    for (let state = await job?.getState(); state !== "failed"; state = await job?.getState()) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const failed = await ctx.queues.pull.getJob(id);
    expect(failed?.failedReason).toContain(`answered this pull with 429 ${MAX_FREE_PROVIDER_RATE_LIMITS + 2} times`);
    expect(failed?.attemptsMade).toBe(2);
    expect(closed.calls.rejected).toBe(MAX_FREE_PROVIDER_RATE_LIMITS + 2);
  }, 90_000);
});
