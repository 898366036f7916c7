// Connecting users to providers and keeping their credentials fresh: the service the connect widget and
// the REST API call, and the Credentials the provider client applies.
export { createAuthService, type AuthService, type AuthServiceOptions } from "./auth-service.ts";
export type { AuthOutcome, AuthConnected, AuthFailed, AuthFailureReason, AuthSessionInfo } from "./auth-outcome.ts";
export type { AuthorizationStart, BeginAuthorizationInput, CompleteAuthorizationInput } from "./authorization-flow.ts";
export type { ConnectWithPasswordInput, ConnectWithTokenInput } from "./direct-connect.ts";
export type { RevokeReport } from "./disconnect-connection.ts";
export type { ProviderCallResult } from "./lifecycle-requests.ts";
export type { Credentials, StoredTokens } from "./credentials.ts";
export type { ProviderAnswer, SendContext, SendProviderRequest } from "./send-provider-request.ts";
