import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { describe, expect, it, onTestFinished } from "vitest";
import { payloadRecords, type DeliveryPayload } from "@tributary/core/contracts";
import { loadMockFixtures, manualClock, mockFromSpec, type MockProvider } from "@tributary/core/mock-provider";
import type { PullJobData } from "@tributary/core/queue";
import { createPluginRegistry } from "@tributary/core/registry";
import { waitForIdle } from "@tributary/core/runtime";
import { loadConnectorFile } from "@tributary/core/spec";
import { deliveryBodies } from "../../src/runtime/delivery-bodies.ts";
import { naturalKeys, receivedFor, startPipeline } from "./pipeline.ts";

const LEDGER_DIR = fileURLToPath(new URL("../streams/ledger", import.meta.url));
const MEMBER = "member-1";
const TOKEN = "ledger-token-1";
const KEYS = ["activity/w1", "activity/w2", "activity/w3"];
/** The mock's transactions: a commit is a PUT of `/users/<id>/transactions/<transaction id>`. */
const COMMIT = /^\/users\/[^/]+\/transactions\/\d+$/;

/**
 * A poll's pull job reading a transaction stream (LEDGER, ../streams/ledger), as the runtime runs it
 * (Redis, a webhook destination): the provider is told the items are ours only once they are stored and
 * their deliveries enqueued, and whatever keeps the commit from happening brings the items again.
 */
describe("a transaction pull through the pipeline", () => {
  /** A pipeline and LEDGER's mock; `prepare` adds hooks to the mock before it listens. */
  async function start(prepare: (mock: MockProvider, clock: ReturnType<typeof manualClock>) => void = () => {}) {
    const definition = loadConnectorFile(LEDGER_DIR);
    const clock = manualClock(Date.now());
    const mock = mockFromSpec(definition.spec, await loadMockFixtures(`${LEDGER_DIR}/fixtures`, definition.spec), { clock });
    prepare(mock, clock);
    await mock.listen();
    onTestFinished(() => mock.close());
    const pipeline = await startPipeline({ registry: createPluginRegistry([definition]), providers: { LEDGER: { baseUrl: mock.urls().baseUrl } } });
    onTestFinished(() => pipeline.close());
    const { ctx } = pipeline;
    const user = await ctx.store.createConnection({
      provider: "LEDGER",
      providerUserId: MEMBER,
      tokens: { auth_type: "bearer_token", access_token: TOKEN, obtained_at: Date.now() },
    });
    // Registered with the client, as the connector's lifecycle does on connect: only then are transactions served.
    const registered = await fetch(`${mock.urls().baseUrl}/users`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ "member-id": user.user_id }),
    });
    expect(registered.ok).toBe(true);
    /** Enqueues one poll of the member's workouts, as the scheduler's fan-out does; resolves with its job. */
    const poll = async (options: { attempts?: number } = {}) => {
      const end = new Date();
      const data: PullJobData = {
        userId: user.user_id,
        provider: "LEDGER",
        dataType: "activity",
        start: new Date(end.getTime() - 86_400_000).toISOString(),
        end: end.toISOString(),
        reason: "poll",
        withSamples: true,
        traceId: randomUUID(),
      };
      const retry = options.attempts ? { attempts: options.attempts, backoff: { type: "fixed", delay: 10 } } : {};
      return ctx.queues.pull.add("LEDGER:activity", data, { jobId: `poll-${data.traceId}`, ...retry });
    };
    const received = () => receivedFor(pipeline.receiver, user.user_id, "activity");
    return { mock, pipeline, ctx, user, poll, received };
  }

  it("commits a transaction only once its items are stored and their deliveries enqueued", async () => {
    /** What the destination's queue held for the member (stored bodies of enqueued deliveries) at each commit. */
    const atCommit: string[][] = [];
    let durable: () => Promise<string[]> = async () => [];
    const { ctx, user, poll, received, mock } = await start((mock) => {
      mock.app.addHook("onRequest", async (request) => {
        if (request.method === "PUT" && COMMIT.test(request.url)) atCommit.push(await durable());
      });
    });
    const queue = ctx.queues.deliverTo("receiver");
    durable = async () => {
      const ids: string[] = [];
      for (const job of await queue.getJobs(["waiting", "prioritized", "delayed", "active", "completed"])) {
        if (job.data.userId !== user.user_id || !job.data.bodyRef) continue;
        const body = await deliveryBodies(ctx).get(job.data.bodyRef);
        if (body) ids.push(...payloadRecords(JSON.parse(body.toString("utf8")) as DeliveryPayload).map(({ key }) => `${key.type}/${key.key}`));
      }
      return ids.sort();
    };
    // Nothing is delivered meanwhile: what the commit may count on is what is stored and enqueued, not what arrived.
    await queue.pause();
    const job = await poll();
    for (let state = await job.getState(); state !== "completed"; state = await job.getState()) {
      expect(state).not.toBe("failed");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Two transactions (two items, then one): each commit found its items durable.
    expect(atCommit).toEqual([KEYS.slice(0, 2), KEYS]);
    expect(mock.transactions.map((t) => t.state)).toEqual(["committed", "committed"]);
    await queue.resume();
    await waitForIdle(ctx.queues);
    expect(naturalKeys(received())).toEqual(KEYS);
  }, 60_000);

  it("a pull that fails before its commit is retried: the provider offers the same items again, and the destination gets each once", async () => {
    let creates = 0;
    const { ctx, poll, received, mock } = await start((mock) => {
      mock.app.addHook("onRequest", async (request, reply) => {
        if (request.method === "POST" && request.url.endsWith("/transactions")) creates += 1;
        // The first attempt's commit never goes through (the provider is down for it, every retry).
        if (request.method === "PUT" && COMMIT.test(request.url) && creates < 2) return reply.code(500).send({ error: "down" });
      });
    });
    const job = await poll({ attempts: 2 });
    await waitForIdle(ctx.queues);
    expect(await job.getState()).toBe("completed");
    expect((await ctx.queues.pull.getJob(job.id!))?.attemptsMade).toBe(2);
    // The open transaction came again to the second attempt, its items fetched again, and then committed.
    const first = mock.transactions[0]!;
    expect(mock.transactions.map((t) => [t.state, t.items])).toEqual([
      ["committed", ["w1", "w2"]],
      ["committed", ["w3"]],
    ]);
    expect(mock.requests.filter((r) => r.method === "GET" && r.path === `/users/${MEMBER}/transactions/${first.id}/workouts/w1`)).toHaveLength(2);
    // Published twice under the same trace ids (the same job): the destination keeps each record once.
    expect(naturalKeys(received().filter((r) => !r.duplicate)).sort()).toEqual(KEYS);
  }, 60_000);

  it("a transaction that expired before its commit: its items come again in the next transaction, and are delivered again", async () => {
    let expireNext = true;
    const { ctx, poll, received, mock } = await start((mock, clock) => {
      mock.app.addHook("onRequest", async (request) => {
        // The first commit arrives after the transaction's 600 s.
        if (request.method === "PUT" && COMMIT.test(request.url) && expireNext) {
          expireNext = false;
          clock.advance(601);
        }
      });
    });
    await poll();
    await waitForIdle(ctx.queues);
    expect(mock.transactions.map((t) => [t.state, t.items])).toEqual([
      ["expired", ["w1", "w2"]],
      ["committed", ["w1", "w2"]],
      ["committed", ["w3"]],
    ]);
    // The same records, in the payloads of both transactions.
    expect(naturalKeys(received().filter((r) => !r.duplicate))).toEqual([...KEYS.slice(0, 2), ...KEYS]);
  }, 60_000);
});
