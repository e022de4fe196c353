-- greffe magistrates' work documents (SQLite). The twin of this file lives in
-- ../postgres/0014_work_documents.sql: keep both in step.

-- Every filed version of a work document of a dossier: the rapporteur's
-- report, opinion and draft decisions, the avocat général's opinion (a
-- JSON `WorkContent`), the SHA-256 of that JSON, the rendered PDF (kept
-- by its SHA-256 with the pieces' contents), its author (a magistrate) and
-- its journal entry. `number` is 1 but for the draft decisions, numbered
-- from 1. Who reads which kind is models::work::VISIBILITY.
CREATE TABLE work_versions (
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    kind TEXT NOT NULL,
    number BIGINT NOT NULL,
    version BIGINT NOT NULL,
    content TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    pdf_sha256 TEXT NOT NULL,
    author TEXT NOT NULL,
    filed_by TEXT NOT NULL,
    filed_on TEXT NOT NULL,
    filed_at TEXT NOT NULL,
    journal_seq BIGINT NOT NULL,
    PRIMARY KEY (dossier_id, kind, number, version)
);
