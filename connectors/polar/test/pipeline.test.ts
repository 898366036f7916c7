import { randomUUID } from "node:crypto";
import { describe, expect, it, onTestFinished } from "vitest";
import { payloadRecords } from "@tributary/core/contracts";
import type { PullReason } from "@tributary/core/queue";
import { createPluginRegistry } from "@tributary/core/registry";
import { waitForIdle } from "@tributary/core/runtime";
import { MOCK_CLIENT } from "@tributary/test-kit/connector";
import { startMockProvider, submitConsent } from "@tributary/test-kit/mock-provider";
import { startPipeline, receivedFor } from "../../../core/test/runtime/pipeline.ts";
import { AVA, polar, polarFixtures } from "./polar.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * POLAR's sessions synced late, as the runtime reads them (Redis, PostgreSQL, a webhook destination): the
 * list has no range, and a watch may sync a session days after it was recorded, its push lost. A poll or
 * the daily reconciliation keeps what was uploaded in its window (`within.arrived`), whenever it started.
 */
describe("POLAR sessions synced late", () => {
  async function start() {
    const definition = polar();
    const fixtures = await polarFixtures(definition);
    const [template] = (fixtures.streams!.exercises!.records as Record<string, Record<string, unknown>[]>)[AVA]!;
    /** Ava's sessions as AccessLink lists them now; a test adds what her watch syncs. */
    const sessions: Record<string, unknown>[] = [];
    const session = (id: string, startedAgoMs: number, uploadedAgoMs: number) => {
      const now = Date.now();
      // Local time at her +01:00 (start_time_utc_offset 60), as AccessLink writes it.
      const start = new Date(now - startedAgoMs + HOUR_MS).toISOString().slice(0, 19);
      sessions.push({ ...template, id, start_time: start, upload_time: new Date(now - uploadedAgoMs).toISOString() });
    };
    const mock = await startMockProvider(definition.spec, {
      ...fixtures,
      streams: { ...fixtures.streams, exercises: { ...fixtures.streams!.exercises!, records: ({ user }) => (String(user.id) === AVA ? sessions : []) } },
    });
    const urls = mock.urls();
    const auth = definition.spec.auth as Extract<typeof definition.spec.auth, { type: "oauth2" }>;
    const registry = createPluginRegistry([
      { ...definition, spec: { ...definition.spec, auth: { ...auth, authorizeUrl: urls.authorizeUrl!, tokenUrl: urls.tokenUrl! } } },
    ]);
    const pipeline = await startPipeline({
      registry,
      providers: { POLAR: { baseUrl: urls.baseUrl, clientId: MOCK_CLIENT.id, clientSecret: MOCK_CLIENT.secret, backfillDays: 0 } },
    });
    onTestFinished(() => pipeline.close());
    const { ctx } = pipeline;
    const connect = async () => {
      const begun = await ctx.access.auth.beginAuthorization({ provider: "POLAR", referenceId: `ava-${randomUUID()}` });
      const consent = await submitConsent(begun.url, "approve", { username: "ava@example.com", password: "polar-ava" });
      const outcome = await ctx.access.auth.completeAuthorization({ provider: "POLAR", query: new URL(consent.location!).searchParams });
      if (!outcome.ok) expect.fail(JSON.stringify(outcome));
      return outcome.connection;
    };
    /** One pull of the user's sessions over the last `days`, as a connection's backfill or the scheduler's fan-out enqueues it. */
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
    const summaries = (userId: string) =>
      receivedFor(pipeline.receiver, userId, "activity").flatMap((r) =>
        payloadRecords(r.payload).map((entry) => (entry.record as { metadata: { summary_id: string } }).metadata.summary_id),
      );
    return { session, connect, pull, summaries };
  }

  it("a poll delivers a session started 5 days ago and uploaded an hour ago, and not again one started and uploaded 5 days ago; so does the reconciliation", async () => {
    const { session, connect, pull, summaries } = await start();
    session("synced-on-time", 5 * DAY_MS, 5 * DAY_MS - HOUR_MS);
    const user = await connect();
    await pull(user.user_id, "backfill", 30);
    expect(summaries(user.user_id)).toEqual(["synced-on-time"]);

    // The watch syncs an older session now; its push never comes. A poll of the last two days:
    session("synced-late", 5 * DAY_MS, HOUR_MS);
    await pull(user.user_id, "poll", 2);
    expect(summaries(user.user_id)).toEqual(["synced-on-time", "synced-late"]);

    // The daily reconciliation re-reads its two days: what was uploaded in them, as any reconciliation
    // delivers its days again, and one synced since; not the session uploaded 5 days ago.
    session("synced-later", 6 * DAY_MS, HOUR_MS / 2);
    await pull(user.user_id, "reconcile", 2);
    expect(summaries(user.user_id)).toEqual(["synced-on-time", "synced-late", "synced-late", "synced-later"]);
  }, 120_000);
});
