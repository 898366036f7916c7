/**
 * What the provider HTTP layer needs from auth: put the connection's credentials on a request, and get
 * fresh ones when the provider says they are stale. Implementations hold no tokens across jobs: they
 * read the encrypted tokens from the state store and refresh under a Redis lock, so two workers never
 * spend one single-use refresh token.
 */
export interface Credentials {
  /** Add the credentials to an outgoing request (header, or query parameter on `url`). */
  apply(request: { headers: Record<string, string>; url: URL }): Promise<void>;
  /**
   * The provider refused the credentials (401): refresh them. Resolves true when new credentials are in
   * place (retry once), false when there is nothing to refresh (bearer token, API key, no refresh token).
   * A refusal by the provider's token endpoint rejects with ERR_AUTH_REVOKED (user class).
   */
  refresh(): Promise<boolean>;
  /** Template variables the credentials offer (`access_token`), for requests that carry them in the URL. */
  variables(): Promise<Record<string, string>>;
}

/**
 * Tokens as the state store keeps them (encrypted as one JSON blob per connection). `expires_at` is epoch
 * milliseconds; `raw` keeps the provider's token response minus the secrets already lifted out.
 */
export interface StoredTokens {
  auth_type: "oauth2" | "oauth2_password" | "bearer_token" | "api_key";
  access_token?: string;
  refresh_token?: string;
  token_type?: string;
  expires_at?: number;
  scope?: string;
  api_key?: string;
  obtained_at: number;
  raw?: Record<string, unknown>;
}
