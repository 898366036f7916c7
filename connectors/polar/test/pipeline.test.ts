import { randomUUID } from "node:crypto";
import { describe, expect, it, onTestFinished } from "vitest";
import { payloadRecords } from "@tributary/core/contracts";
import { createPluginRegistry } from "@tributary/core/registry";
import { waitForIdle } from "@tributary/core/runtime";
import { MOCK_CLIENT } from "@tributary/test-kit/connector";
import { startMockProvider, submitConsent } from "@tributary/test-kit/mock-provider";
import { startPipeline, receivedFor } from "../../../core/test/runtime/pipeline.ts";
import { AVA, polar, polarFixtures } from "./polar.ts";

/**
 * POLAR's polls as the runtime runs them (Redis, PostgreSQL, a webhook destination): a poll's pull job
 * reads the exercise transactions, publishes every session, and only then commits the transaction.
 */
describe("POLAR transactions through the pipeline", () => {
  async function start() {
    const definition = polar();
    const mock = await startMockProvider(definition.spec, await polarFixtures(definition));
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
    const begun = await ctx.access.auth.beginAuthorization({ provider: "POLAR", referenceId: `ava-${randomUUID()}` });
    const consent = await submitConsent(begun.url, "approve", { username: "ava@example.com", password: "polar-ava" });
    const outcome = await ctx.access.auth.completeAuthorization({ provider: "POLAR", query: new URL(consent.location!).searchParams });
    if (!outcome.ok) expect.fail(JSON.stringify(outcome));
    const user = outcome.connection;
    /** One poll of the user's sessions, as the scheduler's fan-out enqueues it. */
    const poll = async () => {
      const end = new Date();
      const traceId = randomUUID();
      await ctx.queues.pull.add(
        "POLAR:activity",
        {
          userId: user.user_id,
          provider: "POLAR",
          dataType: "activity",
          start: new Date(end.getTime() - 2 * 86_400_000).toISOString(),
          end: end.toISOString(),
          reason: "poll",
          withSamples: true,
          traceId,
        },
        { jobId: `poll-${traceId}` },
      );
      await waitForIdle(ctx.queues, { timeoutMs: 60_000 });
    };
    const summaries = () =>
      receivedFor(pipeline.receiver, user.user_id, "activity").flatMap((r) =>
        payloadRecords(r.payload).map((entry) => (entry.record as { metadata: { summary_id: string } }).metadata.summary_id),
      );
    return { mock, pipeline, user, poll, summaries };
  }

  it("a poll delivers the transaction's sessions and commits it after they were published; the next poll finds nothing new", async () => {
    const { mock, user, poll, summaries } = await start();
    expect(user.provider_user_id).toBe(AVA);
    // Registered with the client on connect: AccessLink serves a user's transactions only then.
    expect(mock.lifecycleCalls.map((call) => call.phase)).toEqual(["connect"]);
    await poll();
    expect(summaries()).toEqual(["1937529874", "1937530011", "1937530377"]);
    expect(mock.transactions.map((t) => [t.stream, t.state, t.items.length])).toEqual([["exercise_transactions", "committed", 3]]);
    // The commit came after the sessions and their parts were fetched, and no list was read.
    const paths = mock.requests.map((r) => `${r.method} ${r.path}`);
    const commit = paths.findIndex((p) => p.startsWith("PUT ") && p.includes("/exercise-transactions/"));
    expect(paths.slice(commit + 1).filter((p) => p.includes("/exercises/"))).toEqual([]);
    expect(paths.some((p) => p.startsWith("GET /v3/exercises"))).toBe(false);

    await poll();
    expect(summaries()).toHaveLength(3);
    expect(mock.requests.filter((r) => r.method === "POST" && r.path.endsWith("/exercise-transactions")).map((r) => r.status)).toEqual([201, 204, 204]);
  }, 120_000);
});
