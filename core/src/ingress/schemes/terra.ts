import type { VerifySpec } from "@tributary/schemas";
import { parseTerraSignatureHeader, verifyTerraSignature } from "../../contracts/terra-signature.ts";
import { DEFAULT_TOLERANCE_SECONDS } from "../verified-push.ts";
import { singleHeader } from "../webhook-request.ts";
import type { SignatureScheme } from "./signature-scheme.ts";

type TerraSpec = Extract<VerifySpec, { scheme: "terra" }>;

const tolerance = (spec: TerraSpec) => spec.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;

/** Terra's (and Stripe's) `t=<unix>,v1=<hex HMAC-SHA256("<t>." + raw body)>` in one header, one accepted spelling. */
export const terra: SignatureScheme<TerraSpec> = {
  precheck(spec, headers, nowSeconds) {
    const parsed = parseTerraSignatureHeader(singleHeader(headers, spec.header));
    if (!parsed.ok) return parsed.reason;
    return Math.abs(nowSeconds - parsed.timestamp) > tolerance(spec) ? "timestamp outside tolerance (replayed or clock skew)" : undefined;
  },
  verify({ spec, request, secret, nowSeconds }) {
    const checked = verifyTerraSignature(singleHeader(request.headers, spec.header), request.rawBody, secret ?? "", {
      toleranceSeconds: tolerance(spec),
      nowSeconds,
    });
    return checked.ok ? { ok: true, signedAt: checked.timestamp, toleranceSeconds: tolerance(spec) } : checked;
  },
};
