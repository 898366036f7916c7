import type { SignatureSpec } from "../../contracts/webhook.ts";
import { hmac } from "./hmac.ts";
import type { SignatureScheme } from "./signature-scheme.ts";
import { timestampedHmac } from "./timestamped-hmac.ts";

/** Every declarative scheme a connector's `webhook.verify` may name; a new scheme is one more entry. */
export const SIGNATURE_SCHEMES: Record<SignatureSpec["scheme"], SignatureScheme> = {
  "timestamped-hmac": timestampedHmac,
  hmac,
};

export type { SchemeResult, SignatureScheme } from "./signature-scheme.ts";
export { DEFAULT_TOLERANCE_SECONDS } from "./timestamped-hmac.ts";
