-- greffe hearing-plan workflow (SQLite). The PostgreSQL twin lives in
-- ../postgres/0002_plans.sql: keep both in step.

-- Planner overrides of a dossier, set by the chamber president (JSON:
-- {"formations": ["FS", "FR"], "weight": 2.5}); NULL: from the circuit.
ALTER TABLE dossiers ADD COLUMN planning TEXT;

-- Hearing plans: drafts (visible to their chamber only), validated,
-- published, amended (a published plan replaced by its amendment), stale
-- (a draft overtaken by a publication over its chamber and horizon).
CREATE TABLE plans (
    id INTEGER PRIMARY KEY,
    chamber TEXT NOT NULL REFERENCES chambers (code),
    horizon_start TEXT NOT NULL,
    horizon_end TEXT NOT NULL,
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    instance TEXT NOT NULL,
    plan TEXT NOT NULL,
    report TEXT NOT NULL,
    hard_violations BIGINT NOT NULL,
    amends BIGINT,
    stale_reason TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX plans_chamber_status ON plans (chamber, status, horizon_start);

-- Every change of a plan: edits with the checker's verdict, transitions.
CREATE TABLE plan_history (
    plan_id BIGINT NOT NULL REFERENCES plans (id),
    seq BIGINT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    hard_violations BIGINT NOT NULL,
    PRIMARY KEY (plan_id, seq)
);

-- The published roll of each hearing (rôle d'audience) and its bench.
CREATE TABLE hearing_roll (
    hearing_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    plan_id BIGINT NOT NULL REFERENCES plans (id),
    PRIMARY KEY (hearing_id, dossier_id)
);
CREATE INDEX hearing_roll_dossier ON hearing_roll (dossier_id);

CREATE TABLE hearing_bench (
    hearing_id TEXT NOT NULL,
    magistrate TEXT NOT NULL,
    presides BIGINT NOT NULL,
    plan_id BIGINT NOT NULL REFERENCES plans (id),
    PRIMARY KEY (hearing_id, magistrate)
);
CREATE INDEX hearing_bench_magistrate ON hearing_bench (magistrate);

-- Registry tasks a publication implies: notices to send (with their last
-- day), notices to withdraw, compositions to announce.
CREATE TABLE notice_tasks (
    id INTEGER PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES plans (id),
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    hearing_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    due TEXT,
    label TEXT NOT NULL,
    done BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX notice_tasks_open ON notice_tasks (done, due);
CREATE INDEX notice_tasks_dossier ON notice_tasks (dossier_id);
