-- Distribution (rapporteurs and avocats généraux designated by load and
-- competence): what a magistrate declares. Both lists are JSON arrays of
-- text, like `absences`; keep the SQLite and PostgreSQL twins in step.
--   specialties  matters (codes of the dossiers' `matter`) he is competent in
--   interests    parties (names) he declared an interest with: he may not
--                be designated on their dossiers (L111-6 COJ)
ALTER TABLE magistrates ADD COLUMN specialties TEXT NOT NULL DEFAULT '[]';
ALTER TABLE magistrates ADD COLUMN interests TEXT NOT NULL DEFAULT '[]';
