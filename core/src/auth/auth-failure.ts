import { ErrorCodes } from "../errors/codes.ts";
import { isTributaryError, TributaryError } from "../errors/tributary-error.ts";
import type { Logger } from "../log/logger.ts";
import { StateErrorCodes } from "../state/index.ts";
import type { AuthFailed, AuthFailureReason, AuthSessionInfo } from "./auth-outcome.ts";
import { tokenRequestFailed } from "./auth-errors.ts";
import { isTokenEndpointError } from "./token-endpoint-error.ts";

const CONFIGURATION_CODES = new Set<string>([ErrorCodes.AUTH_CLIENT, ErrorCodes.SPEC_INVALID, ErrorCodes.TEMPLATE_VARIABLE, ErrorCodes.PLUGIN_UNKNOWN]);

export function failed(
  reason: AuthFailureReason,
  message: string,
  where: { provider: string | null; session: AuthSessionInfo | null },
  extra: Pick<AuthFailed, "providerError" | "error"> = {},
): AuthFailed {
  return { ok: false, reason, message, provider: where.provider, session: where.session, ...extra };
}

/**
 * What an error thrown while connecting means to the user. `refusedMeans` is what a refusal by the token
 * endpoint says in this flow: a bad code (authorization code flow) or bad credentials (password grant).
 */
export function failureFromError(
  error: unknown,
  where: { provider: string; session: AuthSessionInfo | null },
  refusedMeans: "token_exchange_failed" | "invalid_credentials",
  log: Logger,
): AuthFailed {
  if (isTokenEndpointError(error)) {
    const extra = error.providerError === undefined ? {} : { providerError: error.providerError };
    if (error.kind === "refused") return failed(refusedMeans, error.message, where, extra);
    const wrapped = tokenRequestFailed(where.provider, error, "connect");
    if (error.kind === "client") {
      log.error({ provider: where.provider, code: wrapped.code }, wrapped.toOperatorString());
      return failed("configuration_error", error.message, where, { ...extra, error: wrapped });
    }
    return failed("temporarily_unavailable", error.message, where, { ...extra, error: wrapped });
  }
  if (isTributaryError(error)) {
    if (error.code === ErrorCodes.AUTH_INVALID || error.code === ErrorCodes.AUTH_REVOKED) return failed("invalid_credentials", error.message, where, { error });
    if (error.code === StateErrorCodes.CONFLICT) return failed("account_conflict", error.message, where, { error });
    // The provider refused a connect step (the account request, a registration): nothing the operator set.
    if (error.code === ErrorCodes.AUTH_FLOW || (error.code === ErrorCodes.PROVIDER_REQUEST_FAILED && error.errorClass === "user")) {
      return failed("provider_error", error.message, where, { error });
    }
    if (CONFIGURATION_CODES.has(error.code)) {
      log.error({ provider: where.provider, code: error.code }, error.toOperatorString());
      return failed("configuration_error", error.message, where, { error });
    }
    if (error.errorClass === "transient") return failed("temporarily_unavailable", error.message, where, { error });
    log.error({ provider: where.provider, code: error.code }, error.toOperatorString());
    return failed("internal_error", error.message, where, { error });
  }
  const wrapped = new TributaryError(ErrorCodes.UNEXPECTED, error instanceof Error ? error.message : String(error), "unexpected", { cause: error });
  log.error({ provider: where.provider, err: error }, "connect failed unexpectedly");
  return failed("internal_error", "unexpected error while connecting", where, { error: wrapped });
}
