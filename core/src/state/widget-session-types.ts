export interface CreateWidgetSessionInput {
  /** The developer account (dev-id) that asked for it. */
  developerId: string;
  /** Providers the widget offers, in order. */
  providers: readonly string[];
  language?: string | null;
  referenceId?: string | null;
  successRedirectUrl?: string | null;
  failureRedirectUrl?: string | null;
  /** @default 900 (Terra's widget session lifetime) */
  ttlSeconds?: number;
}

export interface WidgetSession {
  /** Random, unguessable: the session's URL is all the end user needs. */
  id: string;
  developer_id: string;
  providers: string[];
  language: string | null;
  reference_id: string | null;
  success_redirect_url: string | null;
  failure_redirect_url: string | null;
  created_at: string;
  expires_at: string;
}
