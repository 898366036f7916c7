-- Records several provider records make together (a Garmin day: its summary, its epochs, its user
-- metrics): the parts delivered so far, per user, data type and natural key, so the record delivered next
-- holds them all instead of overwriting them. `parts` maps a part id to { precedence, at, record }.
CREATE TABLE record_parts (
  user_id uuid NOT NULL REFERENCES connections (user_id) ON DELETE CASCADE,
  data_type text NOT NULL,
  record_key text NOT NULL,
  parts jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, data_type, record_key)
);
