-- greffe decisions tied to the roll (PostgreSQL). The twin of this file lives in
-- ../sqlite/0012_decision_drafts.sql: keep both in step.

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

-- The signing key of each user who signs decisions (Ed25519; the secret
-- seed in hexadecimal), created at the first signature. Held by the
-- service: a stand-in for a hardware module or a qualified signature
-- device (docs/ARCHITECTURE.md, « Signatures »).
CREATE TABLE signing_keys (
    user_id TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    secret_key TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Signatures of a decision's versions, each binding the version's SHA-256;
-- voided (with the reason) when a later version is saved.
CREATE TABLE decision_signatures (
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    version BIGINT NOT NULL,
    role TEXT NOT NULL,
    signer TEXT NOT NULL,
    name TEXT NOT NULL,
    magistrate TEXT,
    public_key TEXT NOT NULL,
    signature TEXT NOT NULL,
    signed_at TEXT NOT NULL,
    journal_seq BIGINT NOT NULL,
    void_reason TEXT,
    PRIMARY KEY (dossier_id, version, role, signer)
);
