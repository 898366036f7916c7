-- When the provider last said the user changed what they share (a permissions push): a change older than
-- the one stored — a provider's retry, a job retried after a later change — does not overwrite it.
ALTER TABLE connections ADD COLUMN scopes_changed_at timestamptz;
