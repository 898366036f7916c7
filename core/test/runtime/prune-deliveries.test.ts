import { randomBytes, randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@tributary/core/log";
import { DEFAULT_DELIVERY_POLICY, DELIVERY_PRUNE_BATCH, keepAuditDays, waitForIdle } from "@tributary/core/runtime";
import { createPostgresDatabase, createStateStore, createTokenCipher, migrate, type StateStore } from "@tributary/core/state";
import { startTestRuntime, type RuntimeHarness } from "@tributary/test-kit";
import { dropSchema, TEST_DATABASE_URL, uniqueSchema } from "../state/test-databases.ts";

describe("keeping the audit trail of deliveries", () => {
  it("is delivery.keepAuditDays, never less than a delivery can still be retried; 0 keeps every row", () => {
    expect(keepAuditDays({ policy: DEFAULT_DELIVERY_POLICY })).toBe(30);
    // The default retries span ~21 h: a stored payload lives twice that plus a day, under 3 days.
    expect(keepAuditDays({ policy: { ...DEFAULT_DELIVERY_POLICY, keepAuditDays: 1 } })).toBe(3);
    // Longer retries (20 attempts capped at 8 h: ~4.2 days, a payload ~9.4 days) raise the floor.
    expect(keepAuditDays({ policy: { ...DEFAULT_DELIVERY_POLICY, attempts: 20, keepAuditDays: 7 } })).toBe(10);
    expect(keepAuditDays({ policy: { ...DEFAULT_DELIVERY_POLICY, keepAuditDays: 0 } })).toBeUndefined();
  });
});

/** The hourly sweep on real PostgreSQL: the stale-check job also prunes the deliveries table, a batch at a time. */
describe("the hourly sweep prunes finished deliveries", () => {
  const schema = uniqueSchema();
  let harness: RuntimeHarness;
  let store: StateStore;
  const batches: number[] = [];
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const db = await createPostgresDatabase({ url: TEST_DATABASE_URL, schema });
    await migrate(db);
    store = createStateStore({ db, cipher: createTokenCipher({ key: randomBytes(32).toString("base64") }) });
    const counted: StateStore = {
      ...store,
      async pruneDeliveries(filter) {
        const pruned = await store.pruneDeliveries(filter);
        batches.push(pruned);
        return pruned;
      },
    };
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString("utf8").split("\n")) if (line.trim() !== "") lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    harness = await startTestRuntime({
      destinations: {},
      store: counted,
      policy: { keepAuditDays: 5 },
      log: createLogger({ level: "info", destination, format: "json" }),
    });
  });
  afterAll(async () => {
    await harness?.close();
    await dropSchema(schema);
  });

  it("removes rows finished before the keeping time in batches, keeps the others, logs and counts how many went", async () => {
    const old = 2 * DELIVERY_PRUNE_BATCH + 345;
    const userId = randomUUID();
    // Rows made and finished 10 days ago (keepAuditDays 5), in every finished status.
    await store.db.query(
      `INSERT INTO deliveries (trace_id, destination, event_type, user_id, status, attempts, created_at, updated_at)
       SELECT 'old-' || i, 'webhook', 'daily', $1, (ARRAY['delivered', 'dead', 'withheld', 'superseded'])[1 + i % 4], 1,
              now() - interval '10 days', now() - interval '10 days'
       FROM generate_series(1, $2::int) AS i`,
      [userId, old],
    );
    // Failed rows as earlier versions wrote them: one left 10 days ago, one rewritten by a retry just now.
    await store.recordDeliveries([
      { traceId: "legacy-failed", destination: "webhook", eventType: "daily", userId, status: "failed", attempts: 1 },
      { traceId: "failed-recently", destination: "webhook", eventType: "daily", userId, status: "failed", attempts: 1 },
      { traceId: "recent", destination: "webhook", eventType: "daily", userId, status: "delivered", attempts: 1 },
    ]);
    await store.db.query(
      "UPDATE deliveries SET created_at = now() - interval '10 days', updated_at = now() - interval '10 days' WHERE trace_id IN ('legacy-failed', 'failed-recently')",
    );
    await store.recordDelivery({ traceId: "failed-recently", destination: "webhook", eventType: "daily", userId, status: "failed", attempts: 2 });

    const { ctx } = harness.runtime;
    const job = await ctx.queues.pull.add("stale-check", { kind: "stale-check", provider: "*" });
    await waitForIdle(ctx.queues, { timeoutMs: 60_000 });
    const done = await ctx.queues.pull.getJob(job.id!);
    expect(done?.returnvalue).toMatchObject({ prunedDeliveries: old + 1 });
    expect(batches).toEqual([DELIVERY_PRUNE_BATCH, DELIVERY_PRUNE_BATCH, 346]);
    expect((await store.listDeliveries({ userId })).map((row) => row.trace_id).sort()).toEqual(["failed-recently", "recent"]);
    expect(lines.filter((line) => line.msg === "audit rows of finished deliveries pruned")).toMatchObject([{ pruned: old + 1, keepAuditDays: 5 }]);
    expect(await ctx.metrics.registry.metrics()).toMatch(new RegExp(`tributary_pruned_rows_total\\{table="deliveries"\\} ${old + 1}\\b`));
  }, 90_000);
});
