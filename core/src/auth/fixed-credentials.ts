import type { AuthSpec } from "@tributary/schemas";
import { applyTokens, tokenVariables } from "./apply-tokens.ts";
import type { Credentials, StoredTokens } from "./credentials.ts";

/**
 * Credentials that were just obtained and are not stored yet: what the connect steps (the provider user
 * id request, the lifecycle requests) call the provider with. Nothing to refresh: they are brand new.
 */
export function fixedCredentials(auth: AuthSpec, tokens: StoredTokens): Credentials {
  return {
    async apply(request) {
      applyTokens(auth, tokens, request);
    },
    async refresh() {
      return false;
    },
    async variables() {
      return tokenVariables(tokens);
    },
  };
}
