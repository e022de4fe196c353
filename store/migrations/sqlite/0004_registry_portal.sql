-- greffe registry portal: search by lawyer, recorded journal verifications (sqlite).
-- The twin of this file lives in ../postgres/0004_registry_portal.sql: keep both in step.

-- A party's lawyer as searched: lower-cased by the service (the same rule on
-- both backends); filled for older rows when the store opens.
ALTER TABLE dossier_parties ADD COLUMN lawyer_key TEXT;
CREATE INDEX dossier_parties_lawyer ON dossier_parties (lawyer_key);

-- Every full verification of the journal's hash chain: when, by whom, and
-- what it found (the dossier page shows the last one).
CREATE TABLE journal_verifications (
    id INTEGER PRIMARY KEY,
    verified_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    intact BIGINT NOT NULL,
    entries BIGINT NOT NULL,
    head TEXT,
    first_break BIGINT,
    problem TEXT
);
