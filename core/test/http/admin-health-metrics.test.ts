import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliveryBodies } from "../../src/runtime/delivery-bodies.ts";
import type { DeadDeliveryData } from "../../src/queue/topology.ts";
import { startTestApp, type TestApp } from "./test-app.ts";

describe("health, metrics and admin routes", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const inject = (method: "GET" | "POST", url: string, headers: Record<string, string> = {}) => t.app.http().inject({ method, url, headers });
  const admin = (method: "GET" | "POST", url: string) => inject(method, url, { "x-api-key": t.apiKey });

  it("reports live and ready when Redis and the database answer", async () => {
    expect((await inject("GET", "/health/live")).json()).toEqual({ status: "ok", pid: process.pid });
    const ready = await inject("GET", "/health/ready");
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: "ok", checks: { redis: "ok", database: "ok" } });
  });

  it("exposes webhook outcomes and the hooks request duration in Prometheus text", async () => {
    const body = "{}";
    await inject("GET", `/hooks/TESTPUSH?hub.challenge=c&hub.verify_token=${t.verifyToken}`);
    await t.app
      .http()
      .inject({ method: "POST", url: "/hooks/TESTPUSH", payload: body, headers: { "content-type": "application/json", "x-test-signature": "t=1,v1=00" } });
    // The public port is the internet's: its metrics are for API key holders (Prometheus: basic auth).
    expect((await inject("GET", "/metrics")).statusCode).toBe(401);
    const response = await inject("GET", "/metrics", { authorization: `Basic ${Buffer.from(`prometheus:${t.apiKey}`).toString("base64")}` });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/plain/);
    const text = response.body;
    expect(text).toContain('tributary_provider_webhooks_total{provider="TESTPUSH",outcome="challenge"} 1');
    expect(text).toContain('tributary_provider_webhooks_total{provider="TESTPUSH",outcome="rejected_signature"} 1');
    expect(text).toMatch(/tributary_http_request_duration_seconds_count\{method="POST",route="\/hooks\/:provider",status_code="401"\} 1/);
    expect(text).toContain("tributary_jobs_total");
    expect(text).toContain("tributary_process_");
  });

  it("guards the admin routes with the API key: header, or basic auth with the key as password", async () => {
    const none = await inject("GET", "/admin/dead-letters");
    expect(none.statusCode).toBe(401);
    expect(none.headers["www-authenticate"]).toMatch(/^Basic/);
    expect((await inject("GET", "/admin/dead-letters", { "x-api-key": "wrong-key-of-some-length" })).statusCode).toBe(401);
    expect((await inject("GET", "/admin/queues")).statusCode).toBe(401);

    const basic = `Basic ${Buffer.from(`operator:${t.apiKey}`).toString("base64")}`;
    const dashboard = await inject("GET", "/admin/queues", { authorization: basic });
    expect(dashboard.statusCode).toBe(200);
    expect(dashboard.body).toContain("<title>Tributary</title>");
    const queues = await inject("GET", "/admin/queues/api/queues", { authorization: basic });
    expect(
      queues
        .json()
        .queues.map((q: { name: string }) => q.name)
        .sort(),
    ).toEqual(["deliver-sink", "ingest", "pull"]);
  });

  it("shows quarantined records to operators, with the reason and the raw payload", async () => {
    const userId = randomUUID();
    const issues = [{ path: "metadata.type", rule: "enum", message: "metadata.type: 999 is not a known ActivityType" }];
    await t.store.quarantineRecord({
      userId,
      provider: "SANDBOX",
      dataType: "activity",
      record: { metadata: { type: 999 } },
      raw: { sport: "?" },
      issues,
      traceId: randomUUID(),
    });
    expect((await inject("GET", `/admin/quarantine?user_id=${userId}`)).statusCode).toBe(401);
    const listed = await admin("GET", `/admin/quarantine?user_id=${userId}`);
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toMatchObject({ status: "ok", total: 1, records: [{ user_id: userId, data_type: "activity", issues, raw: { sport: "?" } }] });
    expect((await admin("GET", "/admin/quarantine?limit=0")).statusCode).toBe(400);
  });

  it("lists dead letters and replays one once, as a fresh deliver job with the full retry budget and its payload stored again", async () => {
    const traceId = randomUUID();
    const destination = "sink";
    const payloadJson = JSON.stringify({ type: "auth", status: "success", user: { user_id: randomUUID(), provider: "TESTPUSH" } });
    const jobData: DeadDeliveryData = { destination, traceId, orderingTimestamp: Date.now(), eventType: "auth", payloadJson };
    const id = await t.store.addDeadLetter({ queue: "deliver", jobName: destination, jobData, destination, traceId, error: "receiver said 500", attempts: 4 });

    const list = await admin("GET", `/admin/dead-letters?destination=${destination}`);
    expect(list.statusCode).toBe(200);
    expect(list.json().dead_letters).toEqual([expect.objectContaining({ id, destination, trace_id: traceId, attempts: 4, replayed_at: null })]);
    expect(list.json().dead_letters[0]).not.toHaveProperty("job_data");

    const replayed = await admin("POST", `/admin/dead-letters/${id}/replay`);
    expect(replayed.statusCode).toBe(200);
    expect(replayed.json()).toMatchObject({ status: "replayed", id, queue: "deliver" });
    const job = await t.app.producer.deliverTo(destination).getJob(replayed.json().job_id);
    const { payloadJson: _carried, ...deliverData } = jobData;
    expect(job?.data).toEqual({ ...deliverData, bodyRef: replayed.json().job_id });
    expect((await deliveryBodies(t.app.ctx).get(replayed.json().job_id))?.toString("utf8")).toBe(payloadJson);
    expect(job?.opts.attempts).toBe(4);
    expect(job?.opts.backoff).toEqual({ type: "delivery" });

    const again = await admin("POST", `/admin/dead-letters/${id}/replay`);
    expect(again.statusCode).toBe(409);
    expect((await admin("GET", `/admin/dead-letters?destination=${destination}`)).json().dead_letters).toEqual([]);
    expect((await admin("GET", `/admin/dead-letters?destination=${destination}&include_replayed=true`)).json().dead_letters).toHaveLength(1);
    expect((await admin("POST", `/admin/dead-letters/999999999/replay`)).statusCode).toBe(404);
    expect((await admin("POST", `/admin/dead-letters/abc/replay`)).statusCode).toBe(400);
  });
});

describe("with an admin listener (server.admin)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ server: "{ admin: { host: 127.0.0.1, port: 0 } }" });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("serves /metrics (open) and /admin (API key) there, and neither on the public port", async () => {
    const { url, adminUrl } = await t.app.startHttp({ host: "127.0.0.1", port: 0 });
    expect(adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(adminUrl).not.toBe(url);

    const metrics = await fetch(`${adminUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain("tributary_jobs_total");
    expect((await fetch(`${adminUrl}/admin/dead-letters`)).status).toBe(401);
    expect((await fetch(`${adminUrl}/admin/dead-letters`, { headers: { "x-api-key": t.apiKey } })).status).toBe(200);
    expect((await fetch(`${adminUrl}/health/ready`)).status).toBe(200);

    expect((await fetch(`${url}/metrics`)).status).toBe(404);
    expect((await fetch(`${url}/metrics`, { headers: { "x-api-key": t.apiKey } })).status).toBe(404);
    expect((await fetch(`${url}/admin/dead-letters`, { headers: { "x-api-key": t.apiKey } })).status).toBe(404);
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
  });
});
