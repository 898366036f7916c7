import type { Connection } from "../state/index.ts";

/** A user about to connect a provider that needs its own authorization (OAuth consent, a password, a token). */
export interface AuthorizationRequest {
  /** The developer account the connection will belong to. */
  developerId: string;
  provider: string;
  referenceId?: string;
  /** The widget's language (Terra's `language`), for pages the flow shows. */
  language?: string;
  successRedirectUrl?: string;
  failureRedirectUrl?: string;
  /** Set when the user started from a hosted widget session. */
  widgetSessionId?: string;
  /** The flow ends by then at the latest: a flow started from a widget session lives no longer than the session. */
  expiresAt?: string;
}

export interface StartedAuthorization {
  /** The user_id the connection will have once the flow completes (Terra pre-allocates it). */
  userId: string;
  /** Where to send the user: the provider's consent page, or a form of ours. */
  authUrl: string;
}

/**
 * The seam the provider authorization flows plug into: `authenticateUser` and the widget ask it to begin
 * a provider's flow for a session; its callback then calls `connectUser` with the tokens. A provider it
 * does not handle (and no authorizer at all) gets a clear "not available" answer instead of a flow.
 */
export interface ProviderAuthorizer {
  handles(provider: string): boolean;
  begin(request: AuthorizationRequest): Promise<StartedAuthorization>;
  /** Withdraw the grant at the provider when a user is deauthorized; best effort, failures are logged. */
  revoke?(connection: Connection): Promise<void>;
}
