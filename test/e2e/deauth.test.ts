import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalReceiver, type LocalReceiver } from "@tributary/core/demo";
import { silentLogger } from "@tributary/core/log";
import { connectUser, deauthUser, waitForIdle } from "@tributary/core/runtime";
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

    const { destinations } = await deauthUser(harness.runtime.ctx, user.user_id);
    expect(destinations).toBe(2);
    await waitForIdle(harness.runtime.ctx.queues, { timeoutMs: 60_000 });

    expect(await readBack.sql(sqlOptions, user.user_id)).toEqual([]);
    expect((await readBack.sql(sqlOptions, other.user.user_id)).length).toBeGreaterThan(5);
    expect((await harness.store.getConnection(user.user_id))?.active).toBe(false);
    // The webhook app does not subscribe to deauth: it got no event, but its job (the erase) ran.
    expect(receiver.received.some((r) => r.payload.type === "deauth")).toBe(false);
    const audit = await harness.store.listDeliveries({ userId: user.user_id, limit: 100 });
    expect(audit.filter((d) => d.event_type === "deauth").map((d) => [d.destination, d.status]).sort()).toEqual([
      ["app", "delivered"],
      ["warehouse", "delivered"],
    ]);
    await expect(deauthUser(harness.runtime.ctx, randomUUID())).rejects.toMatchObject({ code: "ERR_CONNECTION_NOT_FOUND" });
  });
});
