import type { VerifySpec } from "@tributary/schemas";
import { compilePointer } from "../../spec/pointer.ts";
import { safeEqual as safeEqualText } from "../../contracts/safe-equal.ts";
import type { SignatureScheme } from "./signature-scheme.ts";

type NoneSpec = Extract<VerifySpec, { scheme: "none" }>;

/**
 * No proof (Strava, Withings, Garmin sign nothing); with `match`, a field of the body must equal an
 * operator setting (Strava's subscription id), which turns away pushes meant for another subscription.
 */
export const none: SignatureScheme<NoneSpec> = {
  verify({ spec, options, body }) {
    const match = spec.match;
    if (!match) return { ok: true };
    const parsed = body();
    if (!parsed.ok) return { ok: false, reason: `the push cannot be matched: ${parsed.reason}` };
    const given = compilePointer(match.path)(parsed.body);
    const expected = options[match.setting];
    if ((typeof given !== "string" && typeof given !== "number") || (typeof expected !== "string" && typeof expected !== "number")) {
      return { ok: false, reason: `${match.path} does not name this subscription` };
    }
    return safeEqualText(String(given), String(expected)) ? { ok: true } : { ok: false, reason: `${match.path} does not name this subscription` };
  },
};
