-- greffe dashboard: days to decision grouped in index order (sqlite).
-- The twin of this file lives in ../postgres/0005_decision_histogram.sql: keep both in step.

-- The dashboard counts decisions of a period by chamber and days to
-- decision. Through the index on the decision date, SQLite read the period
-- in date order and then sorted it to group it (21 ms of a 45 ms dashboard
-- at 97,288 dossiers); through this one it reads the groups in order and
-- filters the dates on the way (7 ms). PostgreSQL keeps using the date index
-- (without it, its dashboard took twice as long): both stay, and the query
-- names this one to SQLite only (store/src/dashboard.rs, docs/benchmarks.md).
CREATE INDEX decisions_histogram ON decisions (chamber, days_to_decision, decided_on);
