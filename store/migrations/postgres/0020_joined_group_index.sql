-- greffe joined groups found by their name (PostgreSQL). The twin of this
-- file lives in ../sqlite/0020_joined_group_index.sql: keep both in step.

-- A jonction, a registration or an edit naming a group reads the group's
-- other members (store::dossiers::check_joined_group: one chamber, one
-- section); an import of a court's stock does it once per joined dossier.
CREATE INDEX dossiers_joined_group ON dossiers (joined_group);
