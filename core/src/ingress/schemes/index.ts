import type { VerifySpec } from "@tributary/schemas";
import { hmac } from "./hmac.ts";
import { hook } from "./hook.ts";
import { none } from "./none.ts";
import type { SignatureScheme } from "./signature-scheme.ts";
import { terra } from "./terra.ts";
import { token } from "./token.ts";

/** Every scheme a connector's `webhook.verify` may name (the spec's VerifySpec); a new scheme is one more entry. */
export const SIGNATURE_SCHEMES: { [K in VerifySpec["scheme"]]: SignatureScheme<Extract<VerifySpec, { scheme: K }>> } = {
  terra,
  hmac,
  token,
  hook,
  none,
};

export type { SchemeInput, SignatureScheme } from "./signature-scheme.ts";
export { tokenPointer } from "./token.ts";
