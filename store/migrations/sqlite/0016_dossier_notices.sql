-- greffe notices outside any hearing (SQLite). The twin of this file lives
-- in ../postgres/0016_dossier_notices.sql: keep both in step.

-- A notice task belonged to the publication of a plan and to a hearing.
-- Some notices belong to neither: the communication of the rapporteur's
-- report to the parties' lawyers, the notification of a president's order
-- (déchéance, désistement). So a task's plan and hearing become optional,
-- and the task names its chamber itself (the plan's, or the dossier's when
-- queued) rather than through its plan. A task may also fix the document
-- it notifies at once (`document_sha256`, kept with the pieces' contents):
-- the sealed arrêt, the report's filed version.
--
-- SQLite cannot drop a NOT NULL in place: both tables are rebuilt. The
-- new outbox refers to the new task table before either is renamed, so
-- that no row is ever without its parent (foreign keys stay on).
CREATE TABLE notice_tasks_new (
    id INTEGER PRIMARY KEY,
    plan_id BIGINT REFERENCES plans (id),
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    hearing_id TEXT,
    chamber TEXT NOT NULL,
    kind TEXT NOT NULL,
    due TEXT,
    label TEXT NOT NULL,
    done BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    late_reason TEXT,
    document_sha256 TEXT
);
INSERT INTO notice_tasks_new (id, plan_id, dossier_id, hearing_id, chamber, kind, due, label, done, created_at,
                              late_reason, document_sha256)
SELECT t.id, t.plan_id, t.dossier_id, t.hearing_id, p.chamber, t.kind, t.due, t.label, t.done, t.created_at,
       t.late_reason,
       (SELECT o.document_sha256 FROM outbox o
         WHERE o.task_id = t.id AND t.kind = 'decision_notice' AND o.document_sha256 IS NOT NULL LIMIT 1)
FROM notice_tasks t JOIN plans p ON p.id = t.plan_id;

CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY,
    task_id BIGINT NOT NULL REFERENCES notice_tasks_new (id),
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    hearing_id TEXT,
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
    created_at TEXT NOT NULL,
    proof TEXT
);
INSERT INTO outbox_new (id, task_id, dossier_id, hearing_id, document, channel, party, recipient, address, status,
                        attempts, next_attempt, worker, lease_until, document_sha256, message_id, last_error, sent_at,
                        created_at, proof)
SELECT id, task_id, dossier_id, hearing_id, document, channel, party, recipient, address, status,
       attempts, next_attempt, worker, lease_until, document_sha256, message_id, last_error, sent_at,
       created_at, proof
FROM outbox;

DROP TABLE outbox;
DROP TABLE notice_tasks;
ALTER TABLE notice_tasks_new RENAME TO notice_tasks;
ALTER TABLE outbox_new RENAME TO outbox;

CREATE INDEX notice_tasks_open ON notice_tasks (done, due);
CREATE INDEX notice_tasks_dossier ON notice_tasks (dossier_id);
CREATE INDEX notice_tasks_chamber ON notice_tasks (chamber, done);
CREATE INDEX outbox_due ON outbox (status, next_attempt);
CREATE INDEX outbox_task ON outbox (task_id);
