import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { payloadRecords, type DeliveryPayload } from "@tributary/core/contracts";
import { mockFromSpec, type MockProvider } from "@tributary/core/mock-provider";
import { jobId, type PullReason } from "@tributary/core/queue";
import { waitForIdle } from "@tributary/core/runtime";
import { deliveryBodies } from "../../../core/src/runtime/delivery-bodies.ts";
import { naturalKeys, receivedFor } from "../../../core/test/runtime/pipeline.ts";
import { polarPipeline } from "./polar-pipeline.ts";
import { AVA, polar, polarFixtures } from "./polar.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** A commit: `PUT /v3/users/<id>/exercise-transactions/<transaction id>`. */
const COMMIT = /^\/v3\/users\/\d+\/exercise-transactions\/\d+$/;

/** One of Ava's sessions, as AccessLink keeps it: a hashed id for the exercises list and pushes, a numeric one in transactions. */
interface Session {
  hashId: string;
  numericId: number;
  /** Local start at her +01:00. */
  start: string;
  uploadedAt: number;
}

/** The list's model (`GET /v3/exercises`, `GET /v3/exercises/{id}`). */
const listed = (s: Session) => ({
  id: s.hashId,
  upload_time: new Date(s.uploadedAt).toISOString(),
  polar_user: `https://www.polaraccesslink.com/v3/users/${AVA}`,
  device: "Polar Pacer Pro",
  start_time: s.start,
  start_time_utc_offset: 60,
  duration: "PT30M",
  calories: 300,
  distance: 5000,
  heart_rate: { average: 140, maximum: 160 },
  sport: "RUNNING",
});

/** The transaction's model (`GET …/exercise-transactions/{tid}/exercises/{eid}`): hyphenated, the numeric id. */
const transacted = (s: Session) => ({
  id: s.numericId,
  "upload-time": new Date(s.uploadedAt).toISOString(),
  "polar-user": `https://www.polaraccesslink.com/v3/users/${AVA}`,
  device: "Polar Pacer Pro",
  "start-time": s.start,
  "start-time-utc-offset": 60,
  duration: "PT30M",
  calories: 300,
  distance: 5000,
  "heart-rate": { average: 140, maximum: 160 },
  sport: "RUNNING",
});

/**
 * POLAR's sessions as the runtime reads them (Redis, PostgreSQL, a webhook destination): backfills and
 * on-demand requests list the last 30 days, pushes fetch by the hashed id, and polls and the daily
 * reconciliation take AccessLink's exercise transactions — what was uploaded since the client's last commit,
 * uploaded after the member registered with the client (as AccessLink serves them) — committed only once
 * their records are stored and their deliveries enqueued. Every way names a session alike.
 */
describe("POLAR sessions through the pipeline", () => {
  async function start(prepare: (mock: MockProvider) => void = () => {}) {
    const definition = polar();
    const fixtures = await polarFixtures(definition);
    const sessions: Session[] = [];
    /** When Ava registered with the client (her connect): transactions hold only what was uploaded since. */
    let registeredAt: number | undefined;
    const session = (startedAgoMs: number, uploadedAgoMs: number): Session => {
      const now = Date.now();
      const made: Session = {
        hashId: `h${randomUUID().slice(0, 8)}`,
        numericId: 1_900_000_000 + sessions.length,
        // Local time at her +01:00, as AccessLink writes it (whole seconds).
        start: new Date(Math.floor((now - startedAgoMs) / 1000) * 1000 + HOUR_MS).toISOString().slice(0, 19),
        uploadedAt: now - uploadedAgoMs,
      };
      sessions.push(made);
      return made;
    };
    /** The id every way of reading names the session by: Ava's Polar user and its start in UTC. */
    const summaryIdOf = (s: Session) => `${AVA}-${new Date(Date.parse(`${s.start}Z`) - HOUR_MS).toISOString().slice(0, 19).replace(/[-:]/g, "")}Z`;
    const mine = (user: { id: string | number }) => String(user.id) === AVA;
    const mock = mockFromSpec(definition.spec, {
      ...fixtures,
      streams: {
        ...fixtures.streams,
        exercises: { ...fixtures.streams!.exercises!, records: ({ user }) => (mine(user) ? sessions.map(listed) : []) },
        exercise_transactions: {
          ...fixtures.streams!.exercise_transactions!,
          records: ({ user }) => (mine(user) && registeredAt !== undefined ? sessions.filter((s) => s.uploadedAt >= registeredAt!).map(transacted) : []),
        },
      },
    });
    prepare(mock);
    const { pipeline, ctx, connect: consent } = await polarPipeline(definition, mock);
    const connect = async () => {
      const connection = await consent();
      expect(mock.lifecycleCalls.map((call) => [call.phase, call.path])).toContainEqual(["connect", "/v3/users"]);
      registeredAt = Date.now();
      return connection;
    };
    /** One pull of the user's sessions over the last `days`, as a backfill, the scheduler's fan-out or a request enqueues it; resolves once everything it caused is delivered. */
    const pull = async (userId: string, reason: PullReason, days: number) => {
      const end = new Date();
      const traceId = randomUUID();
      await ctx.queues.pull.add(
        "POLAR:activity",
        {
          userId,
          provider: "POLAR",
          dataType: "activity",
          start: new Date(end.getTime() - days * DAY_MS).toISOString(),
          end: end.toISOString(),
          reason,
          withSamples: true,
          traceId,
        },
        { jobId: `${reason}-${traceId}` },
      );
      await waitForIdle(ctx.queues, { timeoutMs: 60_000 });
    };
    /** Polar's EXERCISE push for the session, as the ingress queues it. */
    const push = async (user: { user_id: string }, s: Session) => {
      const id = jobId("hook", randomUUID(), 0);
      const notification = { event: "EXERCISE", user_id: Number(AVA), entity_id: s.hashId, timestamp: new Date().toISOString() };
      await ctx.queues.ingest.add(
        "POLAR:EXERCISE",
        {
          notifications: [
            {
              id,
              provider: "POLAR",
              userId: user.user_id,
              providerUserId: AVA,
              eventType: "EXERCISE",
              notification,
              receivedAt: Date.now(),
              traceId: randomUUID(),
            },
          ],
        },
        { jobId: id },
      );
      await waitForIdle(ctx.queues, { timeoutMs: 60_000 });
    };
    const delivered = (userId: string) =>
      receivedFor(pipeline.receiver, userId, "activity").flatMap((r) => payloadRecords(r.payload).map((entry) => entry.record as any));
    const summaries = (userId: string) => delivered(userId).map((record) => record.metadata.summary_id as string);
    return { mock, ctx, pipeline, session, summaryIdOf, connect, pull, push, delivered, summaries };
  }

  it("a poll takes a session synced days late (its push lost) from a transaction, once: committed after its record was stored and enqueued; the next poll and the reconciliation find nothing", async () => {
    /** The natural keys stored and enqueued for the destination at each commit. */
    const atCommit: string[][] = [];
    let durable: () => Promise<string[]> = async () => [];
    const { mock, ctx, session, summaryIdOf, connect, pull, summaries } = await start((mock) => {
      mock.app.addHook("onRequest", async (request) => {
        if (request.method === "PUT" && COMMIT.test(request.url)) atCommit.push(await durable());
      });
    });
    const onTime = session(5 * DAY_MS, 5 * DAY_MS - HOUR_MS);
    const user = await connect();
    const queue = ctx.queues.deliverTo("receiver");
    durable = async () => {
      const keys: string[] = [];
      for (const job of await queue.getJobs(["waiting", "prioritized", "delayed", "active", "completed"])) {
        if (job.data.userId !== user.user_id || !job.data.bodyRef) continue;
        const body = await deliveryBodies(ctx).get(job.data.bodyRef);
        if (body) keys.push(...payloadRecords(JSON.parse(body.toString("utf8")) as DeliveryPayload).map(({ key }) => key.key));
      }
      return keys.sort();
    };
    // The connect's 30 days, from the list (uploaded before she registered: never in a transaction).
    await pull(user.user_id, "backfill", 30);
    expect(summaries(user.user_id)).toEqual([summaryIdOf(onTime)]);

    // Her watch syncs a session recorded 5 days ago; Polar's push never arrives. Nothing is delivered until
    // the commit was sent, so what the commit counted on is what was stored and enqueued.
    const late = session(5 * DAY_MS, 0);
    await queue.pause();
    const traceId = randomUUID();
    const end = new Date();
    const job = await ctx.queues.pull.add(
      "POLAR:activity",
      {
        userId: user.user_id,
        provider: "POLAR",
        dataType: "activity",
        start: new Date(end.getTime() - DAY_MS).toISOString(),
        end: end.toISOString(),
        reason: "poll",
        withSamples: true,
        traceId,
      },
      { jobId: `poll-${traceId}` },
    );
    for (let state = await job.getState(); state !== "completed"; state = await job.getState()) {
      expect(state).not.toBe("failed");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // (The backfill's delivery was over before: its stored body was released.)
    expect(atCommit).toEqual([[summaryIdOf(late)]]);
    await queue.resume();
    await waitForIdle(ctx.queues, { timeoutMs: 60_000 });
    expect(summaries(user.user_id)).toEqual([summaryIdOf(onTime), summaryIdOf(late)]);
    expect(mock.transactions.map((t) => [t.state, t.items])).toEqual([["committed", [String(late.numericId)]]]);

    // Committed: after it the poll asked for the next transaction (204, nothing new); so do the next poll and
    // the daily reconciliation.
    await pull(user.user_id, "poll", 1);
    await pull(user.user_id, "reconcile", 2);
    expect(summaries(user.user_id)).toEqual([summaryIdOf(onTime), summaryIdOf(late)]);
    expect(mock.transactions).toHaveLength(1);
    expect(mock.requests.filter((r) => r.method === "POST" && r.path === `/v3/users/${AVA}/exercise-transactions`).map((r) => r.status)).toEqual([
      201, 204, 204, 204,
    ]);
  }, 120_000);

  it("a session pushed, then taken by the reconciliation's transaction, then listed by an on-demand request is one record: the same summary_id and values each time", async () => {
    const { pipeline, session, summaryIdOf, connect, pull, push, delivered, summaries } = await start();
    const user = await connect();
    // Recorded two hours ago, synced just now (after she registered: so in her next transaction too).
    const run = session(2 * HOUR_MS, 0);
    await push(user, run);
    await pull(user.user_id, "reconcile", 2);
    await pull(user.user_id, "request", 7);
    expect(summaries(user.user_id)).toEqual([summaryIdOf(run), summaryIdOf(run), summaryIdOf(run)]);
    const [byPush, byTransaction, byList] = delivered(user.user_id);
    expect(byTransaction).toEqual(byPush);
    expect(byList).toEqual(byPush);
    expect(byPush).toMatchObject({ distance_data: { summary: { distance_meters: 5000 } }, heart_rate_data: { summary: { avg_hr_bpm: 140, max_hr_bpm: 160 } } });
    // Destinations upsert by the natural key: one record.
    expect(new Set(naturalKeys(receivedFor(pipeline.receiver, user.user_id, "activity")))).toEqual(new Set([`activity/${summaryIdOf(run)}`]));
  }, 120_000);
});
