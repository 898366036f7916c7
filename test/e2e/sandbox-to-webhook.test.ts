import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalReceiver, type LocalReceiver } from "@tributary/core/demo";
import { waitForIdle } from "@tributary/core/runtime";
import { connectUser } from "@tributary/core/services";
import { silentLogger } from "@tributary/core/log";
import webhookPlugin from "@tributary/destination-webhook";
import { startTestRuntime, type RuntimeHarness } from "@tributary/test-kit";

/**
 * The first end-to-end path: a SANDBOX user's backfill goes through BullMQ on the real Redis, is
 * validated, and reaches a receiver that verifies every Terra signature and every payload's schema.
 */
describe("sandbox → BullMQ → signed webhook → receiver", () => {
  const signingSecret = randomBytes(16).toString("hex");
  let receiver: LocalReceiver;
  let harness: RuntimeHarness;

  beforeAll(async () => {
    receiver = await startLocalReceiver({ signingSecret });
    const webhook = webhookPlugin.create({ url: receiver.url, signingSecret }, { name: "receiver", log: silentLogger(), lookup: () => undefined });
    harness = await startTestRuntime({ destinations: { receiver: webhook }, providers: { SANDBOX: { backfillDays: 5 } } });
  });

  afterAll(async () => {
    await harness?.close();
    await receiver?.close();
  });

  it("delivers an auth event and every data type, signed and schema-valid", async () => {
    const { user } = await connectUser(harness.runtime.ctx, { provider: "SANDBOX", referenceId: "e2e-user" });
    await waitForIdle(harness.runtime.ctx.queues, { timeoutMs: 60_000 });

    // A type whose records pass the payload size cap (SANDBOX's random activities can) comes in several payloads.
    const types = [...new Set(receiver.received.map((r) => r.payload.type))].sort();
    expect(types).toEqual(["activity", "athlete", "auth", "body", "daily", "menstruation", "nutrition", "sleep"]);
    for (const entry of receiver.received) {
      expect(entry.issues, `${entry.payload.type}: ${JSON.stringify(entry.issues)}`).toEqual([]);
      expect(entry.traceId).toMatch(/^[0-9a-f-]{36}$/);
      expect((entry.payload.user as { user_id: string }).user_id).toBe(user.user_id);
    }
    const sleep = receiver.received.find((r) => r.payload.type === "sleep")?.payload.data as Array<{
      metadata: { is_nap?: boolean };
      sleep_durations_data: { hypnogram_samples: unknown[] };
    }>;
    expect(sleep.length).toBeGreaterThanOrEqual(4);
    // Naps have only a few stage changes; a night has many.
    expect(sleep.find((s) => !s.metadata.is_nap)?.sleep_durations_data.hypnogram_samples.length).toBeGreaterThan(10);
    const activities = receiver.received.find((r) => r.payload.type === "activity")?.payload.data as Array<Record<string, any>>;
    const withSamples = activities.find((a) => a.heart_rate_data?.detailed?.hr_samples?.length > 0);
    expect(withSamples).toBeDefined();
    const deliveries = await harness.store.listDeliveries({ destination: "receiver", limit: 100 });
    expect(deliveries.filter((d) => d.status === "delivered")).toHaveLength(receiver.received.length);
  });

  it("a receiver with a different secret rejects the delivery: it becomes a dead letter, not a retry storm", async () => {
    const wrong = webhookPlugin.create(
      { url: receiver.url, signingSecret: "not-the-receivers-secret" },
      { name: "wrong-secret", log: silentLogger(), lookup: () => undefined },
    );
    const other = await startTestRuntime({ destinations: { "wrong-secret": wrong }, providers: { SANDBOX: { backfillDays: 1 } } });
    try {
      const before = receiver.received.length;
      await connectUser(other.runtime.ctx, { provider: "SANDBOX" });
      await waitForIdle(other.runtime.ctx.queues, { timeoutMs: 60_000 });
      expect(receiver.received.length).toBe(before);
      const dead = await other.store.listDeadLetters({ destination: "wrong-secret" });
      expect(dead.length).toBeGreaterThanOrEqual(2);
      expect(dead.every((d) => d.attempts === 1 && d.error_code === "ERR_DESTINATION_AUTH")).toBe(true);
    } finally {
      await other.close();
    }
  });
});
