import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalReceiver, type LocalReceiver } from "@tributary/core/demo";
import { waitForIdle } from "@tributary/core/runtime";
import { connectUser } from "@tributary/core/services";
import type { RedisClient, RuntimeQueues } from "@tributary/core/queue";
import type { StateStore } from "@tributary/core/state";
import { memoryStateStore, type StoredRecord } from "@tributary/test-kit";
import { createReadBack, MYSQL_URL, naturalKeys, POSTGRES_URL, receivedRecords, type ReadBack } from "../kit/read-back/index.ts";
import { startConfiguredApp, type ConfiguredApp } from "./configured-app.ts";

/*
 * One broken destination among healthy ones: its deliveries wait in its own queue while the others
 * complete, and arrive once it is fixed — by retries for an outage, by a replay of the dead letters for
 * wrong credentials (which are never retried). No durations are asserted: only queue states and what
 * the real services hold.
 */

const BUSY_STATES = ["waiting", "active", "delayed", "prioritized", "waiting-children"] as const;

type Queue = ReturnType<RuntimeQueues["deliverTo"]>;

async function busyJobs(queue: Queue | RuntimeQueues["pull"]): Promise<number> {
  const counts = await queue.getJobCounts(...BUSY_STATES);
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

/** Polls until `done` holds twice in a row, a moment apart (a just-finished job may still add follow-ups). */
async function until(what: string, done: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let held = false;
  while (Date.now() < deadline) {
    if (await done()) {
      if (held) return;
      held = true;
    } else held = false;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting until ${what}`);
}

const recordsByKey = (records: StoredRecord[]) => new Map(records.map((record) => [`${record.type}/${record.key}`, record.record]));

// One state store for the file (an in-memory PostgreSQL takes seconds to start); each test has its own
// destination names, user and queue prefix in it.
let store: StateStore | undefined;
beforeAll(async () => {
  store = await memoryStateStore();
});
afterAll(async () => {
  await store?.db.close();
});

const commonConfig = (env: { apiKey: string }) => `
api:
  apiKeys: ["${env.apiKey}"]
  signingSecret: \${E2E_SIGNING_SECRET}
providers:
  SANDBOX:
    backfillDays: 2
`;

describe("a webhook receiver that answers 503 for a while, beside a healthy sql destination", () => {
  const id = randomUUID().replaceAll("-", "").slice(0, 12);
  const env = { E2E_SIGNING_SECRET: randomBytes(16).toString("hex") };
  let refusing = true;
  let refused = 0;
  let receiver: LocalReceiver | undefined;
  let tributary: ConfiguredApp | undefined;
  const readBack: ReadBack = createReadBack();

  beforeAll(async () => {
    receiver = await startLocalReceiver({
      signingSecret: env.E2E_SIGNING_SECRET,
      respondWith: () => {
        if (!refusing) return 200;
        refused += 1;
        return 503;
      },
    });
    if (!store) throw new Error("no state store");
    tributary = await startConfiguredApp(
      `${commonConfig({ apiKey: randomBytes(16).toString("hex") })}
# Short retries so the test sees the recovery; enough attempts that none runs out while the receiver is down.
delivery:
  attempts: 20
  backoffSeconds: 1
  maxBackoffSeconds: 2
destinations:
  - name: app-hook
    type: webhook
    options:
      url: ${receiver.url}
  - name: warehouse
    type: sql
    options:
      dialect: postgres
      url: ${POSTGRES_URL}
      schema: t_${id}
      poolSize: 2
`,
      { env, store, prefix: `test-e2e-503-${id}` },
    );
  });

  afterAll(async () => {
    await tributary?.destroy();
    if (tributary) await readBack.dropSql(tributary.options("warehouse")).catch(() => undefined);
    await readBack.close();
    await receiver?.close();
  });

  it("the healthy destination gets everything while the broken one retries; after the fix each record arrives once per natural key", {
    timeout: 120_000,
  }, async () => {
    if (!tributary || !receiver) throw new Error("setup failed");
    const { app, options } = tributary;
    const queues = app.ctx.queues;
    const { user } = await connectUser(app.ctx, { provider: "SANDBOX", referenceId: `e2e-503-${id}` });

    // The healthy destination finishes: every pull has run and its queue is empty.
    await until(
      "the pulls and the warehouse deliveries are done",
      async () => (await busyJobs(queues.pull)) + (await busyJobs(queues.deliverTo("warehouse"))) === 0,
    );
    const warehouse = await readBack.sql(options("warehouse"), user.user_id);
    const delivered = await app.ctx.store.listDeliveries({ destination: "warehouse", userId: user.user_id, limit: 1000 });
    expect(delivered.length).toBeGreaterThan(0);
    expect(delivered.every((delivery) => delivery.status === "delivered")).toBe(true);
    expect(new Set(warehouse.map((record) => record.type)).size).toBeGreaterThan(1);

    // …while every one of the same deliveries is still pending at the broken one: none accepted, none given up on.
    expect(await busyJobs(queues.deliverTo("app-hook"))).toBe(delivered.length);
    expect(receiver.received).toEqual([]);
    expect(refused).toBeGreaterThan(0);
    expect(await app.ctx.store.listDeadLetters({ destination: "app-hook" })).toEqual([]);
    // Each payload's body is in Redis once, whatever the number of destinations, until its last reader is done.
    expect((await storedBodies(app.ctx.redis, `test-e2e-503-${id}`)).sort()).toEqual(delivered.map((delivery) => delivery.trace_id).sort());

    refusing = false;
    await waitForIdle(queues, { timeoutMs: 90_000 });

    expect(await app.ctx.store.listDeadLetters({ destination: "app-hook" })).toEqual([]);
    expect(await app.ctx.store.listDeadLetters({ destination: "warehouse" })).toEqual([]);
    const hook = await app.ctx.store.listDeliveries({ destination: "app-hook", userId: user.user_id, limit: 1000 });
    expect(hook.map((delivery) => delivery.trace_id).sort()).toEqual(delivered.map((delivery) => delivery.trace_id).sort());
    expect(hook.every((delivery) => delivery.status === "delivered")).toBe(true);
    expect(hook.some((delivery) => delivery.attempts > 1)).toBe(true);
    expect(await storedBodies(app.ctx.redis, `test-e2e-503-${id}`)).toEqual([]);

    // The receiver deduplicates by natural key as a consumer would: it ends up with exactly the warehouse's
    // records, each the latest version. A duplicate (a redelivery after a lost answer) would be harmless here.
    const received = receivedRecords(
      receiver.received.map((entry) => entry.payload),
      user.user_id,
    );
    expect(naturalKeys(received.records)).toEqual(naturalKeys(warehouse));
    expect(recordsByKey(received.records)).toEqual(recordsByKey(warehouse));
    expect(receiver.received.map((entry) => entry.payload.type)).toContain("auth");
  });
});

describe("a MariaDB destination with a wrong password, beside a healthy PostgreSQL one", () => {
  const id = randomUUID().replaceAll("-", "").slice(0, 12);
  const prefix = `test-e2e-auth-${id}`;
  const apiKey = randomBytes(16).toString("hex");
  const wrongPassword = `wrong-${randomUUID()}`;
  // The fix an operator makes: the right secret in the environment, the config file unchanged.
  const rightPassword = decodeURIComponent(new URL(MYSQL_URL).password);
  const yaml = `${commonConfig({ apiKey })}
delivery:
  attempts: 10
  backoffSeconds: 1
  maxBackoffSeconds: 2
destinations:
  - name: primary
    type: sql
    options:
      dialect: postgres
      url: ${POSTGRES_URL}
      schema: t_${id}
      poolSize: 2
  - name: mirror
    type: sql
    options:
      dialect: mysql
      url: ${MYSQL_URL}
      password: \${MIRROR_PASSWORD}
      tablePrefix: t_${id}_
      poolSize: 2
`;
  const signingSecret = randomBytes(16).toString("hex");
  let broken: ConfiguredApp | undefined;
  let fixed: ConfiguredApp | undefined;
  const readBack: ReadBack = createReadBack();

  afterAll(async () => {
    await broken?.close();
    await fixed?.destroy();
    const options = (fixed ?? broken)?.options;
    if (options) {
      await readBack.dropSql(options("primary")).catch(() => undefined);
      await readBack.dropSql(options("mirror")).catch(() => undefined);
    }
    await readBack.close();
  });

  it("its deliveries become ERR_DESTINATION_AUTH dead letters after one attempt; fixed and restarted, a replay delivers them", {
    timeout: 120_000,
  }, async () => {
    if (!store) throw new Error("setup failed");
    broken = await startConfiguredApp(yaml, { env: { E2E_SIGNING_SECRET: signingSecret, MIRROR_PASSWORD: wrongPassword }, store, prefix });
    const { user } = await connectUser(broken.app.ctx, { provider: "SANDBOX", referenceId: `e2e-auth-${id}` });
    await waitForIdle(broken.app.ctx.queues, { timeoutMs: 90_000 });

    const primary = await readBack.sql(broken.options("primary"), user.user_id);
    const delivered = await store.listDeliveries({ destination: "primary", userId: user.user_id, limit: 1000 });
    expect(delivered.length).toBeGreaterThan(0);
    expect(delivered.every((delivery) => delivery.status === "delivered")).toBe(true);
    expect(new Set(primary.map((record) => record.type)).size).toBeGreaterThan(1);

    // One dead letter per delivery, each after a single attempt: a refused login is not retried.
    const dead = await store.listDeadLetters({ destination: "mirror", limit: 1000 });
    expect(dead.map((letter) => letter.trace_id).sort()).toEqual(delivered.map((delivery) => delivery.trace_id).sort());
    expect(dead.every((letter) => letter.error_code === "ERR_DESTINATION_AUTH" && letter.attempts === 1)).toBe(true);
    expect(dead.filter((letter) => letter.error?.includes(wrongPassword))).toEqual([]);
    expect(
      (await store.listDeliveries({ destination: "mirror", userId: user.user_id, limit: 1000 })).every((d) => d.status === "dead" && d.attempts === 1),
    ).toBe(true);
    // A dead letter carries its payload: Redis keeps nothing for it, and the replay below needs nothing from there.
    expect(await storedBodies(broken.app.ctx.redis, prefix)).toEqual([]);
    await broken.close();

    // Fix the secret, restart on the same Redis and state store, and replay through the admin API.
    fixed = await startConfiguredApp(yaml, { env: { E2E_SIGNING_SECRET: signingSecret, MIRROR_PASSWORD: rightPassword }, store, prefix });
    const http = fixed.app.http();
    const listed = await http.inject({ method: "GET", url: "/admin/dead-letters?destination=mirror&limit=1000", headers: { "x-api-key": apiKey } });
    expect(listed.statusCode).toBe(200);
    const ids = (listed.json() as { dead_letters: Array<{ id: number }> }).dead_letters.map((letter) => letter.id);
    const byNumber = (a: number, b: number) => a - b;
    expect(ids.sort(byNumber)).toEqual(dead.map((letter) => letter.id).sort(byNumber));
    for (const letterId of ids) {
      const replayed = await http.inject({ method: "POST", url: `/admin/dead-letters/${letterId}/replay`, headers: { "x-api-key": apiKey } });
      expect(replayed.statusCode, replayed.body).toBe(200);
    }
    await waitForIdle(fixed.app.ctx.queues, { timeoutMs: 90_000 });

    const mirror = await readBack.sql(fixed.options("mirror"), user.user_id);
    expect(naturalKeys(mirror)).toEqual(naturalKeys(primary));
    expect(recordsByKey(mirror)).toEqual(recordsByKey(primary));
    expect(await store.listDeadLetters({ destination: "mirror" })).toEqual([]);
    const mirrored = await store.listDeliveries({ destination: "mirror", userId: user.user_id, limit: 1000 });
    expect(mirrored.filter((delivery) => delivery.status !== "delivered")).toEqual([]);
    expect(mirrored).toHaveLength(delivered.length);
    // Each replay stored its payload again for its one delivery, which released it once delivered.
    expect(await storedBodies(fixed.app.ctx.redis, prefix)).toEqual([]);
  });
});

/** Trace ids of the delivery bodies a deployment still keeps in Redis. */
async function storedBodies(redis: RedisClient, prefix: string): Promise<string[]> {
  const keys = await redis.keys(`${prefix}:payload:*`);
  return keys.filter((key) => !key.endsWith(":readers")).map((key) => key.slice(`${prefix}:payload:{`.length, -1));
}
