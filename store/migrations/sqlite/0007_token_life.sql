-- greffe accounts: token expiry and last use (sqlite).
-- The twin of this file lives in ../postgres/0007_token_life.sql: keep both in step.

-- A token may end on a day (`expires_on`, included, Paris time) and records
-- its last use to the hour (`last_used_at`, an instant; written at most once
-- an hour per token, so reading the API costs no write per request).
ALTER TABLE tokens ADD COLUMN expires_on TEXT;
ALTER TABLE tokens ADD COLUMN last_used_at TEXT;
