import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalReceiver, type LocalReceiver } from "@tributary/core/demo";
import { deliveryBodyKeys, type PollAllJobData } from "@tributary/core/queue";
import { startScheduler, waitForIdle } from "@tributary/core/runtime";
import { connectUser } from "@tributary/core/services";
import type { StateStore } from "@tributary/core/state";
import { memoryStateStore, startRedisCluster, type LocalRedisCluster } from "@tributary/test-kit";
import { spawnCli } from "../kit/spawn-cli.ts";
import { until } from "../kit/until.ts";
import { startConfiguredApp, type ConfiguredApp } from "./configured-app.ts";

/*
 * The whole pipeline on a Redis Cluster of three masters started for this test: the config lists its
 * nodes under redis.cluster, and a SANDBOX backfill goes through the queues (each in its own slot), the
 * delivery bodies, rate budgets and replay claims (hash-tagged), to a signed webhook; a destination that
 * refuses ends in dead letters; a scheduler tick fans out on the cluster. Any command whose keys span
 * slots would fail with CROSSSLOT and the payloads would not arrive.
 */
describe("Tributary on a three-node Redis Cluster", () => {
  const id = randomUUID().slice(0, 8);
  const env = { E2E_SIGNING_SECRET: randomBytes(16).toString("hex") };
  let cluster: LocalRedisCluster | undefined;
  let store: StateStore | undefined;
  let receiver: LocalReceiver | undefined;
  let refusing: LocalReceiver | undefined;
  let tributary: ConfiguredApp | undefined;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    store = await memoryStateStore();
    receiver = await startLocalReceiver({ signingSecret: env.E2E_SIGNING_SECRET });
    // Answers 401 as to a wrong signature: never retried, a dead letter at once.
    refusing = await startLocalReceiver({ signingSecret: env.E2E_SIGNING_SECRET, respondWith: () => 401 });
    tributary = await startConfiguredApp(
      `
api:
  apiKeys: ["${randomBytes(16).toString("hex")}"]
  signingSecret: \${E2E_SIGNING_SECRET}
redis:
  cluster: [${cluster.nodes.map((node) => JSON.stringify(node)).join(", ")}]
providers:
  SANDBOX:
    backfillDays: 5   # the SANDBOX generator guarantees every data type in any 5-day window
    pollIntervalSeconds: 1
destinations:
  - name: app-hook
    type: webhook
    options:
      url: ${receiver.url}
  - name: dead-end
    type: webhook
    options:
      url: ${refusing.url}
`,
      { env, store, prefix: `test-e2e-cluster-${id}` },
    );
  }, 120_000);

  afterAll(async () => {
    await tributary?.close();
    await receiver?.close();
    await refusing?.close();
    await store?.db.close();
    await cluster?.close();
  });

  it("a backfill reaches the webhook, signed and schema-valid, and the refused deliveries become dead letters", { timeout: 120_000 }, async () => {
    if (!tributary || !receiver) throw new Error("setup failed");
    const { app } = tributary;
    expect(app.ctx.redis.isCluster).toBe(true);
    expect(app.producer.redis.isCluster).toBe(true);
    expect((await app.http().inject({ url: "/health/ready" })).statusCode).toBe(200);

    const { user } = await connectUser(app.ctx, { provider: "SANDBOX", referenceId: `e2e-cluster-${id}` });
    await waitForIdle(app.ctx.queues, { timeoutMs: 90_000 });

    // A data type's payloads may be split by size (random SANDBOX samples): every type arrives, some more than once.
    const types = [...new Set(receiver.received.map((entry) => entry.payload.type))].sort();
    expect(types).toEqual(["activity", "athlete", "auth", "body", "daily", "menstruation", "nutrition", "sleep"]);
    for (const entry of receiver.received) {
      expect(entry.issues, `${entry.payload.type}: ${JSON.stringify(entry.issues)}`).toEqual([]);
      expect((entry.payload.user as { user_id: string }).user_id).toBe(user.user_id);
    }
    const delivered = await app.ctx.store.listDeliveries({ destination: "app-hook", userId: user.user_id, limit: 100 });
    expect(delivered.filter((delivery) => delivery.status === "delivered")).toHaveLength(receiver.received.length);

    const dead = await app.ctx.store.listDeadLetters({ destination: "dead-end" });
    expect(dead).toHaveLength(receiver.received.length);
    expect(dead.every((letter) => letter.error_code === "ERR_DESTINATION_AUTH")).toBe(true);
    // Every body was released by both readers (delivered, dead-lettered with its copy): none left.
    const left = await Promise.all(delivered.map((delivery) => app.ctx.redis.exists(deliveryBodyKeys(app.ctx.queues.prefix, delivery.trace_id).body)));
    expect(left.every((count) => count === 0)).toBe(true);
  });

  it("tributary check, as its own process, finds the cluster through redis.cluster", { timeout: 60_000 }, async () => {
    if (!cluster || !receiver) throw new Error("setup failed");
    const dir = await mkdtemp(join(tmpdir(), "tributary-e2e-cluster-"));
    try {
      const path = join(dir, "tributary.yaml");
      await writeFile(
        path,
        `dataDir: ${JSON.stringify(join(dir, "data"))}\napi:\n  apiKeys: ["${randomBytes(16).toString("hex")}"]\n  signingSecret: \${E2E_SIGNING_SECRET}\nredis:\n  cluster: ${JSON.stringify(cluster.nodes)}\n` +
          `destinations:\n  - { name: app-hook, type: webhook, options: { url: "${receiver.url}" } }\n`,
      );
      const check = spawnCli(["check", "-c", path], { ...process.env, ...env, DATABASE_URL: "" });
      const { code } = await check.exited;
      const hosts = cluster.nodes.map((node) => new URL(node).host).join(",");
      expect(check.output()).toMatch(new RegExp(`✓ redis .*${hosts.replaceAll(".", "\\.")}`));
      expect(code, check.output()).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a scheduled poll tick runs on the cluster and fans out to the connected user", { timeout: 60_000 }, async () => {
    if (!tributary) throw new Error("setup failed");
    const { app } = tributary;
    const ticks = await startScheduler(app.ctx);
    expect(ticks.map((tick) => tick.id)).toContain("poll-SANDBOX");
    const fanOut = await until(
      "a poll:SANDBOX tick to complete",
      async () => {
        const done = await app.ctx.queues.pull.getJobs(["completed"]);
        const tick = done.find((job) => job.name === "poll:SANDBOX" && (job.data as PollAllJobData).kind === "poll-all");
        return tick?.returnvalue as { connections: number; enqueued: number } | undefined;
      },
      30_000,
    );
    expect(fanOut.connections).toBe(1);
    expect(fanOut.enqueued).toBeGreaterThan(0);
  });
});
