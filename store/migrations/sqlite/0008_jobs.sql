-- greffe durable jobs (SQLite). The twin of this file lives in
-- ../postgres/0008_jobs.sql: keep both in step.

-- A job — a proposal, a simulation run — is a row: queued, then claimed by
-- one worker for a lease it renews with each progress report; a worker that
-- dies lets its lease run out and another takes the job over. Progress,
-- result and cancellation travel through the row, so that any process
-- follows a job run by any other. Times are instants as stored (RFC 3339
-- UTC with microseconds: they sort as text).
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    scope TEXT NOT NULL,
    created_by TEXT NOT NULL,
    request TEXT NOT NULL,
    status TEXT NOT NULL,
    progress TEXT,
    result TEXT,
    error TEXT,
    cancel_requested BIGINT NOT NULL DEFAULT 0,
    worker TEXT,
    lease_until TEXT,
    attempts BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    updated_at TEXT NOT NULL
);
-- The queue: open jobs of a kind, oldest first; running jobs by the end
-- of their lease (the ones to take over).
CREATE INDEX jobs_open ON jobs (kind, status, id);
CREATE INDEX jobs_leases ON jobs (status, lease_until);
