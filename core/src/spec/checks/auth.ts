import type { AuthSpec } from "@tributary/schemas";
import type { SpecPath } from "../spec-problem.ts";
import type { Check } from "./check.ts";

/** Where the provider user id can come from, per auth type: a token response needs a token endpoint. */
const TOKEN_RESPONSE_AUTH = new Set(["oauth2", "oauth2_password"]);

/** Every connection method of a spec (its auth, then each alternative) with where it is written. */
export function authMethodsAt(auth: AuthSpec): { auth: AuthSpec; path: SpecPath }[] {
  const alternatives = "alternatives" in auth && auth.alternatives !== undefined ? (auth.alternatives as AuthSpec[]) : [];
  return [{ auth, path: ["auth"] }, ...alternatives.map((alternative, i) => ({ auth: alternative, path: ["auth", "alternatives", i] }))];
}

/**
 * Auth settings that fit the auth type: a user id from what the flow really has, refresh settings only
 * with refresh; alternatives each of another type than the main method and one another (the flow a
 * user picks names the method by its type).
 */
export const checkAuth: Check = ({ spec }, report) => {
  const seen = new Set<string>();
  for (const { auth, path } of authMethodsAt(spec.auth)) {
    if (seen.has(auth.type)) report([...path, "type"], `${auth.type} is already a method of this provider — each alternative must be of another type`);
    seen.add(auth.type);
    checkMethod(auth, path, report);
  }
};

function checkMethod(auth: AuthSpec, at: SpecPath, report: Parameters<Check>[1]): void {
  if (auth.type === "none") return;
  const from = auth.providerUserId?.from;
  if (from === "token" && !TOKEN_RESPONSE_AUTH.has(auth.type)) {
    report([...at, "providerUserId", "from"], `token needs a token response, and ${auth.type} has none — use request (a profile request) or username`);
  }
  if (from === "username" && auth.type !== "oauth2_password") {
    report([...at, "providerUserId", "from"], `username needs a username, which only oauth2_password asks for — use token or request`);
  }
  if ((auth.type === "oauth2" || auth.type === "oauth2_password") && auth.refresh === "none") {
    if (auth.type === "oauth2" && auth.refreshUrl !== undefined) report([...at, "refreshUrl"], "never used: refresh is none — remove it");
    if (auth.expiryBufferSeconds !== undefined)
      report([...at, "expiryBufferSeconds"], "never used: refresh is none, so nothing is refreshed before expiry — remove it");
  }
  if (auth.type === "oauth2" && auth.scopeSeparator !== undefined && auth.scopes.length < 2) {
    report([...at, "scopeSeparator"], "never used: there are fewer than two scopes to separate — remove it");
  }
}
