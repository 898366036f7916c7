import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendPush, signPush } from "../../src/mock-provider/index.ts";
import { startSpecPushApp, type SpecPushApp } from "./spec-push-app.ts";

/**
 * Polar signs the PING it sends when its webhook is created with a key it shows only in the answer that
 * follows: the ingress answers that ping whatever its signature, before the key is configured and after
 * it changes, and still refuses everything else.
 */
describe("the subscription's ping", () => {
  let t: SpecPushApp;
  beforeAll(async () => {
    t = await startSpecPushApp({ withoutPushSecret: ["POLAR"] });
    await t.store.createConnection({ provider: "POLAR", providerUserId: "475" });
  }, 90_000);
  afterAll(async () => {
    await t?.close();
  });

  const send = async (payload: unknown, secret: string) => {
    const webhook = t.definitions.POLAR!.spec.webhook!;
    const requestId = randomUUID();
    const push = signPush({ verify: webhook.verify, payload, secret });
    const response = await sendPush(`${t.url}/hooks/POLAR`, { ...push, headers: { ...push.headers, "x-request-id": requestId } });
    return { ...response, enqueued: () => t.enqueued(requestId) };
  };

  it("with no push secret configured yet: the PING is answered 200 and nothing is queued; any other push is 503", async () => {
    const ping = await send({ event: "PING", timestamp: new Date().toISOString() }, "the-new-key");
    expect(ping.status).toBe(200);
    expect(JSON.parse(ping.body)).toEqual({ status: "accepted", notifications: 0, ignored: 1 });
    expect(await ping.enqueued()).toEqual([]);
    const exercise = await send(
      { event: "EXERCISE", user_id: 475, entity_id: "aQlC83", url: "https://www.polaraccesslink.com/v3/exercises/aQlC83" },
      "the-new-key",
    );
    expect(exercise.status).toBe(503);
    expect(await exercise.enqueued()).toEqual([]);
  });

  it("a push shaped like a ping but saying something else is not one", async () => {
    const response = await send({ event: "PINGS", timestamp: new Date().toISOString() }, "the-new-key");
    expect(response.status).toBe(503);
  });
});
