import type { VerifySpec } from "@tributary/schemas";
import type { SchemeResult } from "../verified-push.ts";
import type { SignatureScheme } from "./signature-scheme.ts";

type HookSpec = Extract<VerifySpec, { scheme: "hook" }>;

/**
 * The connector's own `verify` hook, over the raw request. It returns true/false, or what it verified
 * (`signedAt` when the provider signs a timestamp, so the replay guard holds the push until it expires).
 * A hook that throws refuses the push.
 */
export const hook: SignatureScheme<HookSpec> = {
  verify({ request, secret, hook: verifyHook }) {
    if (!verifyHook) return { ok: false, reason: "the connector has no verify hook" };
    let outcome: ReturnType<typeof verifyHook>;
    try {
      outcome = verifyHook(request, secret ?? "");
    } catch (error) {
      return { ok: false, reason: `the verify hook failed: ${(error as Error)?.message ?? String(error)}` };
    }
    if (outcome === true) return { ok: true };
    if (outcome === false) return { ok: false, reason: "signature does not match" };
    return checkedResult(outcome);
  },
};

/** A hook's result, trusted only in its declared shape: a bogus `signedAt` would make the replay hold meaningless. */
function checkedResult(outcome: SchemeResult): SchemeResult {
  if (!outcome.ok) return { ok: false, reason: typeof outcome.reason === "string" ? outcome.reason : "signature does not match" };
  const { signedAt, toleranceSeconds } = outcome;
  if (signedAt === undefined) return { ok: true };
  if (!Number.isFinite(signedAt) || toleranceSeconds === undefined || !Number.isFinite(toleranceSeconds) || toleranceSeconds <= 0) {
    return { ok: false, reason: "the verify hook returned a signedAt without a finite toleranceSeconds" };
  }
  return { ok: true, signedAt, toleranceSeconds };
}
