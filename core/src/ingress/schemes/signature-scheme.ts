import type { SignatureSpec, WebhookRequest } from "../../contracts/webhook.ts";

/** What a scheme established about a request it accepted. */
export type SchemeResult = { ok: true; signedAt?: number; toleranceSeconds?: number } | { ok: false; reason: string };

/**
 * One way providers sign their pushes. `verify` sees the whole request; `precheck` sees only the headers
 * and refuses what can never verify — a missing or malformed header, a stale timestamp — before the
 * body is read, so an unsigned flood costs no body buffering and no HMAC.
 */
export interface SignatureScheme<S extends SignatureSpec = SignatureSpec> {
  precheck?(spec: S, headers: WebhookRequest["headers"], nowSeconds: number): string | undefined;
  verify(spec: S, request: WebhookRequest, secret: string, nowSeconds: number): SchemeResult;
}

/** The one value of a header; a header sent twice is ambiguous, so it counts as absent. */
export function singleHeader(headers: WebhookRequest["headers"], name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return typeof value === "string" ? value : undefined;
}
