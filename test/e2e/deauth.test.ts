import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalReceiver, type LocalReceiver } from "@tributary/core/demo";
import { silentLogger } from "@tributary/core/log";
import { sandboxTerraRecords } from "@tributary/connector-sandbox";
import { dataPayloads, emitPayload, waitForIdle, type RuntimeContext } from "@tributary/core/runtime";
import { operatorActions } from "@tributary/core/control";
import { connectUser, deauthorizeUser, eraseSweepDelayMs } from "@tributary/core/services";
import sqlPlugin from "@tributary/destination-sql";
import webhookPlugin from "@tributary/destination-webhook";
import { startTestRuntime, type RuntimeHarness } from "@tributary/test-kit";
import { createReadBack, POSTGRES_URL, type ReadBack } from "../kit/read-back/index.ts";

/**
 * Deauth: the connection stops, every destination erases the user's data — even one that does not receive
 * `deauth` events — and the ones that do receive the event get it after the erasure.
 */
describe("deauthenticating a user", () => {
  const signingSecret = randomBytes(16).toString("hex");
  const sqlOptions = { dialect: "postgres" as const, url: POSTGRES_URL, schema: `deauth_${randomUUID().slice(0, 8)}` };
  let receiver: LocalReceiver;
  let harness: RuntimeHarness;
  let readBack: ReadBack;

  beforeAll(async () => {
    receiver = await startLocalReceiver({ signingSecret });
    readBack = createReadBack();
    const ctx = (name: string) => ({ name, log: silentLogger(), lookup: () => undefined });
    harness = await startTestRuntime({
      destinations: {
        warehouse: sqlPlugin.create(sqlOptions, ctx("warehouse")),
        // Data only: this destination is not sent lifecycle events, yet it must erase on deauth.
        app: { destination: webhookPlugin.create({ url: receiver.url, signingSecret }, ctx("app")), events: new Set(["activity", "sleep", "daily"]) },
      },
      providers: { SANDBOX: { backfillDays: 2 } },
    });
  });

  afterAll(async () => {
    await harness?.close();
    await readBack?.dropSql(sqlOptions);
    await readBack?.close();
    await receiver?.close();
  });

  it("erases the user's data at every destination and records the deauth", async () => {
    const { user } = await connectUser(harness.runtime.ctx, { provider: "SANDBOX" });
    const other = await connectUser(harness.runtime.ctx, { provider: "SANDBOX" });
    await waitForIdle(harness.runtime.ctx.queues, { timeoutMs: 60_000 });
    expect((await readBack.sql(sqlOptions, user.user_id)).length).toBeGreaterThan(5);

    const result = await deauthorizeUser(harness.runtime.ctx, user.user_id);
    if (result.status !== "deauthorized") throw new Error(`expected a deauthorization, got ${result.status}`);
    const { destinations, traceId } = result;
    expect(destinations).toBe(2);
    // Twice is once: nothing is emitted again.
    expect(await deauthorizeUser(harness.runtime.ctx, user.user_id)).toEqual({ status: "already_deauthorized" });
    await runEraseSweeps(harness.runtime.ctx, traceId);

    expect(await readBack.sql(sqlOptions, user.user_id)).toEqual([]);
    expect((await readBack.sql(sqlOptions, other.user.user_id)).length).toBeGreaterThan(5);
    expect((await harness.store.getConnection(user.user_id))?.active).toBe(false);
    // The webhook app does not subscribe to deauth: it got no event, but its job (the erase) ran.
    expect(receiver.received.some((r) => r.payload.type === "deauth")).toBe(false);
    const audit = await harness.store.listDeliveries({ userId: user.user_id, limit: 100 });
    expect(
      audit
        .filter((d) => d.event_type === "deauth")
        .map((d) => [d.trace_id, d.destination, d.status])
        .sort(),
    ).toEqual(
      [
        [traceId, "app", "delivered"],
        [traceId, "warehouse", "delivered"],
        [`${traceId}.sweep`, "app", "delivered"],
        [`${traceId}.sweep`, "warehouse", "delivered"],
      ].sort(),
    );
    await expect(deauthorizeUser(harness.runtime.ctx, randomUUID())).rejects.toMatchObject({ code: "ERR_CONNECTION_NOT_FOUND" });
  });

  it("withholds data made before the deauth but delivered after it, and erases once more after racing writes", async () => {
    const ctx = harness.runtime.ctx;
    const { user } = await connectUser(ctx, { provider: "SANDBOX" });
    await waitForIdle(ctx.queues, { timeoutMs: 60_000 });
    // A payload made while the user was connected (a pull that passed its check, a retry, a dead letter
    // replayed later) whose deliveries only run after the deauth.
    const range = { start: new Date("2026-05-01T00:00:00Z"), end: new Date("2026-05-03T00:00:00Z") };
    const records = [...sandboxTerraRecords("daily", { userId: user.user_id, range, withSamples: false })];
    const [serialized] = dataPayloads("daily", user, records, { maxRecords: 100, maxBytes: 1 << 20 });
    const dataTrace = randomUUID();
    // Held back until after the deauth: the test runs it then, so nothing here waits on a clock.
    await emitPayload(ctx, serialized!.payload, { traceId: dataTrace, delayMs: 3_600_000, developer: null, body: serialized!.body });

    const result = await deauthorizeUser(ctx, user.user_id);
    if (result.status !== "deauthorized") throw new Error(`expected a deauthorization, got ${result.status}`);
    const { traceId } = result;
    const held = await delayedDeliveries(ctx, dataTrace);
    expect(held.map((job) => job.queueName).sort()).toEqual(["deliver-app", "deliver-warehouse"]);
    await Promise.all(held.map((job) => job.promote()));
    await runEraseSweeps(ctx, traceId);

    expect(receiver.received.filter((r) => r.traceId === dataTrace)).toEqual([]);
    expect(await readBack.sql(sqlOptions, user.user_id)).toEqual([]);
    const withheld = await harness.store.listDeliveries({ traceId: dataTrace, limit: 10 });
    expect(withheld.map((d) => [d.destination, d.status]).sort()).toEqual([
      ["app", "withheld"],
      ["warehouse", "withheld"],
    ]);
  });

  it("the CLI's deauth revokes at the provider as the API's does (where the account's last connection goes, its subscription with it)", async () => {
    const { user } = await connectUser(harness.runtime.ctx, { provider: "SANDBOX" });
    const revoked: string[] = [];
    const authorizer = {
      handles: (provider: string) => provider === "SANDBOX",
      begin: () => Promise.reject(new Error("not started here")),
      revoke: async (connection: { user_id: string }) => void revoked.push(connection.user_id),
    };
    const actions = operatorActions(harness.runtime.ctx, { providers: {}, developers: [] } as never, authorizer);
    expect(await actions.deauthorize(user.user_id)).toMatchObject({ status: "deauthorized" });
    expect(revoked).toEqual([user.user_id]);
    // Once: a second deauth asks nothing of the provider again.
    expect(await actions.deauthorize(user.user_id)).toEqual({ status: "already_deauthorized" });
    expect(revoked).toEqual([user.user_id]);
  });
});

/**
 * The second erase of a deauth waits out the longest destination write: check each destination has one
 * (erase only, delayed by that much), run them now, and wait for everything to finish.
 */
async function runEraseSweeps(ctx: RuntimeContext, traceId: string): Promise<void> {
  const sweeps = await delayedDeliveries(ctx, `${traceId}.sweep`);
  expect(sweeps).toHaveLength(ctx.destinations.size);
  for (const sweep of sweeps) {
    expect(sweep.data).toMatchObject({ eraseOnly: true, eraseUser: expect.objectContaining({ user_id: expect.any(String) }) });
    expect(sweep.opts.delay).toBe(eraseSweepDelayMs(ctx));
    await sweep.promote();
  }
  await waitForIdle(ctx.queues, { timeoutMs: 60_000 });
}

/** The deliveries of a trace still waiting out their delay, across every destination's queue. */
async function delayedDeliveries(ctx: RuntimeContext, traceId: string) {
  const queued = await Promise.all([...ctx.destinations.keys()].map((name) => ctx.queues.deliverTo(name).getJobs(["delayed"])));
  return queued.flat().filter((job) => job.data.traceId === traceId);
}
