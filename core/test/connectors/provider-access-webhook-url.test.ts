import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProviderAccess } from "../../src/connectors/provider-access.ts";
import { providerWebhookUrl } from "../../src/ingress/webhook-url.ts";
import { silentLogger } from "../../src/log/logger.ts";
import { createUndiciTransport } from "../../src/provider-http/undici-transport.ts";
import { createPluginRegistry } from "../../src/registry/plugin-registry.ts";
import { defineConnector } from "../../src/spec/define-connector.ts";
import type { StateStore } from "../../src/state/index.ts";
import { memoryStore } from "../http/test-app.ts";
import { dropKeys, reply, startMockProvider, TEST_REDIS_URL, uniquePrefix, type MockProvider } from "../provider-http/helpers.ts";

/** Lifecycle requests that subscribe a user to pushes name our callback: `{webhook_url}` is `<publicUrl>/hooks/<NAME>`. */
describe("provider access: {webhook_url} in lifecycle requests", () => {
  let provider: MockProvider;
  let store: StateStore;
  let redis: Redis;
  const prefix = uniquePrefix();
  const transport = createUndiciTransport();

  beforeAll(async () => {
    provider = await startMockProvider((app) => {
      app.get("/me", (_request, response) => reply(response, 200, { id: "u-1" }));
      app.post("/notify", (_request, response) => reply(response, 200, { status: 0 }));
    });
    store = await memoryStore();
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await transport.close();
    await provider?.close();
    await store?.db.close();
    await dropKeys(redis, prefix);
    redis?.disconnect();
  });

  it("a user's subscription made at connect names <publicUrl>/hooks/<NAME>", async () => {
    const spec = {
      name: "ACME_NOTIFY",
      displayName: "Acme",
      dataTypes: ["activity"],
      auth: {
        type: "bearer_token",
        providerUserId: { from: "request", request: { path: "/me" }, path: "/id" },
        lifecycle: { connect: [{ method: "POST", path: "/notify", bodyEncoding: "form", body: { action: "subscribe", callbackurl: "{webhook_url}" } }] },
      },
      http: { baseUrl: provider.url },
      streams: { activity: [{ name: "workouts", request: { path: "/workouts" }, id: "/id" }] },
      mappings: { activity: { template: { metadata: { summary_id: { path: "/id", required: true } } } } },
    } as const;
    const registry = createPluginRegistry([defineConnector({ spec: spec as never })]);
    const access = createProviderAccess({
      registry,
      providers: { ACME_NOTIFY: {} },
      store,
      redis,
      prefix,
      transport,
      redirectUri: (name) => `https://tributary.example/auth/${name}/callback`,
      webhookUrl: (name) => providerWebhookUrl("https://tributary.example/", name),
      log: silentLogger(),
    });
    const outcome = await access.auth.connectWithToken({ provider: "ACME_NOTIFY", token: "pasted" });
    expect(outcome.ok).toBe(true);
    const subscribe = provider.requests.find((request) => request.path === "/notify")!;
    expect(subscribe.body).toEqual({ action: "subscribe", callbackurl: "https://tributary.example/hooks/ACME_NOTIFY" });
  });
});
