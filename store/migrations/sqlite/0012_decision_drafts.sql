-- greffe decisions tied to the roll (SQLite). The twin of this file lives in
-- ../postgres/0012_decision_drafts.sql: keep both in step.

-- What happened at a hearing, as its greffier records it after it: the
-- bench that sat, the replacements of the day with their reasons, the
-- avocat général and the greffier (a JSON `SittingRecord`). A decision
-- names only who sat according to this record.
CREATE TABLE sitting_records (
    hearing_id TEXT PRIMARY KEY,
    record TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    version BIGINT NOT NULL
);

-- A dossier's decision being prepared: its current content (a JSON
-- `DecisionContent`, prefilled from the roll), where it stands, and the
-- lateness of mémoires the greffier recorded for its checks (JSON: rule id
-- to what was recorded).
CREATE TABLE decision_drafts (
    dossier_id BIGINT PRIMARY KEY REFERENCES dossiers (id),
    hearing_id TEXT NOT NULL,
    status TEXT NOT NULL,
    content TEXT NOT NULL,
    lateness TEXT NOT NULL DEFAULT '{}',
    version BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Every saved version of a decision's content, with the SHA-256 of its
-- canonical JSON (what signatures will bind) and its journal entry.
CREATE TABLE decision_versions (
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    version BIGINT NOT NULL,
    content TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    journal_seq BIGINT NOT NULL,
    PRIMARY KEY (dossier_id, version)
);
