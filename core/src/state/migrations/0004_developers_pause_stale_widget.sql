-- Connections belong to a developer account (its dev-id). Rows made before accounts existed have none
-- until the default developer adopts them at start-up.
ALTER TABLE connections ADD COLUMN developer_id text;
CREATE INDEX connections_developer_created_idx ON connections (developer_id, created_at, user_id);
CREATE INDEX connections_developer_reference_idx ON connections (developer_id, reference_id);
CREATE INDEX connections_unowned_idx ON connections (user_id) WHERE developer_id IS NULL;

-- A paused connection stays connected, but none of its data is pulled, accepted or delivered.
ALTER TABLE connections ADD COLUMN paused_at timestamptz;

-- When the connection was reported stale (no new data for its provider's staleAfterDays); new data clears it.
ALTER TABLE connections ADD COLUMN stale_since timestamptz;

-- The account and widget session an authorization flow was started for.
ALTER TABLE auth_sessions ADD COLUMN developer_id text;
ALTER TABLE auth_sessions ADD COLUMN widget_session_id text;
ALTER TABLE auth_sessions ADD COLUMN language text;

-- A hosted connect-widget session (generateWidgetSession): what its page offers, and where it sends the user.
CREATE TABLE widget_sessions (
  id text PRIMARY KEY,
  developer_id text NOT NULL,
  providers text NOT NULL,
  language text,
  reference_id text,
  success_redirect_url text,
  failure_redirect_url text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX widget_sessions_expires_at_idx ON widget_sessions (expires_at);
