import type { Connection } from "../state/index.ts";
import type { TributaryError } from "../errors/tributary-error.ts";

/**
 * Why a connect attempt ended without a connection. The connect widget turns these into Terra's auth
 * error event (`auth_cancelled` with `reason`) and the failure redirect.
 * - access_denied: the user declined at the provider's consent page;
 * - provider_error: the provider redirected back with another error, or answered without the user's id;
 * - invalid_state: the callback's state is missing, unknown or already used (replay, double submit);
 * - session_expired: the user took longer than the session's lifetime;
 * - session_mismatch: the callback belongs to another provider's flow or another browser;
 * - token_exchange_failed: the token endpoint refused the code (used, expired, wrong PKCE verifier);
 * - invalid_credentials: the provider refused the password, token or API key the user entered;
 * - account_conflict: the same provider account was being connected twice at once;
 * - temporarily_unavailable: the provider (or our database) failed; the user can try again;
 * - configuration_error: the operator's config or the connector spec is wrong; no user can fix it;
 * - internal_error: a bug; logged with its stack.
 */
export type AuthFailureReason =
  | "access_denied"
  | "provider_error"
  | "invalid_state"
  | "session_expired"
  | "session_mismatch"
  | "token_exchange_failed"
  | "invalid_credentials"
  | "account_conflict"
  | "temporarily_unavailable"
  | "configuration_error"
  | "internal_error";

/** The auth session a callback belonged to: where to send the user, and for whom. */
export interface AuthSessionInfo {
  /** The flow id (the OAuth state, spent by now). */
  state: string;
  provider: string;
  /** The user_id handed out when the flow began. */
  userId: string;
  referenceId: string | null;
  /** The developer account the connection belongs to (null: the default developer's). */
  developerId: string | null;
  /** The hosted widget session the flow was started from. */
  widgetSessionId: string | null;
  language: string | null;
  successRedirectUrl: string | null;
  failureRedirectUrl: string | null;
}

export type AuthOutcome = AuthConnected | AuthFailed;

export interface AuthConnected {
  ok: true;
  provider: string;
  connection: Connection;
  /**
   * The earlier active connection of the same provider account, now deactivated with its tokens
   * dropped: the caller sends `user_reauth` (old and new user) besides `auth`.
   */
  replaced: Connection | null;
  session: AuthSessionInfo | null;
}

export interface AuthFailed {
  ok: false;
  reason: AuthFailureReason;
  /** For operators and logs; secret-free. */
  message: string;
  provider: string | null;
  session: AuthSessionInfo | null;
  /** The provider's own error code (OAuth `error`, envelope status), when it gave one. */
  providerError?: string;
  /** What went wrong, for the operator's log (never shown to the end user). */
  error?: TributaryError;
}
