import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./test-app.ts";
import { freePort } from "@tributary/test-kit";

async function until<T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await attempt().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A private, in-memory redis-server: this test stops and restarts it (never the machine's own). */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  await until(`redis-server on port ${port}`, async () => {
    const probe = new Redis({ port, host: "127.0.0.1", lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on("error", () => undefined);
    try {
      await probe.connect();
      return (await probe.ping()) === "PONG" ? true : undefined;
    } finally {
      probe.disconnect();
    }
  });
  return child;
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

describe("provider push while Redis is down", () => {
  let port: number;
  let redis: ChildProcess | undefined;
  let t: TestApp;
  let url: string;
  let providerUserId: string;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    t = await startTestApp({ redisUrl: `redis://127.0.0.1:${port}` });
    providerUserId = `athlete-${randomUUID()}`;
    await t.store.createConnection({ provider: "TESTPUSH", providerUserId });
    url = (await t.app.startHttp({ host: "127.0.0.1", port: 0 })).url;
  });
  afterAll(async () => {
    await t?.close();
    await stop(redis);
  });

  // Every request is a new notification, signed now, so none of them is a replay of another.
  const push = () => {
    const body = JSON.stringify({ events: [{ kind: "activity", owner_id: providerUserId, records: [{ id: randomUUID() }] }] });
    return fetch(`${url}/hooks/TESTPUSH`, { method: "POST", body, headers: t.sign(body), signal: AbortSignal.timeout(5000) });
  };

  it("answers 503 with Retry-After instead of hanging, and accepts again once Redis is back", async () => {
    expect((await push()).status).toBe(200);

    await stop(redis);
    const refused = await push();
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("5");
    expect(await refused.json()).toEqual({ status: "error", message: "queue unavailable, retry later" });
    const ready = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(5000) });
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: "error", checks: { redis: "unavailable", database: "ok" } });

    redis = await startRedis(port);
    const accepted = await until("a push to be accepted again", async () => {
      const response = await push();
      return response.status === 200 ? response : undefined;
    });
    expect(await accepted.json()).toEqual({ status: "accepted", notifications: 1 });
    expect(await t.app.producer.ingest.count()).toBe(1);
  });
});
