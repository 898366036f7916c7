import { ErrorCodes } from "../errors/codes.ts";
import { RateLimitedError, TransientError, UserError, type TributaryError } from "../errors/tributary-error.ts";
import type { TokenEndpointError } from "./token-endpoint-error.ts";

/** The provider will not give this connection tokens any more: the runtime emits access_revoked. */
export function authRevoked(provider: string, userId: string, reason: string): UserError {
  return new UserError(ErrorCodes.AUTH_REVOKED, `${provider} connection ${userId} lost its authorization: ${reason}`, {
    hint: "The user must connect again; the connection is marked revoked so nothing spends its tokens.",
    details: { provider, userId },
  });
}

/**
 * A token request that failed for a reason no user can fix: our client (config or spec), or the
 * provider (unavailable, a garbled answer), which a later attempt may get past — a refresh
 * (ERR_AUTH_REFRESH_FAILED) or a connect (ERR_PROVIDER_UNAVAILABLE).
 */
export function tokenRequestFailed(provider: string, error: TokenEndpointError, during: "refresh" | "connect"): TributaryError {
  const details = { provider, status: error.status, providerError: error.providerError };
  if (error.kind === "client" || error.kind === "refused") {
    return new UserError(ErrorCodes.AUTH_CLIENT, error.message, {
      hint: `Check providers.${provider}.clientId/clientSecret in the config and the connector's auth endpoints.`,
      details,
    });
  }
  if (error.retryAfterMs !== undefined) return new RateLimitedError(ErrorCodes.PROVIDER_RATE_LIMITED, error.message, error.retryAfterMs, { details });
  if (during === "connect")
    return new TransientError(ErrorCodes.PROVIDER_UNAVAILABLE, error.message, {
      hint: "The user can try again; check the provider's status if it persists.",
      details,
    });
  return new TransientError(ErrorCodes.AUTH_REFRESH_FAILED, error.message, { hint: "Retried later; check the provider's status if it persists.", details });
}

export function authFlowError(message: string, hint: string, details?: Record<string, unknown>): UserError {
  return new UserError(ErrorCodes.AUTH_FLOW, message, { hint, ...(details === undefined ? {} : { details }) });
}

/**
 * A provider request made while connecting (the account request, a registration) answered `status`:
 * worth another try by the user when the provider failed (408, 429, 5xx), a refusal otherwise.
 */
export function connectStepFailed(provider: string, what: string, status: number): TributaryError {
  const details = { provider, status };
  if (status === 408 || status === 429 || status >= 500) {
    return new TransientError(ErrorCodes.PROVIDER_UNAVAILABLE, `${provider} ${what} answered ${status}`, {
      hint: "The provider failed while the user connected; they can try again.",
      details,
    });
  }
  return new UserError(ErrorCodes.PROVIDER_REQUEST_FAILED, `${provider} ${what} answered ${status}`, {
    hint: "The connection was not created. Check the connector's auth.providerUserId / auth.lifecycle requests against the provider's API.",
    details,
  });
}
