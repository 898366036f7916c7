import type { Check } from "./check.ts";
import { specActions } from "./spec-parts.ts";

const CLIENT_AUTH_TYPES = new Set(["oauth2", "oauth2_password"]);
const ACCOUNT_AUTH_TYPES = new Set(["oauth2", "oauth2_password", "bearer_token", "api_key"]);

/**
 * The push webhook: every event can be reached, pull_object finds a stream that fetches objects, the
 * verification scheme has what it needs, and a push can be matched to a connection.
 */
export const checkWebhook: Check = ({ spec, hooks }, report) => {
  const webhook = spec.webhook;
  if (!webhook) {
    if (hooks.verify) report(["hooks", "verify"], "never called: the connector has no webhook — remove it, or declare webhook with verify.scheme: hook", true);
    return;
  }

  // With a `keys` batch the key each notification came under is its event type.
  if (webhook.eventType === undefined && webhook.batch?.type !== "keys") {
    for (const eventType of Object.keys(webhook.events)) {
      if (eventType !== "*")
        report(
          ["webhook", "events", eventType],
          `never matched: without webhook.eventType (or a keys batch) every notification is "*" — add eventType (where the event type is), or key this "*"`,
          true,
        );
    }
  }
  if (webhook.eventType !== undefined && webhook.batch?.type === "keys") {
    report(["webhook", "eventType"], "never used: with a keys batch the key each notification came under is its event type — remove it");
  }
  for (const [eventType, value] of Object.entries(webhook.events)) {
    if (!Array.isArray(value)) continue;
    const catchAll = value.findIndex((action) => action.when === undefined);
    if (catchAll !== -1 && catchAll < value.length - 1) {
      report(
        ["webhook", "events", eventType, catchAll + 1],
        `never reached: entry ${catchAll} has no \`when\`, so it takes every "${eventType}" notification — move it last, or give it a \`when\``,
      );
    }
  }

  for (const { action, path } of specActions(spec)) {
    if (action.action !== "pull_object") continue;
    const streams = spec.streams?.[action.dataType] ?? [];
    if (action.stream !== undefined) {
      const stream = streams.find((s) => s.name === action.stream);
      if (!stream)
        report(
          [...path, "stream"],
          `no ${action.dataType} stream is named "${action.stream}" — name one of ${streams.map((s) => `"${s.name}"`).join(", ") || `streams.${action.dataType} (there are none)`}`,
        );
      else if (!stream.object)
        report([...path, "stream"], `stream "${action.stream}" cannot fetch one object — give it \`object\` (the request that fetches one by {object_id})`);
    } else if (!streams.some((s) => s.object)) {
      report(
        [...path, "action"],
        `pull_object needs a stream of ${action.dataType} with \`object\` (the request that fetches one by {object_id}) — add one, or carry the records in the push`,
      );
    }
  }

  const verify = webhook.verify;
  if (verify.scheme === "hook" && !hooks.verify)
    report(
      ["webhook", "verify", "scheme"],
      "hook needs a verify hook, which only a TypeScript connector (defineConnector) has — use terra, hmac, token or none",
    );
  if (verify.scheme !== "hook" && hooks.verify)
    report(["hooks", "verify"], `never called: webhook.verify.scheme is ${verify.scheme} — set it to hook, or remove the hook`, true);
  if ("secret" in verify && verify.secret === "clientSecret" && !CLIENT_AUTH_TYPES.has(spec.auth.type)) {
    report(["webhook", "verify", "secret"], `clientSecret needs an OAuth client, and auth is ${spec.auth.type} — use pushSecret`);
  }
  if (verify.scheme === "hmac" && verify.timestampHeader === undefined) {
    if (verify.timestampUnit !== undefined)
      report(["webhook", "verify", "timestampUnit"], "never used: there is no timestampHeader — remove it, or add the header");
    if (verify.toleranceSeconds !== undefined)
      report(["webhook", "verify", "toleranceSeconds"], "never used: without a timestampHeader nothing dates a push — remove it, or add the header");
  }

  if (ACCOUNT_AUTH_TYPES.has(spec.auth.type) && !("providerUserId" in spec.auth && spec.auth.providerUserId)) {
    report(
      ["auth", "providerUserId"],
      `required — pushes name their user by webhook.userId, so connecting must learn that id (from the token response, a request, or the username)`,
    );
  }
};
