import { describe, expect, it } from "vitest";
import { answerHandshake } from "@tributary/core/ingress";
import { manualClock } from "@tributary/core/mock-provider";
import { createUndiciTransport } from "@tributary/core/provider-http";
import { checkSubscriptions, createSubscriptions, listSubscriptions, renewSubscriptions, subscriptionTarget } from "@tributary/core/subscriptions";
import { startPushReceiver } from "@tributary/test-kit/connector";
import { startMockProvider } from "@tributary/test-kit/mock-provider";
import { oura, ouraFixtures } from "./oura.ts";

const definition = oura();
const webhook = definition.spec.webhook!;
const VERIFY_TOKEN = "tributary-oura-verify";
const DAY = 86_400;

describe("OURA webhook subscriptions, per event type and data type, renewed before they expire", () => {
  it("create makes one per event and data type after Oura's challenge; renewal extends those expiring within a week, on Oura's clock", async () => {
    const clock = manualClock(Date.parse("2026-03-01T08:00:00Z"));
    const mock = await startMockProvider(definition.spec, await ouraFixtures(definition), {
      errors: "oura",
      clock,
      subscriptions: { lifetimeSeconds: 30 * DAY },
    });
    const callback = await startPushReceiver("OURA", (request) => {
      const answer = answerHandshake(webhook.handshakes!, { method: request.method, query: Object.fromEntries(request.url.searchParams) }, VERIFY_TOKEN);
      return "json" in answer
        ? { status: answer.status, headers: { "content-type": "application/json" }, body: JSON.stringify(answer.json) }
        : { status: answer.status };
    });
    const transport = createUndiciTransport();
    const target = subscriptionTarget({
      spec: definition.spec,
      settings: { clientId: "mock-client-id", clientSecret: "mock-client-secret", baseUrl: mock.urls().baseUrl, verifyToken: VERIFY_TOKEN },
      publicUrl: callback.url.replace(/\/hooks\/OURA$/, ""),
      transport,
    });
    try {
      const made = await createSubscriptions(target);
      expect(made.created.map((s) => s.key.join(" "))).toEqual([
        "create sleep",
        "update sleep",
        "create workout",
        "update workout",
        "create daily_activity",
        "update daily_activity",
        "create daily_readiness",
        "update daily_readiness",
        "create daily_sleep",
        "update daily_sleep",
      ]);
      // Each after Oura's GET ?verification_token=<ours>&challenge=…, with the client's headers.
      const challenges = callback.received.filter((request) => request.method === "GET");
      expect(challenges).toHaveLength(10);
      expect(challenges[0]!.url.searchParams.get("verification_token")).toBe(VERIFY_TOKEN);
      const listed = await listSubscriptions(target);
      expect(listed).toHaveLength(10);
      expect(listed[0]!.record).toMatchObject({
        callback_url: callback.url,
        event_type: "create",
        data_type: "sleep",
        expiration_time: "2026-03-31T08:00:00Z",
      });
      expect(listed[0]!.expiresAt).toBe(Date.parse("2026-03-31T08:00:00Z"));

      // A second create adds nothing: every key is there.
      expect((await createSubscriptions(target)).created).toEqual([]);

      // Three weeks on, nothing expires within a week; four weeks on, all do.
      clock.advance(21 * DAY);
      expect(await renewSubscriptions(target, { now: clock.now() })).toEqual([]);
      clock.advance(7 * DAY);
      const renewed = await renewSubscriptions(target, { now: clock.now() });
      expect(renewed).toHaveLength(10);
      expect(renewed[0]).toEqual({ id: listed[0]!.id, was: Date.parse("2026-03-31T08:00:00Z"), expiresAt: Date.parse("2026-04-28T08:00:00Z") });
      const puts = mock.requests.filter((request) => request.method === "PUT");
      expect(puts.map((request) => request.path)).toContain(`/v2/webhook/subscription/renew/${listed[0]!.id}`);
      expect((await checkSubscriptions(target, { now: clock.now(), configured: {} })).ok).toBe(true);

      // Not renewed in time, they lapse: show says so.
      clock.advance(31 * DAY);
      const lapsed = await checkSubscriptions(target, { now: clock.now(), configured: {} });
      expect(lapsed.ok).toBe(false);
      expect(lapsed.problems).toHaveLength(10);
      expect(lapsed.problems[0]).toMatch(/expired on 2026-04-28T08:00:00\.000Z/);
    } finally {
      await transport.close();
    }
  });
});
