import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConnectorSpec } from "@tributary/schemas";
import { defineConnector } from "@tributary/core/contracts";
import { Priority, type PullJobData } from "@tributary/core/queue";
import { createPluginRegistry } from "@tributary/core/registry";
import { until } from "../../../test/kit/until.ts";
import { receivedFor, startPipeline, type Pipeline } from "./pipeline.ts";

const PROVIDER = "THROTTLED";
const START = Date.parse("2026-02-02T00:00:00Z");
const DAY = 86_400_000;

const spec = {
  name: PROVIDER,
  displayName: "Throttled",
  dataTypes: ["activity"],
  auth: { type: "bearer_token" },
  http: { baseUrl: "http://127.0.0.1:1/v1" },
  streams: {
    activity: [
      {
        name: "workouts",
        request: { path: "/users/{provider_user_id}/workouts", query: { from: "{start}", to: "{end}" } },
        dateRange: { start: { format: "datetime" }, end: { format: "datetime" }, maxWindowDays: 31 },
        records: "/data",
        id: "/id",
      },
    ],
  },
  mappings: {
    activity: {
      template: {
        metadata: {
          summary_id: { path: "/id", required: true },
          start_time: { path: "/start", time: { format: "datetime" }, required: true },
          end_time: { path: "/end", time: { format: "datetime" }, required: true },
          type: 1,
          upload_type: 1,
        },
      },
    },
  },
} as unknown as ConnectorSpec;

/**
 * Terra sends `rate_limit_hit` when an asynchronous request of the developer's was refused by the
 * provider's rate limit and will be retried. A provider that answers a member's first request with 429
 * and Retry-After: the developer's on-demand request is reported (with its reference, the request's
 * window and when it is retried), then delivered — its park sends no empty answer; a backfill that meets
 * the same 429 is not reported.
 */
describe("rate_limit_hit", () => {
  let pipeline: Pipeline;
  let provider: Server;
  /** Members the provider has refused once already. */
  const refused = new Set<string>();

  beforeAll(async () => {
    provider = createServer((request, response) => {
      const member = request.url!.split("/")[3]!;
      if (!refused.has(member)) {
        refused.add(member);
        response.writeHead(429, { "retry-after": "2", "content-type": "application/json" }).end('{"error":"slow down"}');
        return;
      }
      const workout = { id: `w-${member}`, start: new Date(START + 7 * 3_600_000).toISOString(), end: new Date(START + 8 * 3_600_000).toISOString() };
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ data: member.startsWith("idle-") ? [] : [workout] }));
    });
    await new Promise<void>((resolve) => provider.listen(0, "127.0.0.1", resolve));
    const baseUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}/v1`;
    pipeline = await startPipeline({ registry: createPluginRegistry([defineConnector({ spec })]), providers: { [PROVIDER]: { baseUrl } } });
  }, 60_000);
  afterAll(async () => {
    await pipeline?.close();
    await new Promise((resolve) => provider?.close(resolve));
  });

  const pull = async (reason: PullJobData["reason"], reference?: string, kind = "member") => {
    const { ctx } = pipeline;
    const member = `${kind}-${randomUUID().slice(0, 8)}`;
    const user = await ctx.store.createConnection({
      provider: PROVIDER,
      providerUserId: member,
      referenceId: `app-${member}`,
      tokens: { auth_type: "bearer_token", access_token: `token-${member}`, obtained_at: Date.now() },
    });
    const data: PullJobData = {
      userId: user.user_id,
      provider: PROVIDER,
      dataType: "activity",
      start: new Date(START).toISOString(),
      end: new Date(START + 3 * DAY).toISOString(),
      reason,
      withSamples: false,
      traceId: randomUUID(),
      ...(reference ? { reference } : {}),
    };
    const job = await ctx.queues.pull.add(`${PROVIDER}:activity`, data, { jobId: `throttled-${user.user_id}`, priority: Priority.live });
    for (let state = await job.getState(); state !== "completed"; state = await job.getState()) {
      expect(state).not.toBe("failed");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await until("the workout delivered", async () => (receivedFor(pipeline.receiver, user.user_id, "activity").length > 0 ? true : undefined), 20_000);
    return { user, data };
  };

  it("reports a developer's request the provider refused, once, before its data", async () => {
    const reference = randomUUID();
    const before = Date.now();
    const { user, data } = await pull("request", reference);
    const hits = receivedFor(pipeline.receiver, user.user_id, "rate_limit_hit");
    expect(hits).toHaveLength(1);
    const [hit] = hits;
    expect(hit!.issues).toEqual([]);
    expect(hit!.reference).toBe(reference);
    expect(Object.keys(hit!.payload).sort()).toEqual(["end_date", "message", "retrying_at", "start_date", "type", "user"]);
    expect(hit!.payload).toMatchObject({
      type: "rate_limit_hit",
      start_date: data.start,
      end_date: data.end,
      user: { user_id: user.user_id, provider: PROVIDER, reference_id: user.reference_id, active: true },
    });
    // Retried about Retry-After from the refusal, written as Terra writes its times.
    const retryingAt = hit!.payload.retrying_at as string;
    expect(retryingAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    expect(Date.parse(retryingAt)).toBeGreaterThanOrEqual(before + 2_000);
    // Sent as the request parks, before its data; and the park sent no empty answer (a Terra app takes an
    // empty payload for its reference as "nothing there"): the request's one payload holds the workout.
    const arrived = receivedFor(pipeline.receiver, user.user_id).map((r) => [r.payload.type, (r.payload.data as unknown[] | undefined)?.length]);
    expect(arrived).toEqual([
      ["rate_limit_hit", undefined],
      ["activity", 1],
    ]);
  }, 60_000);

  it("a request that parked and then found nothing still gets its one empty answer", async () => {
    const { user } = await pull("request", randomUUID(), "idle");
    const arrived = receivedFor(pipeline.receiver, user.user_id).map((r) => [r.payload.type, (r.payload.data as unknown[] | undefined)?.length]);
    expect(arrived).toEqual([
      ["rate_limit_hit", undefined],
      ["activity", 0],
    ]);
  }, 60_000);

  it("says nothing of Tributary's own pulls (a backfill) that met the same refusal", async () => {
    const { user } = await pull("backfill");
    expect(receivedFor(pipeline.receiver, user.user_id, "rate_limit_hit")).toEqual([]);
  }, 60_000);
});
