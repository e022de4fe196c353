-- greffe portal sign-in (PostgreSQL). The SQLite twin lives in
-- ../sqlite/0003_portal.sql: keep both in step.

-- An argon2id hash (PHC string) set by `greffe user password`; none: the
-- user cannot sign in to the portal (API tokens are apart).
ALTER TABLE users ADD COLUMN password_hash TEXT;

-- Portal sessions: the cookie's value is never stored, only its SHA-256.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins, to slow repeated attempts on one account.
CREATE TABLE sign_in_failures (
    user_id TEXT NOT NULL,
    failed_at TEXT NOT NULL
);
CREATE INDEX sign_in_failures_user ON sign_in_failures (user_id, failed_at);
