import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isSubscriptionPing, pushSettings, verifyPush } from "@tributary/core/ingress";
import { createUndiciTransport } from "@tributary/core/provider-http";
import { checkSubscriptions, createSubscriptions, deleteSubscriptions, listSubscriptions, subscriptionTarget } from "@tributary/core/subscriptions";
import { headerOf, startPushReceiver, type PushReceiver } from "@tributary/test-kit/connector";
import { startMockProvider } from "@tributary/test-kit/mock-provider";
import { polar, polarFixtures } from "./polar.ts";

const definition = polar();

/** Our callback as the ingress answers it: verified pushes, and the subscription's PING whatever its signature. */
async function ourCallback(pushSecret?: string): Promise<PushReceiver> {
  return startPushReceiver("POLAR", (request) => {
    const settings = pushSettings(definition.spec, { pushSecret });
    const verified = settings.ok ? verifyPush(definition, { headers: request.headers, rawBody: request.rawBody, query: {} }, settings.settings) : undefined;
    if (verified?.ok || isSubscriptionPing(definition.spec.webhook!, request.rawBody)) return { status: 200 };
    return { status: verified ? 401 : 503 };
  });
}

describe("POLAR client webhook, made by a command", () => {
  const setup = async (callback: PushReceiver) => {
    const mock = await startMockProvider(definition.spec, await polarFixtures(definition));
    const transport = createUndiciTransport();
    const target = subscriptionTarget({
      spec: definition.spec,
      settings: { clientId: "mock-client-id", clientSecret: "mock-client-secret", baseUrl: mock.urls().baseUrl },
      publicUrl: callback.url.replace(/\/hooks\/POLAR$/, ""),
      transport,
    });
    return { mock, target, close: () => transport.close() };
  };

  it("create: Polar PINGs our callback, signed with the new webhook's key, before its answer shows that key once", async () => {
    const callback = await ourCallback();
    const { mock, target, close } = await setup(callback);
    try {
      const { created } = await createSubscriptions(target);
      expect(created).toHaveLength(1);
      const [{ setting, value: key }] = created[0]!.settings as [{ setting: string; value: string }];
      expect(setting).toBe("pushSecret");

      // The PING came first, signed with that key (hex HMAC-SHA256 of the raw body).
      const [ping] = callback.received;
      expect(JSON.parse(ping!.rawBody.toString("utf8"))).toEqual({ event: "PING", timestamp: "2026-03-01T08:00:00Z" });
      expect(headerOf(ping!, "polar-webhook-signature")).toBe(createHmac("sha256", key).update(ping!.rawBody).digest("hex"));

      // The webhook as Polar lists it: its events, our URL, and never its key.
      const [listed] = await listSubscriptions(target);
      expect(listed).toMatchObject({ id: created[0]!.id, ours: true });
      expect(listed!.record).toEqual({
        id: created[0]!.id,
        events: ["EXERCISE", "SLEEP", "ACTIVITY_SUMMARY", "PHYSICAL_INFORMATION"],
        url: callback.url,
        active: true,
      });
      expect(mock.requests.find((request) => request.method === "GET" && request.path === "/v3/webhooks")!.status).toBe(200);
      expect((await checkSubscriptions(target, { now: Date.now(), configured: {} })).ok).toBe(true);

      // Configured with that key, the ingress verifies Polar's pushes.
      const configured = await ourCallback(key);
      const push = await mock.pushExample(configured.url, 0, { secret: key });
      expect(push.status).toBe(200);

      expect(await deleteSubscriptions(target)).toEqual([created[0]!.id]);
      expect(await listSubscriptions(target)).toEqual([]);
    } finally {
      await close();
    }
  });

  it("a callback that does not answer the PING with 200 gets no webhook", async () => {
    const refusing = await startPushReceiver("POLAR", () => ({ status: 401 }));
    const { mock, target, close } = await setup(refusing);
    try {
      await expect(createSubscriptions(target)).rejects.toThrow(/v3\/webhooks answered 400.*PING|ping was answered 401/);
      expect(mock.subscriptions!.get("mock-client-id") ?? []).toEqual([]);
    } finally {
      await close();
    }
  });
});
