/**
 * One provider connection, shaped like Terra's TerraUser (snake_case, ISO timestamps, comma-separated
 * `scopes`) plus the bookkeeping fields `/userInfo` also reports. Tokens are never part of it.
 */
export interface Connection {
  user_id: string;
  provider: string;
  /** The developer account (dev-id) the connection belongs to; null for rows from before accounts. */
  developer_id: string | null;
  reference_id: string | null;
  provider_user_id: string | null;
  scopes: string | null;
  active: boolean;
  created_at: string;
  updated_at: string;
  last_webhook_update: string | null;
  last_polled_at: string | null;
  /** The newest data point received for the connection (records' end or start time). */
  most_recent_data_at: string | null;
  /** `revoked`: the provider refused to refresh the tokens; the user must connect again. */
  auth_status: ConnectionAuthStatus;
  /** Why, in the provider's words (secret-free); null while `ok`. */
  auth_error: string | null;
  auth_error_at: string | null;
  /** Set while the developer has paused the connection's data. */
  paused_at: string | null;
}

export type ConnectionAuthStatus = "ok" | "revoked";

/** A connection whose scopes were replaced, and the scopes it had before (comma-separated, or null). */
export interface ScopesReplaced {
  previous: string | null;
  connection: Connection;
}

/** Whatever the connector needs to call the provider, e.g. `{ access_token, refresh_token, expires_at }`. */
export type ConnectionTokens = Record<string, unknown>;

export interface CreateConnectionInput {
  /** Provider enum as Terra spells it ("FITBIT"); stored verbatim. */
  provider: string;
  /** Pre-allocated id (from an auth session); a random UUID otherwise. */
  userId?: string;
  /** The developer account (dev-id) it belongs to. */
  developerId?: string | null;
  referenceId?: string | null;
  providerUserId?: string | null;
  /** Comma-separated like Terra, or a list that is joined with commas. */
  scopes?: string | readonly string[] | null;
  tokens?: ConnectionTokens | null;
}

/** Whose a connection of a provider account is: one active connection each (a reconnect replaces it). */
export interface ConnectionOwner {
  developerId: string | null;
  referenceId: string | null;
}

export interface ListConnectionsFilter {
  provider?: string;
  active?: boolean;
  referenceId?: string;
  developerId?: string;
  paused?: boolean;
  /** @default 100, at most 1000 */
  limit?: number;
  offset?: number;
}

/** Connections to report stale: active, not paused, not yet reported, and no data since `before`. */
export interface StaleCandidatesFilter {
  provider: string;
  before: Date | string;
  /** @default 500 */
  limit?: number;
}
