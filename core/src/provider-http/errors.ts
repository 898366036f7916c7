import { ErrorCodes } from "../errors/codes.ts";
import { RateLimitedError, TransientError, UserError, type TributaryErrorOptions } from "../errors/tributary-error.ts";

/**
 * The caller must wait `retryAfterMs` before the next provider request: the rate budget is spent
 * (`reason: "budget"`) or the provider said so (429, Retry-After: `reason: "provider"`). Too long to
 * wait in-process, so a pull job turns it into a delayed job (no attempt spent) instead of holding
 * its lock. A RateLimitedError, so code that only knows those treats it as a wait too.
 */
export class ProviderWaitError extends RateLimitedError {
  readonly reason: "budget" | "provider";
  constructor(message: string, retryAfterMs: number, reason: "budget" | "provider", options?: TributaryErrorOptions) {
    super(ErrorCodes.PROVIDER_RATE_LIMITED, message, retryAfterMs, options);
    this.reason = reason;
  }
}

/**
 * The provider refuses the user's credentials for good (a `revoked` response rule, or a 401 that a
 * refresh could not cure): the runtime marks the connection and emits access_revoked.
 */
export class ProviderAccessRevokedError extends UserError {
  /** "revoked": the provider says the user withdrew access; "refused": it refuses credentials a refresh could not cure. */
  readonly kind: "revoked" | "refused";
  constructor(message: string, options?: TributaryErrorOptions & { kind?: "revoked" | "refused" }) {
    super(ErrorCodes.AUTH_REVOKED, message, {
      hint: "The user withdrew access or their credentials stopped working: they must connect again.",
      ...options,
    });
    this.kind = options?.kind ?? "refused";
  }
}

/** An answer retrying cannot fix (403, 404, other 4xx, a `fail` rule). */
export function requestFailed(message: string, options?: TributaryErrorOptions): UserError {
  return new UserError(ErrorCodes.PROVIDER_REQUEST_FAILED, message, {
    hint: "Check the connector's request (path, parameters, scopes) against the provider's API; the pull is not retried.",
    ...options,
  });
}

/** Timeouts, connection errors, 408/5xx after every attempt: the job-level retry may succeed later. */
export function providerUnavailable(message: string, options?: TributaryErrorOptions): TransientError {
  return new TransientError(ErrorCodes.PROVIDER_UNAVAILABLE, message, {
    hint: "The provider did not answer usefully; the pull is retried with backoff. Check the provider's status if it persists.",
    ...options,
  });
}

/** A 2xx whose body is not what the stream declares (not JSON, records not where the spec says). */
export function badResponse(message: string, options?: TributaryErrorOptions): TransientError {
  return new TransientError(ErrorCodes.PROVIDER_BAD_RESPONSE, message, {
    hint: "The provider answered something the connector spec does not describe; check the spec's records/paging pointers against a real answer.",
    ...options,
  });
}

/** An absolute URL (from a provider answer, a push, or a spec) outside the allowed origins: SSRF refusal. */
export function urlRefused(message: string, options?: TributaryErrorOptions): UserError {
  return new UserError(ErrorCodes.PROVIDER_URL_REFUSED, message, {
    hint: "Only the provider's base URL origin and http.allowedOrigins are requested; add the origin to http.allowedOrigins if the provider really serves data there.",
    ...options,
  });
}
