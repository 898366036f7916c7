import { describe, expect, it } from "vitest";
import { readPush } from "@tributary/core/authoring";
import { checkWebhookVerification, pushSettings, verifyPush } from "@tributary/core/ingress";
import { signPush } from "@tributary/core/mock-provider";
import { SAM, wahoo } from "./wahoo.ts";

const definition = wahoo();
const webhook = definition.spec.webhook!;
const verify = webhook.verify as Extract<typeof webhook.verify, { scheme: "token" }>;

/** The ingress's own check of a push, with the app's webhook token as providers.WAHOO.pushSecret. */
function tokenMatches(raw: Buffer, secret: string): boolean {
  const settings = pushSettings(definition.spec, { pushSecret: secret });
  if (!settings.ok) throw new Error(settings.problem);
  return verifyPush(definition, { headers: { "content-type": "application/json" }, rawBody: raw, query: {} }, settings.settings).ok;
}

describe("WAHOO pushes", () => {
  const secret = "wahoo-app-webhook-token-3f1c";

  it("the mock writes the app's token into the body; a push carrying it is accepted, any other refused", () => {
    const push = signPush({ verify, payload: webhook.examples![0]!.body, secret });
    expect(push.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(push.body.toString("utf8"))).toMatchObject({ webhook_token: secret, event_type: "workout_summary", user: { id: 60462 } });
    expect(tokenMatches(push.body, secret)).toBe(true);
    for (const other of [`${secret}x`, "", secret.toUpperCase()])
      expect(tokenMatches(signPush({ verify, payload: webhook.examples![0]!.body, secret: other }).body, secret)).toBe(false);
    expect(tokenMatches(Buffer.from(JSON.stringify({ event_type: "workout_summary" })), secret)).toBe(false);
  });

  it("passes the ingress's verification checks", () => {
    const checks = checkWebhookVerification(definition);
    expect(checks.filter((c) => c.status === "fail")).toEqual([]);
    expect(checks.filter((c) => c.status === "pass").length).toBeGreaterThan(1);
  });

  it("names its user by user.id and the workout to fetch (with its file) by workout_summary.workout.id; other events are acknowledged", () => {
    const [notification] = readPush(webhook, webhook.examples![0]!.body);
    expect(notification).toMatchObject({
      providerUserId: SAM,
      eventType: "workout_summary",
      action: { action: "pull_object", dataType: "activity", id: "/workout_summary/workout/id" },
    });
    expect((notification!.document as any).workout_summary.workout.id).toBe(774300);
    const stream = definition.spec.streams!.activity![0]!;
    expect(stream.object!.request.path).toBe("/v1/workouts/{object_id}");
    expect(stream.details).toMatchObject([{ name: "fit", url: "/workout_summary/file/url", decode: "fit" }]);
    const [other] = readPush(webhook, { event_type: "plan_updated", webhook_token: "t", user: { id: 60462 } });
    expect(other!.action).toMatchObject({ action: "ignore" });
  });
});
