import { createHash } from "node:crypto";
import type { WebhookRequest, WebhookSpec } from "../contracts/webhook.ts";
import { SIGNATURE_SCHEMES, type SchemeResult } from "./schemes/index.ts";

/** What verification established about a push: the replay fingerprint is built from it (`replay-fingerprint.ts`). */
export interface VerifiedPush {
  /** The timestamp the provider signed (unix seconds), for schemes that sign one. */
  signedAt?: number;
  /** How far `signedAt` may be from now: the request stays replayable until `signedAt + toleranceSeconds`. */
  toleranceSeconds?: number;
  /** SHA-256 of the raw body, hex. */
  bodyDigest: string;
}

export type WebhookVerification = ({ ok: true } & VerifiedPush) | { ok: false; reason: string };

const nowInSeconds = () => Math.floor(Date.now() / 1000);

/**
 * Check a provider push against the connector's declared scheme, over the raw bytes as received, in
 * constant time. Timestamped schemes also reject anything outside their tolerance (replays).
 */
export function verifyWebhook(spec: WebhookSpec, request: WebhookRequest, secret: string, nowSeconds = nowInSeconds()): WebhookVerification {
  const result: SchemeResult =
    typeof spec.verify === "function"
      ? asResult(spec.verify(request, secret))
      : SIGNATURE_SCHEMES[spec.verify.scheme].verify(spec.verify, request, secret, nowSeconds);
  if (!result.ok) return result;
  return { ...result, bodyDigest: createHash("sha256").update(request.rawBody).digest("hex") };
}

/**
 * The refusal a push earns from its headers alone (missing or malformed signature header, stale
 * timestamp), decided before its body is read; undefined when only the body can tell.
 */
export function precheckWebhook(spec: WebhookSpec, headers: WebhookRequest["headers"], nowSeconds = nowInSeconds()): string | undefined {
  if (typeof spec.verify === "function") return undefined;
  return SIGNATURE_SCHEMES[spec.verify.scheme].precheck?.(spec.verify, headers, nowSeconds);
}

function asResult(outcome: boolean | SchemeResult): SchemeResult {
  if (outcome === true) return { ok: true };
  if (outcome === false) return { ok: false, reason: "signature does not match" };
  return outcome;
}
