import { describe, expect, it } from "vitest";
import { answerHandshake } from "@tributary/core/ingress";
import { createUndiciTransport } from "@tributary/core/provider-http";
import { checkSubscriptions, createSubscriptions, deleteSubscriptions, listSubscriptions, subscriptionTarget } from "@tributary/core/subscriptions";
import { startPushReceiver, type PushReceiver } from "@tributary/test-kit/connector";
import { startMockProvider } from "@tributary/test-kit/mock-provider";
import { strava, stravaFixtures } from "./strava.ts";

const definition = strava();
const webhook = definition.spec.webhook!;
const VERIFY_TOKEN = "tributary-strava-verify";
const client = { clientId: "mock-client-id", clientSecret: "mock-client-secret" };

/** Our callback: the ingress's own answer to Strava's hub.challenge GET, for the configured verify token. */
async function ourCallback(verifyToken = VERIFY_TOKEN): Promise<PushReceiver> {
  return startPushReceiver("STRAVA", (request) => {
    const answer = answerHandshake(webhook.handshakes!, { method: request.method, query: Object.fromEntries(request.url.searchParams) }, verifyToken);
    return "json" in answer
      ? { status: answer.status, headers: { "content-type": "application/json" }, body: JSON.stringify(answer.json) }
      : { status: answer.status };
  });
}

describe("STRAVA push subscription, one per application", () => {
  const setup = async (callback: PushReceiver, settings: { verifyToken?: string; options?: Record<string, unknown> } = {}) => {
    const mock = await startMockProvider(definition.spec, await stravaFixtures(definition), { errors: "strava" });
    const transport = createUndiciTransport();
    const publicUrl = callback.url.replace(/\/hooks\/STRAVA$/, "");
    const target = subscriptionTarget({
      spec: definition.spec,
      settings: { ...client, baseUrl: mock.urls().baseUrl, verifyToken: settings.verifyToken ?? VERIFY_TOKEN, options: settings.options },
      publicUrl,
      transport,
    });
    return { mock, target, close: () => transport.close() };
  };

  it("create: Strava checks our callback with hub.challenge and our verify token, then answers the id to configure; show checks it; delete removes it", async () => {
    const callback = await ourCallback();
    const { mock, target, close } = await setup(callback);
    try {
      const outcome = await createSubscriptions(target);
      expect(outcome.existing).toEqual([]);
      expect(outcome.created).toHaveLength(1);
      const id = outcome.created[0]!.id;
      expect(outcome.created[0]!.settings).toEqual([{ setting: "options.subscription_id", value: id }]);

      // The check came before the answer: GET ?hub.mode=subscribe&hub.challenge=…&hub.verify_token=<ours>.
      const check = callback.received.find((request) => request.method === "GET")!;
      expect(Object.fromEntries(check.url.searchParams)).toMatchObject({
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": expect.any(String),
      });
      // The application's credentials went in the form body, the URL and token as Strava wants them.
      const post = mock.requests.find((request) => request.method === "POST" && request.path === "/api/v3/push_subscriptions")!;
      expect(post.status).toBe(201);

      // Strava's list: the documented fields, our callback.
      const listed = await listSubscriptions(target);
      expect(listed).toEqual([expect.objectContaining({ id, callbackUrl: callback.url, ours: true })]);
      expect(listed[0]!.record).toMatchObject({ id: Number(id), resource_state: 2, callback_url: callback.url, created_at: expect.any(String) });
      expect(mock.requests.find((request) => request.method === "GET" && request.path === "/api/v3/push_subscriptions")!.query).toMatchObject({
        client_id: "mock-client-id",
        client_secret: "mock-client-secret",
      });

      // show: the subscription id pushes carry must be the configured one.
      const unset = await checkSubscriptions(target, { now: Date.now(), configured: {} });
      expect(unset.ok).toBe(false);
      expect(unset.problems).toEqual([
        `providers.STRAVA.options.subscription_id is not set, and the subscription's is "${id}": pushes naming it are refused until it is set`,
      ]);
      expect((await checkSubscriptions(target, { now: Date.now(), configured: { subscription_id: id } })).ok).toBe(true);

      // A second create sends nothing: the subscription is there.
      const again = await createSubscriptions(target);
      expect(again.created).toEqual([]);
      expect(again.existing.map((s) => s.id)).toEqual([id]);
      expect(mock.requests.filter((request) => request.method === "POST")).toHaveLength(1);

      expect(await deleteSubscriptions(target)).toEqual([id]);
      expect(mock.requests.find((request) => request.method === "DELETE")).toMatchObject({ path: `/api/v3/push_subscriptions/${id}`, status: 204 });
      expect(await listSubscriptions(target)).toEqual([]);
      const gone = await checkSubscriptions(target, { now: Date.now(), configured: { subscription_id: id } });
      expect(gone.problems).toEqual([`no subscription posts to ${callback.url}: make it with tributary subscriptions create STRAVA`]);
    } finally {
      await close();
    }
  });

  it("Strava refuses the subscription when our callback does not echo the challenge for its verify token", async () => {
    const callback = await ourCallback("another-token");
    const { mock, target, close } = await setup(callback);
    try {
      await expect(createSubscriptions(target)).rejects.toThrow(/push_subscriptions answered 400.*callback url/);
      expect(mock.subscriptions!.get("mock-client-id") ?? []).toEqual([]);
    } finally {
      await close();
    }
  });

  it("one per application: a subscription posting elsewhere is named, with how to delete it, before Strava is asked", async () => {
    const elsewhere = await ourCallback();
    const first = await setup(elsewhere);
    const ours = await ourCallback();
    const transport = createUndiciTransport();
    const target = subscriptionTarget({
      spec: definition.spec,
      settings: { ...client, baseUrl: first.mock.urls().baseUrl, verifyToken: VERIFY_TOKEN },
      publicUrl: ours.url.replace(/\/hooks\/STRAVA$/, ""),
      transport,
    });
    try {
      const [made] = (await createSubscriptions(first.target)).created;
      await expect(createSubscriptions(target)).rejects.toMatchObject({
        code: "ERR_SUBSCRIPTION_CONFLICT",
        hint: expect.stringContaining(`tributary subscriptions delete STRAVA --id ${made!.id}`),
      });
      // Strava itself refuses a second one, as its API does.
      const posted = await target.session.send(definition.spec.webhook!.subscription!.create[0]!).catch((error: Error) => error);
      expect(String(posted)).toMatch(/400.*already exists/);
    } finally {
      await transport.close();
      await first.close();
    }
  });

  it("the client's credentials are checked: a wrong secret is refused", async () => {
    const callback = await ourCallback();
    const mock = await startMockProvider(definition.spec, await stravaFixtures(definition), { errors: "strava" });
    const transport = createUndiciTransport();
    const target = subscriptionTarget({
      spec: definition.spec,
      settings: { clientId: "mock-client-id", clientSecret: "wrong", baseUrl: mock.urls().baseUrl, verifyToken: VERIFY_TOKEN },
      publicUrl: callback.url.replace(/\/hooks\/STRAVA$/, ""),
      transport,
    });
    try {
      await expect(listSubscriptions(target)).rejects.toMatchObject({ code: "ERR_AUTH_INVALID", hint: "Check providers.STRAVA.clientId and clientSecret." });
    } finally {
      await transport.close();
    }
  });
});
