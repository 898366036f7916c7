import type { VerifySpec } from "@tributary/schemas";
import type { ParsedPushBody } from "../parse-push-body.ts";
import type { SchemeResult } from "../verified-push.ts";
import type { WebhookRequest } from "../webhook-request.ts";
import type { VerifyHook } from "../../spec/hooks.ts";

/** Everything a scheme may look at: the request, the configured secret and settings, the parsed body. */
export interface SchemeInput<S extends VerifySpec = VerifySpec> {
  spec: S;
  request: WebhookRequest;
  /** The configured secret the spec names (`pushSecret` or `clientSecret`); schemes that need none get undefined. */
  secret: string | undefined;
  /** providers.<NAME>.options with the spec's defaults. */
  options: Readonly<Record<string, unknown>>;
  nowSeconds: number;
  /** The body decoded as the webhook declares (bounded), for schemes whose proof is inside it; parsed once. */
  body(): ParsedPushBody;
  hook?: VerifyHook | undefined;
}

/**
 * One way providers prove a push is theirs. `verify` sees the whole request; `precheck` sees only the
 * headers and refuses what can never verify — a missing or malformed header, a stale timestamp — before
 * the body is read, so an unsigned flood costs no body buffering and no HMAC.
 */
export interface SignatureScheme<S extends VerifySpec = VerifySpec> {
  precheck?(spec: S, headers: WebhookRequest["headers"], nowSeconds: number): string | undefined;
  verify(input: SchemeInput<S>): SchemeResult;
}
