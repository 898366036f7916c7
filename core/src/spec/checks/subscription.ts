import type { RequestSpec } from "@tributary/schemas";
import { eventTypeOf } from "../../ingress/event-type.ts";
import { selectAction } from "../../ingress/select-action.ts";
import { compilePointer } from "../pointer.ts";
import type { SpecPath } from "../spec-problem.ts";
import type { Check } from "./check.ts";
import { requestTemplates, subscriptionRequests } from "./spec-parts.ts";
import { usesVariable } from "./streams.ts";

/**
 * The webhook's application subscription: its requests are the application's, create names our callback
 * and delete/renew the subscription, every key and setting can be read, renewal knows when a
 * subscription expires, and a ping is a push the webhook ignores.
 */
export const checkSubscription: Check = ({ spec }, report) => {
  const webhook = spec.webhook;
  const subscription = webhook?.subscription;
  if (!webhook || !subscription) return;
  const at: SpecPath = ["webhook", "subscription"];

  for (const { request, path } of subscriptionRequests(spec)) {
    const auth = request.auth ?? "user";
    if (auth === "user")
      report(
        [...path, "auth"],
        "a subscription is the application's, and no user's credentials are at hand — authenticate as the client (client_basic, or { in, id, secret }), or none",
      );
  }
  subscription.create.forEach((request, i) => {
    if (!uses(request, "webhook_url"))
      report([...at, "create", i], "never names our callback: put {webhook_url} where the provider wants the URL it will post to");
    for (const [k, pointer] of (subscription.fields.key ?? []).entries()) {
      if (compilePointer(pointer)(request.body) === undefined)
        report(
          [...at, "create", i, "body"],
          `has nothing at ${JSON.stringify(pointer)} (fields.key[${k}]), so its subscription cannot be told from the others — add it to the body`,
        );
    }
  });
  if (!uses(subscription.delete, "subscription_id")) report([...at, "delete"], "never names the subscription: use {subscription_id} in its path or query");
  if (subscription.renew) {
    if (!uses(subscription.renew.request, "subscription_id"))
      report([...at, "renew", "request"], "never names the subscription: use {subscription_id} in its path or query");
    if (!subscription.fields.expires)
      report([...at, "renew"], "renews before expiry, and fields.expires does not say where a subscription's expiry is — add it");
  }

  const verify = webhook.verify;
  // The secret a push is verified with: none for unsigned providers.
  const secret = verify.scheme === "none" ? undefined : "secret" in verify && verify.secret === "clientSecret" ? "clientSecret" : "pushSecret";
  subscription.settings?.forEach((setting, i) => {
    if (setting.setting === "pushSecret" && secret !== "pushSecret") {
      report(
        [...at, "settings", i, "setting"],
        `nothing reads pushSecret: webhook.verify (${verify.scheme}) ${secret === undefined ? "checks no secret" : "is keyed by the client secret"}`,
      );
    }
  });

  const ping = subscription.ping;
  if (ping) {
    if (secret === undefined) report([...at, "ping"], `never needed: webhook.verify (${verify.scheme}) checks no signature a ping could fail — remove it`);
    const matches = Object.entries(ping.when).every(([pointer, value]) => text(compilePointer(pointer)(ping.example)) === text(value));
    if (!matches) report([...at, "ping", "example"], "does not match ping.when: write the ping as the provider sends it");
    const action = selectAction(webhook, webhook.batch ? undefined : eventTypeOf(webhook.eventType, ping.example), ping.example);
    if (webhook.batch) report([...at, "ping"], "a batched webhook's pushes hold several notifications: a ping is one push with one notification");
    else if (action?.action !== "ignore") report([...at, "ping"], "its event must be ignored (webhook.events): answering it is all a ping asks");
  }
};

const uses = (request: RequestSpec, variable: string): boolean =>
  usesVariable(
    requestTemplates(request, []).map((t) => t.text),
    variable,
  );

const text = (value: unknown): string => (value === undefined || value === null ? "" : String(value));
