-- Terra's rule for an account connected again: under the same developer and reference_id it replaces the
-- earlier connection (user_reauth); under another reference_id, or for another developer, it is a
-- connection of its own, and the provider's pushes for the account reach each of them. A missing
-- reference_id is one reference of its own.
DROP INDEX connections_provider_user_active_key;
CREATE UNIQUE INDEX connections_provider_user_active_key
  ON connections (provider, provider_user_id, COALESCE(developer_id, ''), COALESCE(reference_id, ''))
  WHERE active AND provider_user_id IS NOT NULL;
