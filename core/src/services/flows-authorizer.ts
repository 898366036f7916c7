import type { AuthService } from "../auth/auth-service.ts";
import type { ConnectFlows } from "./connect-flows.ts";
import type { ProviderAuthorizer } from "./provider-authorizer.ts";

/**
 * The ProviderAuthorizer of a server running the auth service: `authenticateUser` gets the provider's
 * consent URL (or our credentials or token form) straight away, and deauthorizing revokes at the provider.
 */
export function flowsAuthorizer(flows: ConnectFlows, auth: Pick<AuthService, "revoke">): ProviderAuthorizer {
  return {
    handles(provider) {
      const kind = flows.kindOf(provider);
      return kind === "redirect" || kind === "password" || kind === "token";
    },
    async begin(request) {
      const started = await flows.start(request);
      return { userId: started.userId, authUrl: started.authUrl };
    },
    async revoke(connection) {
      await auth.revoke(connection);
    },
  };
}
