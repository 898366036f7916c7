import { createHmac, timingSafeEqual } from "node:crypto";
import type { SignatureSpec, WebhookRequest, WebhookSpec } from "../contracts/webhook.ts";
import { verifyTerraSignature } from "../contracts/terra-signature.ts";

export type WebhookVerification = { ok: true; timestamp?: number } | { ok: false; reason: string };

function header(request: WebhookRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Check a provider push against the connector's declared scheme, over the raw bytes as received, in
 * constant time. Timestamped schemes also reject anything outside their tolerance (replays).
 */
export function verifyWebhook(spec: WebhookSpec, request: WebhookRequest, secret: string, nowSeconds?: number): WebhookVerification {
  if (typeof spec.verify === "function") {
    return spec.verify(request, secret) ? { ok: true } : { ok: false, reason: "signature does not match" };
  }
  return verifySignature(spec.verify, request, secret, nowSeconds);
}

function verifySignature(spec: SignatureSpec, request: WebhookRequest, secret: string, nowSeconds?: number): WebhookVerification {
  const value = header(request, spec.header);
  if (spec.scheme === "timestamped-hmac") {
    return verifyTerraSignature(value, request.rawBody, secret, {
      toleranceSeconds: spec.toleranceSeconds ?? 300,
      ...(nowSeconds !== undefined ? { nowSeconds } : {}),
    });
  }
  if (!value) return { ok: false, reason: `missing ${spec.header} header` };
  const prefix = spec.prefix ?? "";
  if (!value.startsWith(prefix)) return { ok: false, reason: "signature header has an unexpected format" };
  const encoding = spec.encoding ?? "hex";
  const given = Buffer.from(value.slice(prefix.length), encoding);
  const expected = createHmac(spec.algorithm ?? "sha256", secret).update(request.rawBody).digest();
  return safeEqual(given, expected) ? { ok: true } : { ok: false, reason: "signature does not match" };
}
