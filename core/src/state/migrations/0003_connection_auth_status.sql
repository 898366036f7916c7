-- A connection whose provider refused to refresh its tokens is kept (the developer may ask the user to
-- reconnect) but marked, so no worker spends its dead refresh token again and operators can see why.
ALTER TABLE connections ADD COLUMN auth_status text NOT NULL DEFAULT 'ok' CHECK (auth_status IN ('ok', 'revoked'));
ALTER TABLE connections ADD COLUMN auth_error text;
ALTER TABLE connections ADD COLUMN auth_error_at timestamptz;
