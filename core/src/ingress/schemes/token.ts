import type { VerifySpec } from "@tributary/schemas";
import { compilePointer } from "../../spec/pointer.ts";
import { safeEqual as safeEqualText } from "../../contracts/safe-equal.ts";
import { singleHeader, singleQuery } from "../webhook-request.ts";
import type { SignatureScheme } from "./signature-scheme.ts";

type TokenSpec = Extract<VerifySpec, { scheme: "token" }>;

/** The body pointer a token-in-body spec names ("webhook_token" and "/webhook_token" alike). */
export const tokenPointer = (spec: TokenSpec): string => (spec.name.startsWith("/") ? spec.name : `/${spec.name}`);

/**
 * A shared token sent with every push (Wahoo's `webhook_token` in the body), in the body, a header or
 * the query, compared in constant time. It proves the sender knows the token, not what it sent: the
 * replay fingerprint is the body's digest.
 */
export const token: SignatureScheme<TokenSpec> = {
  precheck(spec, headers) {
    if (spec.in !== "header") return undefined;
    const value = singleHeader(headers, spec.name);
    return value === undefined || value === "" ? `missing ${spec.name} header` : undefined;
  },
  verify({ spec, request, secret, body }) {
    let given: unknown;
    if (spec.in === "header") given = singleHeader(request.headers, spec.name);
    else if (spec.in === "query") given = singleQuery(request.query, spec.name);
    else {
      const parsed = body();
      if (!parsed.ok) return { ok: false, reason: `the push token cannot be read: ${parsed.reason}` };
      given = compilePointer(tokenPointer(spec))(parsed.body);
    }
    if (typeof given !== "string" || given === "") return { ok: false, reason: `missing push token ${spec.name}` };
    return safeEqualText(given, secret ?? "") ? { ok: true } : { ok: false, reason: "push token does not match" };
  },
};
