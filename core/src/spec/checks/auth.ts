import type { Check } from "./check.ts";

/** Where the provider user id can come from, per auth type: a token response needs a token endpoint. */
const TOKEN_RESPONSE_AUTH = new Set(["oauth2", "oauth2_password"]);

/** Auth settings that fit the auth type: a user id from what the flow really has, refresh settings only with refresh. */
export const checkAuth: Check = ({ spec }, report) => {
  const auth = spec.auth;
  if (auth.type === "none") return;
  const from = auth.providerUserId?.from;
  if (from === "token" && !TOKEN_RESPONSE_AUTH.has(auth.type)) {
    report(["auth", "providerUserId", "from"], `token needs a token response, and ${auth.type} has none — use request (a profile request) or username`);
  }
  if (from === "username" && auth.type !== "oauth2_password") {
    report(["auth", "providerUserId", "from"], `username needs a username, which only oauth2_password asks for — use token or request`);
  }
  if ((auth.type === "oauth2" || auth.type === "oauth2_password") && auth.refresh === "none") {
    if (auth.type === "oauth2" && auth.refreshUrl !== undefined) report(["auth", "refreshUrl"], "never used: refresh is none — remove it");
    if (auth.expiryBufferSeconds !== undefined) report(["auth", "expiryBufferSeconds"], "never used: refresh is none, so nothing is refreshed before expiry — remove it");
  }
  if (auth.type === "oauth2" && auth.scopeSeparator !== undefined && auth.scopes.length < 2) {
    report(["auth", "scopeSeparator"], "never used: there are fewer than two scopes to separate — remove it");
  }
};
