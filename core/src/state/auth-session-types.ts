export interface CreateAuthSessionInput {
  provider: string;
  /** The developer account (dev-id) the connection will belong to. */
  developerId?: string | null;
  /** The widget session the user started from, if any. */
  widgetSessionId?: string | null;
  language?: string | null;
  /** OAuth `state` / widget session id; 32 random bytes (base64url) when omitted. */
  state?: string;
  /** The Terra user_id handed out before the user finishes connecting; a random UUID when omitted. */
  userId?: string;
  referenceId?: string | null;
  /** Flow secret such as a PKCE verifier; encrypted at rest. */
  secret?: string | null;
  successRedirectUrl?: string | null;
  failureRedirectUrl?: string | null;
  /** @default 900 (Terra's widget session lifetime) */
  ttlSeconds?: number;
  /** Overrides `ttlSeconds`. */
  expiresAt?: Date | string;
}

export interface AuthSession {
  state: string;
  provider: string;
  developer_id: string | null;
  widget_session_id: string | null;
  language: string | null;
  reference_id: string | null;
  user_id: string;
  /** Decrypted. */
  secret: string | null;
  success_redirect_url: string | null;
  failure_redirect_url: string | null;
  created_at: string;
  expires_at: string;
}

export interface ClaimedAuthSession {
  session: AuthSession;
  /** Past `expires_at`: the flow must not go on, but its redirect URLs and reference id are known. */
  expired: boolean;
}
