-- greffe what a dossier says about itself (SQLite). The twin of this file
-- lives in ../postgres/0017_dossier_description.sql: keep both in step.

-- The attacked decision's nature (appel, dernier_ressort,
-- renvoi_apres_cassation), the earlier cassation a referral names, and
-- whether a QPC is raised. Rows written before have an appeal ruling and
-- no QPC, as their records said nothing else.
ALTER TABLE dossiers ADD COLUMN attacked_nature TEXT NOT NULL DEFAULT 'appel';
ALTER TABLE dossiers ADD COLUMN earlier_pourvoi TEXT;
ALTER TABLE dossiers ADD COLUMN qpc BIGINT NOT NULL DEFAULT 0;
CREATE INDEX dossiers_earlier_pourvoi ON dossiers (earlier_pourvoi);

-- The grounds of the pourvoi (moyens), in the mémoire's order: branches and
-- articles as JSON arrays of strings.
CREATE TABLE dossier_grounds (
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    branches TEXT NOT NULL,
    articles TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (dossier_id, position)
);

-- Keywords of the matter (codes of models/src/vocabulary.toml), in the
-- record's order; the index serves the facets and the dossiers of a topic.
CREATE TABLE dossier_keywords (
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    position BIGINT NOT NULL,
    keyword TEXT NOT NULL,
    PRIMARY KEY (dossier_id, position)
);
CREATE INDEX dossier_keywords_keyword ON dossier_keywords (keyword);

-- The parties' previous pourvois in the same litigation (canonical numbers).
CREATE TABLE dossier_previous_pourvois (
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    position BIGINT NOT NULL,
    pourvoi TEXT NOT NULL,
    PRIMARY KEY (dossier_id, position)
);
CREATE INDEX dossier_previous_pourvois_pourvoi ON dossier_previous_pourvois (pourvoi);
