-- greffe notices outside any hearing (PostgreSQL). The twin of this file
-- lives in ../sqlite/0016_dossier_notices.sql: keep both in step.

-- A notice task belonged to the publication of a plan and to a hearing.
-- Some notices belong to neither: the communication of the rapporteur's
-- report to the parties' lawyers, the notification of a president's order
-- (déchéance, désistement). So a task's plan and hearing become optional,
-- and the task names its chamber itself (the plan's, or the dossier's when
-- queued) rather than through its plan. A task may also fix the document
-- it notifies at once (`document_sha256`, kept with the pieces' contents):
-- the sealed arrêt, the report's filed version.
ALTER TABLE notice_tasks ALTER COLUMN plan_id DROP NOT NULL;
ALTER TABLE notice_tasks ALTER COLUMN hearing_id DROP NOT NULL;
ALTER TABLE notice_tasks ADD COLUMN chamber TEXT;
UPDATE notice_tasks t SET chamber = p.chamber FROM plans p WHERE p.id = t.plan_id;
ALTER TABLE notice_tasks ALTER COLUMN chamber SET NOT NULL;
ALTER TABLE notice_tasks ADD COLUMN document_sha256 TEXT;
UPDATE notice_tasks t SET document_sha256 = (
    SELECT o.document_sha256 FROM outbox o WHERE o.task_id = t.id AND o.document_sha256 IS NOT NULL LIMIT 1)
WHERE t.kind = 'decision_notice';
CREATE INDEX notice_tasks_chamber ON notice_tasks (chamber, done);

ALTER TABLE outbox ALTER COLUMN hearing_id DROP NOT NULL;
