-- greffe outbox (SQLite). The twin of this file lives in
-- ../postgres/0010_outbox.sql: keep both in step.

-- Where a party's notices go: its lawyer's e-mail address, or, for a party
-- without a lawyer, its postal address (a letter the greffe prints).
ALTER TABLE dossier_parties ADD COLUMN lawyer_email TEXT;
ALTER TABLE dossier_parties ADD COLUMN address TEXT;

-- The transactional outbox: one row per document to send to one
-- recipient, written in the transaction of the event that causes it (the
-- publication of a plan or of an avenant), so that no notice is lost and
-- none is sent for an event that did not happen. The dispatcher claims due
-- rows for a lease, renders the document once (content-addressed, its
-- SHA-256 kept here so that every attempt sends the same bytes), sends it
-- with the stable Message-ID <outbox-ID@domain>, and records the outcome.
-- status: pending (to send, at next_attempt), sent, refused (a permanent
-- refusal: a clerk's task says what to do), letter (to print and post),
-- posted (the clerk posted it). Times are instants as stored (RFC 3339 UTC
-- with microseconds: they sort as text).
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    task_id BIGINT NOT NULL REFERENCES notice_tasks (id),
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    hearing_id TEXT NOT NULL,
    document TEXT NOT NULL,
    channel TEXT NOT NULL,
    party TEXT NOT NULL,
    recipient TEXT NOT NULL,
    address TEXT,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt TEXT NOT NULL,
    worker TEXT,
    lease_until TEXT,
    document_sha256 TEXT,
    message_id TEXT,
    last_error TEXT,
    sent_at TEXT,
    created_at TEXT NOT NULL
);
-- The dispatcher's queue: due rows by status and time; a task's rows.
CREATE INDEX outbox_due ON outbox (status, next_attempt);
CREATE INDEX outbox_task ON outbox (task_id);
