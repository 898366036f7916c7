-- One row per provider connection; `user_id` is the Terra user id handed to developers.
CREATE TABLE connections (
  user_id uuid PRIMARY KEY,
  provider text NOT NULL,
  reference_id text,
  provider_user_id text,
  scopes text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  last_webhook_update timestamptz,
  last_polled_at timestamptz,
  most_recent_data_at timestamptz,
  -- AES-256-GCM blob bound to user_id; never plaintext.
  tokens_ciphertext text
);

-- Inactive rows are kept for audit, so only live connections must be unique per provider account.
CREATE UNIQUE INDEX connections_provider_user_active_key
  ON connections (provider, provider_user_id)
  WHERE active AND provider_user_id IS NOT NULL;
CREATE INDEX connections_reference_id_idx ON connections (reference_id);
CREATE INDEX connections_created_at_idx ON connections (created_at, user_id);

CREATE TABLE auth_sessions (
  state text PRIMARY KEY,
  provider text NOT NULL,
  reference_id text,
  user_id uuid NOT NULL,
  secret_ciphertext text,
  success_redirect_url text,
  failure_redirect_url text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX auth_sessions_expires_at_idx ON auth_sessions (expires_at);

CREATE TABLE cursors (
  user_id uuid NOT NULL REFERENCES connections (user_id) ON DELETE CASCADE,
  data_type text NOT NULL,
  cursor jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, data_type)
);

-- Audit rows outlive their connection, hence no foreign keys from here on.
CREATE TABLE deliveries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  trace_id text NOT NULL,
  destination text NOT NULL,
  event_type text NOT NULL,
  user_id uuid,
  reference text,
  status text NOT NULL CHECK (status IN ('delivered', 'failed', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  CONSTRAINT deliveries_trace_destination_key UNIQUE (trace_id, destination)
);
CREATE INDEX deliveries_created_at_idx ON deliveries (created_at DESC, id DESC);
CREATE INDEX deliveries_status_idx ON deliveries (status, created_at DESC);

CREATE TABLE dead_letters (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  queue text NOT NULL,
  destination text,
  trace_id text,
  job_name text NOT NULL,
  job_data jsonb NOT NULL,
  error text,
  error_code text,
  attempts integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  replayed_at timestamptz
);
CREATE INDEX dead_letters_pending_idx ON dead_letters (created_at DESC) WHERE replayed_at IS NULL;

CREATE TABLE quarantine (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id uuid,
  provider text,
  data_type text,
  record jsonb,
  raw jsonb,
  issues jsonb NOT NULL,
  trace_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz
);
CREATE INDEX quarantine_user_data_type_idx ON quarantine (user_id, data_type);
CREATE INDEX quarantine_unresolved_idx ON quarantine (created_at DESC) WHERE resolved_at IS NULL;
