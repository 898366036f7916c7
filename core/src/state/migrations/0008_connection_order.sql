-- "The newest connection of an account" must not depend on the clock's resolution: two connections made
-- within one tick of now() (PGlite's clock is coarse) would otherwise be ordered by their random user_id.
-- An identity column numbers connections in the order they were made; existing rows get numbers in table order.
ALTER TABLE connections ADD COLUMN created_seq bigint GENERATED ALWAYS AS IDENTITY;
