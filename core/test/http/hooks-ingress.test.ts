import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_NOTIFICATIONS_PER_INGEST_JOB, type IngestJobData } from "../../src/queue/topology.ts";
import { SIGNATURE_HEADER, startTestApp, type TestApp } from "./test-app.ts";

/** Provider push ingress against real Redis: each case uses its own provider accounts and request ids. */
describe("POST /hooks/:provider", () => {
  let t: TestApp;
  let userId: string;
  const providerUserId = `athlete-${randomUUID()}`;

  beforeAll(async () => {
    t = await startTestApp();
    userId = (await t.store.createConnection({ provider: "TESTPUSH", providerUserId })).user_id;
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (path: string, body: string, headers: Record<string, string>, requestId = randomUUID()) =>
    t.app.http().inject({ method: "POST", url: path, payload: Buffer.from(body), headers: { ...headers, "x-request-id": requestId } });

  const notificationsOf = async (requestId: string) =>
    (await t.app.producer.ingest.getJobs(["prioritized", "waiting"])).flatMap((job) =>
      (job.data as IngestJobData).notifications.filter((n) => n.traceId === requestId).map((n) => ({ job, n })),
    );

  it("accepts a correctly signed batch and enqueues its notifications as live ingest work", async () => {
    // Odd spacing, key order and a unicode escape: only a signature over the raw bytes verifies this.
    const body = `{ "events":[ {"kind":"activity","owner_id":"${providerUserId}","records":[{"n":"caf\\u00e9"}]},\n {"owner_id" : "${providerUserId}", "kind":"deleted"} ] }`;
    const requestId = randomUUID();
    const response = await post("/hooks/TESTPUSH", body, t.sign(body), requestId);

    expect(response.statusCode).toBe(200);
    // The ignored notification is acknowledged, not queued.
    expect(response.json()).toEqual({ status: "accepted", notifications: 1, ignored: 1 });
    expect(response.headers["x-request-id"]).toBe(requestId);
    const enqueued = await notificationsOf(requestId);
    expect(enqueued.map(({ n }) => n.eventType).sort()).toEqual(["activity"]);
    const activity = enqueued.find(({ n }) => n.eventType === "activity");
    expect(activity?.n).toMatchObject({ provider: "TESTPUSH", userId, providerUserId, notification: { records: [{ n: "café" }] } });

    // Live work: BullMQ's unprioritized wait list, served before any prioritized (scheduled, backfill) job.
    expect(activity?.job.opts.priority ?? 0).toBe(0);
  });

  it("splits a request of many notifications into ingest jobs of at most MAX_NOTIFICATIONS_PER_INGEST_JOB", async () => {
    const count = MAX_NOTIFICATIONS_PER_INGEST_JOB + 20;
    const body = JSON.stringify({ events: Array.from({ length: count }, (_, i) => ({ kind: "activity", owner_id: providerUserId, records: [{ i }] })) });
    const requestId = randomUUID();
    const response = await post("/hooks/TESTPUSH", body, t.sign(body), requestId);
    expect(response.json()).toEqual({ status: "accepted", notifications: count });
    const enqueued = await notificationsOf(requestId);
    expect(enqueued.map(({ n }) => (n.notification as { records: Array<{ i: number }> }).records[0]!.i).sort((a, b) => a - b)).toEqual(
      Array.from({ length: count }, (_, i) => i),
    );
    const perJob = new Map<string, number>();
    for (const { job } of enqueued) perJob.set(job.id!, (perJob.get(job.id!) ?? 0) + 1);
    expect([...perJob.values()].sort((a, b) => b - a)).toEqual([MAX_NOTIFICATIONS_PER_INGEST_JOB, 20]);
  });

  it("accepts the provider name in any case", async () => {
    const body = JSON.stringify({ events: [{ kind: "activity", owner_id: providerUserId, records: [] }] });
    expect((await post("/hooks/testpush", body, t.sign(body))).statusCode).toBe(200);
  });

  it("rejects a bad signature with 401 and enqueues nothing", async () => {
    const body = JSON.stringify({ events: [{ kind: "activity", owner_id: providerUserId, records: [] }] });
    const requestId = randomUUID();
    const signed = t.sign(body);
    const tampered = { ...signed, [SIGNATURE_HEADER]: signed[SIGNATURE_HEADER]!.replace(/v1=./, (m) => (m.endsWith("0") ? "v1=1" : "v1=0")) };
    const response = await post("/hooks/TESTPUSH", body, tampered, requestId);
    expect(response.statusCode).toBe(401);
    expect(response.json().message).toBe("signature does not match");
    expect((await post("/hooks/TESTPUSH", body, { "content-type": "application/json" })).statusCode).toBe(401);
    // A signature from outside the tolerance window is refused too.
    expect((await post("/hooks/TESTPUSH", body, t.sign(body, Math.floor(Date.now() / 1000) - 3600))).statusCode).toBe(401);
    expect(await notificationsOf(requestId)).toEqual([]);
  });

  it("rejects the exact same request sent again inside the window as a replay", async () => {
    const body = JSON.stringify({ events: [{ kind: "activity", owner_id: providerUserId, records: [{ id: randomUUID() }] }] });
    const headers = t.sign(body);
    expect((await post("/hooks/TESTPUSH", body, headers)).statusCode).toBe(200);
    const replayId = randomUUID();
    const replay = await post("/hooks/TESTPUSH", body, headers, replayId);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().message).toBe("replayed");
    expect(await notificationsOf(replayId)).toEqual([]);
  });

  it("answers 404 for an unknown provider", async () => {
    const body = "{}";
    expect((await post("/hooks/NOT_A_PROVIDER", body, t.sign(body))).statusCode).toBe(404);
  });

  it("answers 400 for a signed body that is not JSON, or not shaped as the provider's notifications", async () => {
    const notJson = "{ not json";
    const bad = await post("/hooks/TESTPUSH", notJson, t.sign(notJson));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/not valid JSON/);

    const noUser = JSON.stringify({ events: [{ kind: "activity" }] });
    const shapeless = await post("/hooks/TESTPUSH", noUser, t.sign(noUser));
    expect(shapeless.statusCode).toBe(400);
    expect(shapeless.json().message).toBe("no user id at /events/0/owner_id");
  });

  it("acknowledges notifications for unknown provider accounts with 200, counts and skips them", async () => {
    const stranger = `stranger-${randomUUID()}`;
    const body = JSON.stringify({
      events: [
        { kind: "activity", owner_id: stranger, records: [] },
        { kind: "activity", owner_id: providerUserId, records: [] },
      ],
    });
    const requestId = randomUUID();
    const response = await post("/hooks/TESTPUSH", body, t.sign(body), requestId);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "accepted", notifications: 1, skipped: 1 });
    expect((await notificationsOf(requestId)).map(({ n }) => n.providerUserId)).toEqual([providerUserId]);
    const counted = await t.app.ctx.metrics.webhooks.get();
    expect(counted.values.find((v) => v.labels.outcome === "unknown_user")?.value).toBe(1);
  });

  it("gives a push for an account connected for several developers or reference_ids to each of its connections", async () => {
    const shared = `shared-${randomUUID()}`;
    const mine = await t.store.createConnection({ provider: "TESTPUSH", providerUserId: shared, developerId: "dev-a", referenceId: "ref-1" });
    const theirs = await t.store.createConnection({ provider: "TESTPUSH", providerUserId: shared, developerId: "dev-b", referenceId: "ref-1" });
    const body = JSON.stringify({ events: [{ kind: "activity", owner_id: shared, records: [{ n: 1 }] }] });
    const requestId = randomUUID();
    const response = await post("/hooks/TESTPUSH", body, t.sign(body), requestId);
    expect(response.json()).toEqual({ status: "accepted", notifications: 2 });
    const enqueued = (await notificationsOf(requestId)).map(({ n }) => n);
    expect(enqueued.map((n) => n.userId).sort()).toEqual([mine.user_id, theirs.user_id].sort());
    // Each its own id, so each user's payloads have trace ids of their own.
    expect(new Set(enqueued.map((n) => n.id)).size).toBe(2);
  });

  it("answers 503 with a clear message when the provider has no secret configured", async () => {
    const body = "{}";
    const response = await post("/hooks/NOSECRET", body, t.sign(body));
    expect(response.statusCode).toBe(503);
    expect(response.json().message).toBe("webhook secret not configured");
  });
});

describe("GET /hooks/:provider (subscription handshake)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = (url: string) => t.app.http().inject({ method: "GET", url });

  it("echoes the challenge as JSON when the verify token matches", async () => {
    const challenge = randomUUID();
    const response = await get(`/hooks/testpush?hub.mode=subscribe&hub.challenge=${challenge}&hub.verify_token=${t.verifyToken}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ "hub.challenge": challenge });
  });

  it("refuses a wrong verify token and a missing challenge", async () => {
    expect((await get(`/hooks/TESTPUSH?hub.challenge=x&hub.verify_token=wrong`)).statusCode).toBe(403);
    expect((await get(`/hooks/TESTPUSH?hub.challenge=x`)).statusCode).toBe(403);
    expect((await get(`/hooks/TESTPUSH?hub.verify_token=${t.verifyToken}`)).statusCode).toBe(400);
  });

  it("answers 404 for providers without a handshake", async () => {
    expect((await get(`/hooks/UNKNOWN?hub.challenge=x`)).statusCode).toBe(404);
  });
});
