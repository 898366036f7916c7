import { createHash } from "node:crypto";
import type { WebhookSpec } from "@tributary/schemas";
import type { ConnectorDefinition } from "../spec/define-connector.ts";
import { decodePushBody, type ParsedPushBody } from "./parse-push-body.ts";
import type { PushSettings } from "./push-settings.ts";
import { removePointer } from "./remove-pointer.ts";
import { SIGNATURE_SCHEMES, tokenPointer, type SchemeInput, type SignatureScheme } from "./schemes/index.ts";
import type { SchemeResult, VerifiedPush } from "./verified-push.ts";
import type { WebhookRequest } from "./webhook-request.ts";

export type PushVerification = ({ ok: true; body?: ParsedPushBody } & VerifiedPush) | { ok: false; reason: string };

const nowInSeconds = () => Date.now() / 1000;

const schemeOf = (webhook: WebhookSpec) => SIGNATURE_SCHEMES[webhook.verify.scheme] as SignatureScheme;

/**
 * The refusal a push earns from its headers alone (a missing or malformed signature header, a stale
 * timestamp), decided before its body is read; undefined when only the body can tell.
 */
export function precheckPush(webhook: WebhookSpec, headers: WebhookRequest["headers"], nowSeconds = nowInSeconds()): string | undefined {
  return schemeOf(webhook).precheck?.(webhook.verify, headers, nowSeconds);
}

/**
 * Checks a push against the connector's declared scheme, over the raw bytes as received, in constant
 * time; timestamped schemes also refuse anything outside their tolerance. Returns what was verified (the
 * signed timestamp, the body's digest) for the replay fingerprint, and the decoded body when a scheme had
 * to read it (its proof is inside) — with a token carried in the body taken out, so it is never stored.
 */
export function verifyPush(
  definition: Pick<ConnectorDefinition, "spec" | "hooks">,
  request: WebhookRequest,
  settings: PushSettings,
  nowSeconds = nowInSeconds(),
): PushVerification {
  const webhook = definition.spec.webhook;
  if (!webhook) return { ok: false, reason: `${definition.spec.name} accepts no pushes` };
  let parsed: ParsedPushBody | undefined;
  const input: SchemeInput = {
    spec: webhook.verify,
    request,
    secret: settings.secret,
    options: settings.options,
    nowSeconds,
    body: () => (parsed ??= decodePushBody(request.rawBody, webhook.body)),
    hook: definition.hooks.verify,
  };
  const result: SchemeResult = schemeOf(webhook).verify(input);
  if (!result.ok) return result;
  const verify = webhook.verify;
  if (parsed?.ok && verify.scheme === "token" && verify.in === "body") removePointer(parsed.body, tokenPointer(verify));
  const bodyDigest = createHash("sha256").update(request.rawBody).digest("hex");
  return { ...result, bodyDigest, ...(parsed ? { body: parsed } : {}) };
}
