import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { payloadRecords } from "@tributary/core/contracts";
import { mockFromSpec } from "@tributary/core/mock-provider";
import { jobId, type PullJobData, type PullReason } from "@tributary/core/queue";
import { waitForIdle } from "@tributary/core/runtime";
import { receivedFor } from "../../../core/test/runtime/pipeline.ts";
import { polarPipeline } from "./polar-pipeline.ts";
import { AVA, polar, polarFixtures } from "./polar.ts";

const DAY_MS = 86_400_000;

/** One of Ava's sessions on the day, at a local clock time and her offset then (minutes east). */
interface Session {
  hashId: string;
  numericId: number;
  start: string;
  offset: number;
  uploadedAt: number;
}

/**
 * Ava's daily activity for a day is read before any session or night of that date is (nothing was known:
 * the day goes out at +00:00). A session of that date then arrives at +120 minutes — taken by a poll's
 * exercise transaction, or pushed — and the connection learns the date's offset: the day is read again
 * by itself and delivered once more, a newer version of the same record at +02:00. Redis, PostgreSQL and
 * a webhook destination, as deployed.
 */
describe("POLAR: a day delivered before its offset was seen is delivered again at it", () => {
  async function start() {
    const definition = polar();
    const fixtures = await polarFixtures(definition);
    // The day three days ago (local midnights, no offset, as Polar writes them).
    const date = new Date(Date.now() - 3 * DAY_MS).toISOString().slice(0, 10);
    const next = new Date(Date.parse(date) + DAY_MS).toISOString().slice(0, 10);
    const day = {
      start_time: `${date}T00:00:00`,
      end_time: `${next}T00:00:00`,
      active_duration: "PT1H",
      inactive_duration: "PT10H",
      calories: 2200,
      active_calories: 600,
      steps: 7300,
      distance_from_steps: 6000.0,
    };
    const sessions: Session[] = [];
    let registeredAt: number | undefined;
    const session = (clock: string, offset: number): Session => {
      const made = {
        hashId: `h${randomUUID().slice(0, 8)}`,
        numericId: 1_900_000_000 + sessions.length,
        start: `${date}T${clock}`,
        offset,
        uploadedAt: Date.now(),
      };
      sessions.push(made);
      return made;
    };
    const mine = (user: { id: string | number }) => String(user.id) === AVA;
    const base = { polar_user: `https://www.polaraccesslink.com/v3/users/${AVA}`, duration: "PT30M", sport: "RUNNING" };
    const mock = mockFromSpec(definition.spec, {
      ...fixtures,
      streams: {
        ...fixtures.streams,
        exercises: {
          ...fixtures.streams!.exercises!,
          records: ({ user }) => (mine(user) ? sessions.map((s) => ({ ...base, id: s.hashId, start_time: s.start, start_time_utc_offset: s.offset })) : []),
        },
        exercise_transactions: {
          ...fixtures.streams!.exercise_transactions!,
          records: ({ user }) =>
            mine(user) && registeredAt !== undefined
              ? sessions
                  .filter((s) => s.uploadedAt >= registeredAt!)
                  .map((s) => ({
                    "polar-user": base.polar_user,
                    duration: "PT30M",
                    sport: "RUNNING",
                    id: s.numericId,
                    "start-time": s.start,
                    "start-time-utc-offset": s.offset,
                  }))
              : [],
        },
        // No nights: the day's probe finds no offset.
        sleep: { ...fixtures.streams!.sleep!, records: () => [] },
        activities: { ...fixtures.streams!.activities!, records: ({ user }) => (mine(user) ? [day] : []) },
      },
    });
    const { pipeline, ctx, connect } = await polarPipeline(definition, mock);
    const user = await connect();
    registeredAt = Date.now();

    /** One pull, as the runtime enqueues it; resolves once everything it caused (re-reads too) is delivered. */
    const pull = async (dataType: string, reason: PullReason, window: { start: number; end: number }) => {
      const traceId = randomUUID();
      await ctx.queues.pull.add(
        `POLAR:${dataType}`,
        {
          userId: user.user_id,
          provider: "POLAR",
          dataType,
          start: new Date(window.start).toISOString(),
          end: new Date(window.end).toISOString(),
          reason,
          withSamples: true,
          traceId,
        },
        { jobId: `${reason}-${traceId}` },
      );
      await waitForIdle(ctx.queues, { timeoutMs: 60_000 });
    };
    /** Polar's EXERCISE pushes, as the ingress queues those of one event-loop turn: one ingest job. */
    const push = async (pushed: readonly Session[]) => {
      const id = jobId("hook", randomUUID(), 0);
      const notifications = pushed.map((s, i) => ({
        id: jobId("hook", id, i),
        provider: "POLAR",
        userId: user.user_id,
        providerUserId: AVA,
        eventType: "EXERCISE",
        notification: { event: "EXERCISE", user_id: Number(AVA), entity_id: s.hashId, timestamp: new Date().toISOString() },
        receivedAt: Date.now(),
        traceId: randomUUID(),
      }));
      await ctx.queues.ingest.add("POLAR:EXERCISE", { notifications }, { jobId: id });
      await waitForIdle(ctx.queues, { timeoutMs: 60_000 });
    };
    /** The day's start and end in each daily payload delivered for Ava, in order. */
    const days = () =>
      receivedFor(pipeline.receiver, user.user_id, "daily").flatMap((r) =>
        payloadRecords(r.payload).map(({ record }) => [(record as any).metadata.start_time, (record as any).metadata.end_time]),
      );
    /** The re-reads run for Ava (the pull jobs the runtime queued when it learned her offset). */
    const rereads = async () =>
      (await ctx.queues.pull.getJobs(["completed", "failed"]))
        .map((job) => ({ job, data: job.data as PullJobData }))
        .filter(({ data }) => data.userId === user.user_id && data.reason === "rezone");
    const midnight = Date.parse(`${date}T00:00:00Z`);
    /** The day read by itself (an ACTIVITY_SUMMARY push's window), before any session of it was seen. */
    const readDay = () => pull("daily", "ping", { start: midnight, end: midnight + DAY_MS });
    return { date, next, session, pull, push, days, rereads, readDay, midnight };
  }

  it("a poll's exercise transaction takes a session of the day at +120: the day is read again once and delivered at +02:00; a later learn that changes nothing reads nothing", async () => {
    const { date, next, session, pull, days, rereads, readDay } = await start();
    await readDay();
    expect(days()).toEqual([[`${date}T00:00:00.000000+00:00`, `${next}T00:00:00.000000+00:00`]]);

    session("18:00:00", 120);
    await pull("activity", "poll", { start: Date.now() - DAY_MS, end: Date.now() });
    expect(days()).toEqual([
      [`${date}T00:00:00.000000+00:00`, `${next}T00:00:00.000000+00:00`],
      [`${date}T00:00:00.000000+02:00`, `${next}T00:00:00.000000+02:00`],
    ]);
    expect((await rereads()).map(({ job, data }) => [data.dataType, job.finishedOn !== undefined && !job.failedReason])).toEqual([["daily", true]]);

    // Another session later that day, at the same offset: the date keeps what it had, nothing is read again.
    session("20:00:00", 120);
    await pull("activity", "poll", { start: Date.now() - DAY_MS, end: Date.now() });
    expect(days()).toHaveLength(2);
    expect(await rereads()).toHaveLength(1);
  }, 120_000);

  it("a burst of 20 pushed sessions of the day (one ingest job, each teaching the offset) reads the day again once", async () => {
    const { date, next, session, push, days, rereads, readDay } = await start();
    await readDay();
    // Latest first: each session learned is earlier that day than those before it, so each learn changes
    // the date's entry (a date keeps the offset seen earliest) and finds the day mapped at +00:00 again.
    const burst = Array.from({ length: 20 }, (_, i) => session(`${String(16 - Math.floor(i / 2)).padStart(2, "0")}:${i % 2 === 0 ? "30" : "00"}:00`, 120));
    await push(burst);
    expect(days()).toEqual([
      [`${date}T00:00:00.000000+00:00`, `${next}T00:00:00.000000+00:00`],
      [`${date}T00:00:00.000000+02:00`, `${next}T00:00:00.000000+02:00`],
    ]);
    expect(await rereads()).toHaveLength(1);
  }, 120_000);
});
