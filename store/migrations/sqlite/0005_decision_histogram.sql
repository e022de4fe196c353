-- greffe dashboard: days to decision grouped in index order (sqlite).
-- The twin of this file lives in ../postgres/0005_decision_histogram.sql: keep both in step.

-- The dashboard counts decisions of a period by chamber and days to
-- decision. With an index on the decision date, SQLite read the period in
-- date order and then sorted it to group it (21 ms of a 45 ms dashboard at
-- 97,288 dossiers); with the grouping columns first it reads the index in
-- group order and filters the dates as it goes (7 ms), the cost growing with
-- the decisions kept rather than with the period asked (docs/benchmarks.md).
DROP INDEX decisions_decided_on;
CREATE INDEX decisions_histogram ON decisions (chamber, days_to_decision, decided_on);
