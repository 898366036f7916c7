import { parseTerraSignatureHeader, verifyTerraSignature } from "../../contracts/terra-signature.ts";
import type { SignatureSpec } from "../../contracts/webhook.ts";
import { singleHeader, type SignatureScheme } from "./signature-scheme.ts";

/** Terra's own scheme (also the SANDBOX provider's): `t=<unix>,v1=<hex HMAC-SHA256("<t>." + body)>`. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const tolerance = (spec: SignatureSpec) => spec.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;

export const timestampedHmac: SignatureScheme = {
  precheck(spec, headers, nowSeconds) {
    const parsed = parseTerraSignatureHeader(singleHeader(headers, spec.header));
    if (!parsed.ok) return parsed.reason;
    return Math.abs(nowSeconds - parsed.timestamp) > tolerance(spec) ? "timestamp outside tolerance (replayed or clock skew)" : undefined;
  },
  verify(spec, request, secret, nowSeconds) {
    const checked = verifyTerraSignature(singleHeader(request.headers, spec.header), request.rawBody, secret, { toleranceSeconds: tolerance(spec), nowSeconds });
    return checked.ok ? { ok: true, signedAt: checked.timestamp, toleranceSeconds: tolerance(spec) } : checked;
  },
};
