import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import webhookPlugin from "@tributary/destination-webhook";
import { ErrorCodes, TransientError, type Delivery, type Destination } from "@tributary/core/contracts";
import { startLocalReceiver, type LocalReceiver, type ReceivedPayload } from "@tributary/core/demo";
import { silentLogger } from "@tributary/core/log";
import { createPluginRegistry } from "@tributary/core/registry";
import { deauthorizeUser } from "@tributary/core/services";
import { createPostgresDatabase, createStateStore, createTokenCipher, migrate, type StateStore } from "@tributary/core/state";
import { startTestRuntime, type RuntimeHarness } from "@tributary/test-kit";
import { until } from "../../../test/kit/until.ts";
import { emitPayload } from "../../src/runtime/emit-payload.ts";
import { lifecyclePayload } from "../../src/runtime/envelope.ts";
import { dropSchema, TEST_DATABASE_URL, uniqueSchema } from "../state/test-databases.ts";
import { settled } from "./settled.ts";

const WRITE_TIMEOUT_MS = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The webhook to a local receiver behind a switch: writes it refuses (the receiver answering 503), and
 * writes it holds back before they reach the receiver — a slow receiver, ignoring the write's signal as a
 * destination that cannot stop a request once sent does, so the write lands after the job gave up on it.
 */
function switchedWebhook(receiver: LocalReceiver, signingSecret: string) {
  const webhook = webhookPlugin.create({ url: receiver.url, signingSecret }, { name: "app", log: silentLogger(), lookup: () => undefined });
  const control = {
    refuse: (_delivery: Delivery) => false,
    slowMs: (_delivery: Delivery) => 0,
    started: [] as string[],
    running: 0,
  };
  const destination: Destination = {
    name: "app",
    type: "webhook",
    async write(batch) {
      control.running++;
      try {
        for (const delivery of batch) {
          control.started.push(delivery.traceId);
          if (control.refuse(delivery)) throw new TransientError(ErrorCodes.DESTINATION_UNAVAILABLE, "receiver answered 503", { hint: "test" });
          const slow = control.slowMs(delivery);
          if (slow > 0) await sleep(slow);
          await webhook.write([delivery]);
        }
      } finally {
        control.running--;
      }
    },
    delete: (user) => webhook.delete(user),
    check: (options) => webhook.check(options),
    close: () => webhook.close(),
  };
  return { destination, control };
}

/**
 * Once a destination has received a user's `deauth`, it receives nothing more for that user: a Terra app
 * erases the user on `deauth`, and anything after it would bring their data back. On PostgreSQL and Redis,
 * the webhook destination to a local receiver, over the timings each way of breaking it depends on.
 */
describe("nothing reaches a destination after the user's deauth", () => {
  const schema = uniqueSchema();
  let harness: RuntimeHarness;
  let receiver: LocalReceiver;
  let control: ReturnType<typeof switchedWebhook>["control"];
  /** How long the deactivation of a user takes (a slow database), per user. */
  const deactivationDelays = new Map<string, number>();

  beforeAll(async () => {
    const signingSecret = randomBytes(16).toString("hex");
    receiver = await startLocalReceiver({ signingSecret });
    const switched = switchedWebhook(receiver, signingSecret);
    control = switched.control;
    const db = await createPostgresDatabase({ url: TEST_DATABASE_URL, schema });
    await migrate(db);
    const store = createStateStore({ db, cipher: createTokenCipher({ key: randomBytes(32).toString("base64") }) });
    const slowed: StateStore = {
      ...store,
      async deactivateIfActive(userId) {
        await sleep(deactivationDelays.get(userId) ?? 0);
        return store.deactivateIfActive(userId);
      },
    };
    harness = await startTestRuntime({
      destinations: { app: { destination: switched.destination, writeTimeoutMs: WRITE_TIMEOUT_MS } },
      store: slowed,
      registry: createPluginRegistry(),
      policy: { backoffSeconds: 1, maxBackoffSeconds: 1, attempts: 30 },
    });
  });
  afterAll(async () => {
    await harness?.close();
    await receiver?.close();
    await dropSchema(schema);
  });

  const ctx = () => harness.runtime.ctx;
  const newUser = async () => (await harness.store.createConnection({ provider: "DEAUTHLAST", providerUserId: `member-${randomUUID()}` })).user_id;
  const userOf = (userId: string) => ({ user_id: userId, provider: "DEAUTHLAST", reference_id: null, scopes: null, active: true, last_webhook_update: null });
  const ofUser = (userId: string) =>
    receiver.received.filter((entry) => ((entry.payload.user ?? entry.payload.new_user) as { user_id?: string } | undefined)?.user_id === userId);
  /**
   * What the user's app got after its `deauth` — but the `deauth` again: a write given up on at the short
   * timeout here may land and be retried, a repeat the app drops by its trace id, as Terra's apps do.
   */
  const afterDeauth = (received: ReceivedPayload[]) =>
    received.slice(received.findIndex((entry) => entry.payload.type === "deauth") + 1).filter((entry) => entry.payload.type !== "deauth");
  /** The distinct `deauth` payloads the app got (exactly one is expected). */
  const deauths = (received: ReceivedPayload[]) => new Set(received.filter((entry) => entry.payload.type === "deauth").map((entry) => entry.traceId)).size;
  /** The invariant: one `deauth`, and nothing of the user's after it. */
  const expectDeauthLast = (received: ReceivedPayload[], what: string) => {
    expect.soft(deauths(received), what).toBe(1);
    expect
      .soft(
        afterDeauth(received).map((entry) => entry.payload.type),
        what,
      )
      .toEqual([]);
  };
  const emitDay = (userId: string, day: number, options: { traceId?: string; counted?: boolean } = {}) => {
    const date = `2026-05-${String(1 + (day % 28)).padStart(2, "0")}`;
    const record = { metadata: { start_time: `${date}T00:00:00.000000+00:00`, end_time: `${date}T23:59:59.000000+00:00`, upload_type: 1 } };
    const payload = { type: "daily", user: userOf(userId), data: [record], version: "2022-03-16" };
    const traceId = options.traceId ?? randomUUID();
    return emitPayload(ctx(), payload, { traceId, developer: null, ...(options.counted ? { counted: true, reference: `ref-${traceId}` } : {}) });
  };
  /** Every write has settled (an abandoned one too) and every job is done: what the app got is final. */
  const final = async () => {
    await settled(ctx());
    await until("no write running", async () => (control.running === 0 ? true : undefined));
    await settled(ctx());
  };

  it("a deauth whose deactivation is slow: data the user published meanwhile never follows the deauth", async () => {
    for (const [delayMs, everyMs] of [0, 25, 100, 300, 600].flatMap((delay) => [5, 60].map((every) => [delay, every] as const))) {
      const userId = await newUser();
      deactivationDelays.set(userId, delayMs);
      // The user's data keeps coming (pushes, a poll) while the deauth runs, and a little after it.
      let publishing = true;
      let day = 0;
      const publisher = (async () => {
        while (publishing) {
          await emitDay(userId, day++);
          await sleep(everyMs);
        }
      })();
      await sleep(30);
      await deauthorizeUser(ctx(), userId);
      await sleep(200);
      publishing = false;
      await publisher;
      await final();

      const received = ofUser(userId);
      const what = `deactivation taking ${delayMs} ms, a payload every ${everyMs} ms`;
      expectDeauthLast(received, what);
    }
  }, 120_000);

  it("a lifecycle event whose first delivery failed is not retried into the destination after the deauth", async () => {
    for (const type of ["large_request_processing", "access_revoked", "connection_error", "permission_change"]) {
      for (const refusals of [1, 3]) {
        const userId = await newUser();
        const traceId = randomUUID();
        let refused = 0;
        // Refused until the deauth is in: its retry comes after the deauth.
        control.refuse = (delivery) => delivery.traceId === traceId && (refused++ < refusals || deauths(ofUser(userId)) === 0);
        await emitPayload(ctx(), lifecyclePayload(type, { user: userOf(userId), status: "warning", message: "test" }), { traceId, developer: null });
        await until("the event refused", async () => (refused >= refusals ? true : undefined));
        await deauthorizeUser(ctx(), userId);
        await final();
        control.refuse = () => false;

        const received = ofUser(userId);
        const what = `${type}, refused ${refusals} time(s) before the deauth`;
        expectDeauthLast(received, what);
        const [row] = await ctx().store.listDeliveries({ traceId, limit: 1 });
        expect.soft(row?.status, what).toBe("withheld");
      }
    }
  }, 120_000);

  it("a write given up on at its timeout and still under way holds the deauth back until it settles", async () => {
    for (const counted of [true, false]) {
      for (const slowMs of [WRITE_TIMEOUT_MS + 50, 700, 1_500, 3_000]) {
        const userId = await newUser();
        const traceId = randomUUID();
        control.slowMs = (delivery) => (delivery.traceId === traceId ? slowMs : 0);
        await emitDay(userId, 0, { traceId, counted });
        await until("the slow write started", async () => (control.started.includes(traceId) ? true : undefined));
        await deauthorizeUser(ctx(), userId);
        await final();
        control.slowMs = () => 0;

        const received = ofUser(userId);
        const what = `${counted ? "a counted" : "a"} payload whose write takes ${slowMs} ms`;
        expectDeauthLast(received, what);
      }
    }
  }, 120_000);

  it("a deauth call that failed after the deactivation (Redis lost while queueing) is made again: the deauth goes out once", async () => {
    const userId = await newUser();
    const real = ctx().queues;
    const failing = Object.create(real) as typeof real;
    failing.deliverTo = () => {
      throw new Error("Redis connection lost");
    };
    await expect(deauthorizeUser({ ...ctx(), queues: failing }, userId)).rejects.toThrow("Redis connection lost");
    expect((await harness.store.getConnection(userId))?.active).toBe(false);

    expect(await deauthorizeUser(ctx(), userId)).toMatchObject({ status: "deauthorized", destinations: 1 });
    expect(await deauthorizeUser(ctx(), userId)).toEqual({ status: "already_deauthorized" });
    await final();
    expect(deauths(ofUser(userId))).toBe(1);
    expect(ofUser(userId).every((entry) => entry.payload.type === "deauth")).toBe(true);
  }, 60_000);

  it("the same account connected again after its deauth is a new user, whose data and events are delivered", async () => {
    const providerUserId = `member-${randomUUID()}`;
    const first = await harness.store.createConnection({ provider: "DEAUTHLAST", providerUserId });
    await deauthorizeUser(ctx(), first.user_id);
    await until("the deauth delivered", async () => (deauths(ofUser(first.user_id)) === 1 ? true : undefined));
    // A user id is never given to another connection: the old one's stays its own.
    await expect(harness.store.createConnection({ provider: "DEAUTHLAST", providerUserId, userId: first.user_id })).rejects.toMatchObject({
      code: "ERR_STATE_CONFLICT",
    });

    const again = await harness.store.createConnection({ provider: "DEAUTHLAST", providerUserId });
    expect(again.user_id).not.toBe(first.user_id);
    await emitPayload(ctx(), lifecyclePayload("auth", { user: userOf(again.user_id), status: "success", message: "test" }), {
      traceId: randomUUID(),
      developer: null,
    });
    await emitDay(again.user_id, 1);
    await final();
    expect(new Set(ofUser(again.user_id).map((entry) => entry.payload.type))).toEqual(new Set(["auth", "daily"]));
    expect(afterDeauth(ofUser(first.user_id))).toEqual([]);
  }, 60_000);
});
