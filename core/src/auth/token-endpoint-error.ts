/**
 * Why a token request failed, as the callers need to tell it apart:
 * - `refused`: the provider refused the grant (bad or used code, wrong PKCE verifier, wrong password,
 *   dead refresh token) — the user must connect again;
 * - `client`: the provider refused our client (id, secret, grant type) or the endpoint is wrong — the
 *   operator must fix the config or the spec, no user can;
 * - `unavailable`: network, timeout, 429, 5xx or a provider-declared temporary failure — try later;
 * - `invalid_response`: a success status whose body is not a token response.
 */
export type TokenFailureKind = "refused" | "client" | "unavailable" | "invalid_response";

/** Secret-free by construction: built only from texts that went through `scrubSecrets`. */
export class TokenEndpointError extends Error {
  readonly kind: TokenFailureKind;
  readonly status: number | undefined;
  /** The OAuth `error` code (or the envelope's status), when the provider gave one. */
  readonly providerError: string | undefined;
  /** Milliseconds the provider asked us to wait (Retry-After), when it did. */
  readonly retryAfterMs: number | undefined;

  constructor(kind: TokenFailureKind, message: string, details: { status?: number; providerError?: string; retryAfterMs?: number } = {}) {
    super(message);
    this.name = "TokenEndpointError";
    this.kind = kind;
    this.status = details.status;
    this.providerError = details.providerError;
    this.retryAfterMs = details.retryAfterMs;
  }
}

export function isTokenEndpointError(error: unknown): error is TokenEndpointError {
  return error instanceof TokenEndpointError;
}
