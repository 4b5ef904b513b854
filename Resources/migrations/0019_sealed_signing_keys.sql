-- Token-signing keys are sealed with the data directory's secrets.key from now on (decision 0021).
-- The plain ones go: a sealed key is made on first use, and access tokens signed with the old
-- ones (15 minutes at most) are refused, so clients refresh once.
DELETE FROM signing_keys;
-- Set when a newer key replaces this one: the key verifies tokens until then (the longest an
-- access token lives) and is deleted at the next rotation after.
ALTER TABLE signing_keys ADD COLUMN retires_at TEXT;
