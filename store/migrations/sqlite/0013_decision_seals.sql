-- greffe sealed decisions (SQLite). The twin of this file lives in
-- ../postgres/0013_decision_seals.sql: keep both in step.

-- The seal of a fully signed decision: its PDF (the arrêt as signed, kept
-- by its SHA-256 with the pieces' contents) sealed by the greffe's key,
-- and the journal entry that records its hash. Confidential until the
-- pronouncement date; rendering requires it.
CREATE TABLE decision_seals (
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    version BIGINT NOT NULL,
    content_sha256 TEXT NOT NULL,
    pdf_sha256 TEXT NOT NULL,
    sealed_at TEXT NOT NULL,
    journal_seq BIGINT NOT NULL,
    PRIMARY KEY (dossier_id, version)
);
