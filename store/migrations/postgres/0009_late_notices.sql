-- greffe late notices (PostgreSQL). The twin of this file lives in
-- ../sqlite/0009_late_notices.sql: keep both in step.

-- A notice whose last day had already passed when its hearing was
-- published: publication is refused unless the clerk records why (the
-- parties' agreement, for instance); the reason stays with the notice so
-- that the decision's defect checks read it.
ALTER TABLE notice_tasks ADD COLUMN late_reason TEXT;
