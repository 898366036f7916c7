import type { DataType, WebhookEventAction, WebhookSpec as SpecWebhook } from "@tributary/schemas";
import type { SignatureSpec, VerifyFunction, WebhookEventMapping, WebhookSpec } from "../contracts/webhook.ts";
import type { ConnectorHooks } from "../spec/hooks.ts";

/**
 * A spec webhook in the shape the current ingress verifies and splits (`contracts/webhook.ts`), for the
 * parts both can say: Terra-scheme or body-digest signatures with the push secret, a verify hook, an
 * array batch, a pointer event type, and records / pull-window / ignore events. Undefined when the spec
 * uses anything else — such a webhook is left to the spec-driven ingress, rather than run partly.
 */
export function ingressWebhook(webhook: SpecWebhook | undefined, hooks: ConnectorHooks): WebhookSpec | undefined {
  if (!webhook) return undefined;
  const verify = verifyOf(webhook, hooks);
  if (!verify) return undefined;
  if (webhook.body === "form") return undefined;
  const handshakes = webhook.handshakes ?? [];
  const challenge = handshakes[0];
  if (handshakes.length > 1 || (challenge && challenge.type !== "challenge")) return undefined;
  if (webhook.batch && webhook.batch.type !== "array") return undefined;
  if (webhook.eventType !== undefined && !/^\/[^{}]*$/.test(webhook.eventType)) return undefined;
  const events: Record<string, WebhookEventMapping> = {};
  for (const [eventType, value] of Object.entries(webhook.events)) {
    if (Array.isArray(value)) return undefined;
    const mapping = eventOf(value);
    if (!mapping) return undefined;
    events[eventType] = mapping;
  }
  return {
    verify,
    userIdPointer: webhook.userId,
    ...(webhook.eventType !== undefined ? { eventTypePointer: webhook.eventType } : {}),
    ...(webhook.batch?.type === "array" ? { batchPointer: webhook.batch.path } : {}),
    events,
    ...(challenge?.type === "challenge"
      ? {
          challenge: {
            queryParam: challenge.param,
            ...(challenge.verifyTokenParam !== undefined ? { verifyTokenParam: challenge.verifyTokenParam } : {}),
            ...(challenge.respond === "json" ? { responseField: challenge.param } : {}),
          },
        }
      : {}),
  };
}

function verifyOf(webhook: SpecWebhook, hooks: ConnectorHooks): SignatureSpec | VerifyFunction | undefined {
  const verify = webhook.verify;
  if (verify.scheme === "hook") return hooks.verify;
  if (verify.scheme === "terra" && (verify.secret ?? "pushSecret") === "pushSecret") {
    return { scheme: "timestamped-hmac", header: verify.header, ...(verify.toleranceSeconds !== undefined ? { toleranceSeconds: verify.toleranceSeconds } : {}) };
  }
  if (verify.scheme === "hmac" && (verify.secret ?? "pushSecret") === "pushSecret" && verify.algorithm !== "sha512" && !verify.timestampHeader && !verify.keySuffix) {
    return { scheme: "hmac", header: verify.header, algorithm: verify.algorithm, encoding: verify.encoding, ...(verify.prefix !== undefined ? { prefix: verify.prefix } : {}) };
  }
  return undefined;
}

function eventOf(action: WebhookEventAction): WebhookEventMapping | undefined {
  if (action.when !== undefined) return undefined;
  switch (action.action) {
    case "records":
      return { kind: "push", dataType: action.dataType as DataType, recordsPointer: action.records };
    case "pull_window":
      if (action.date !== undefined) return undefined;
      return {
        kind: "ping",
        dataType: action.dataType as DataType,
        ...(action.start !== undefined ? { startPointer: action.start } : {}),
        ...(action.end !== undefined ? { endPointer: action.end } : {}),
      };
    case "ignore":
      return { kind: "ignore" };
    default:
      return undefined;
  }
}
