import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import type { Job, Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerHandshake } from "../../src/ingress/answer-handshake.ts";
import { silentLogger } from "../../src/log/logger.ts";
import { manualClock, mockFromSpec, type MockProvider } from "../../src/mock-provider/index.ts";
import type { RenewSubscriptionsJobData } from "../../src/queue/topology.ts";
import { createPluginRegistry } from "../../src/registry/plugin-registry.ts";
import { createRuntime, type Runtime } from "../../src/runtime/create-runtime.ts";
import { processRenewSubscriptions } from "../../src/runtime/renew-subscriptions.ts";
import { startScheduler } from "../../src/runtime/scheduler.ts";
import { defineConnector } from "../../src/spec/define-connector.ts";
import type { StateStore } from "../../src/state/index.ts";
import { createSubscriptions, listSubscriptions, subscriptionTarget } from "../../src/subscriptions/index.ts";
import { createUndiciTransport } from "../../src/provider-http/undici-transport.ts";
import { memoryStore, TEST_REDIS_URL } from "../http/test-app.ts";
import { perType } from "./specs.ts";

const DAY = 86_400;

/** The daily job that renews application subscriptions before they expire, on the provider's clock. */
describe("subscription renewal job", () => {
  const clock = manualClock(Date.parse("2026-03-01T00:00:00Z"));
  let mock: MockProvider;
  let runtime: Runtime;
  let store: StateStore;
  let publicUrl: string;
  let closeCallback: () => Promise<void>;
  const settings = () => ({ clientId: "mock-client-id", clientSecret: "mock-client-secret", verifyToken: "tok-1", baseUrl: mock.urls().baseUrl });

  beforeAll(async () => {
    mock = mockFromSpec(perType, { users: [{ id: "u1" }] }, { clock, subscriptions: { lifetimeSeconds: 30 * DAY } });
    await mock.listen();
    const server = createServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      const answer = answerHandshake(perType.webhook!.handshakes!, { method: request.method ?? "GET", query: Object.fromEntries(url.searchParams) }, "tok-1");
      if ("json" in answer) response.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.json));
      else response.writeHead(answer.status).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closeCallback = () => new Promise<void>((resolve) => server.close(() => resolve()));
    publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    store = await memoryStore();
    runtime = createRuntime({
      redisUrl: TEST_REDIS_URL,
      prefix: `test-renew-${randomUUID().slice(0, 12)}`,
      store,
      registry: createPluginRegistry([defineConnector({ spec: perType })]),
      destinations: new Map(),
      providers: { ACME_TYPES: settings() },
      publicUrl,
      log: silentLogger(),
    });
  });
  afterAll(async () => {
    await runtime?.ctx.queues.pull.obliterate({ force: true }).catch(() => undefined);
    await runtime?.close();
    await store?.db.close();
    await mock?.close();
    await closeCallback?.();
  });

  it("is scheduled daily for a provider whose subscriptions expire, and renews those expiring within the spec's week", async () => {
    const ticks = await startScheduler(runtime.ctx);
    expect(ticks).toContainEqual({ id: "renew-ACME_TYPES", provider: "ACME_TYPES", kind: "renew", pattern: "30 3 * * *" });
    const schedulers = await (runtime.ctx.queues.pull as unknown as Queue).getJobSchedulers(0, -1);
    expect(schedulers.find((s) => s.key === "renew-ACME_TYPES")).toMatchObject({ name: "renew-subscriptions:ACME_TYPES", pattern: "30 3 * * *", tz: "UTC" });

    const transport = createUndiciTransport();
    try {
      const target = subscriptionTarget({ spec: perType, settings: settings(), publicUrl, transport });
      await createSubscriptions(target);
      const job = { data: { kind: "renew-subscriptions", provider: "ACME_TYPES" } } as Job<RenewSubscriptionsJobData>;

      clock.advance(20 * DAY);
      expect(await processRenewSubscriptions(runtime.ctx, job, clock.now())).toEqual({ renewed: [] });
      clock.advance(5 * DAY);
      const { renewed } = await processRenewSubscriptions(runtime.ctx, job, clock.now());
      expect(renewed.map((s) => s.expiresAt)).toEqual([Date.parse("2026-04-25T00:00:00Z"), Date.parse("2026-04-25T00:00:00Z")]);
      expect((await listSubscriptions(target)).map((s) => s.expiresAt)).toEqual([Date.parse("2026-04-25T00:00:00Z"), Date.parse("2026-04-25T00:00:00Z")]);
    } finally {
      await transport.close();
    }
  });
});
