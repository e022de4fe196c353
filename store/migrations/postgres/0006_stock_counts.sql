-- greffe dashboard: the stock counted as it changes (postgres).
-- The twin of this file lives in ../sqlite/0006_stock_counts.sql: keep both in step.

-- The dashboard's stock figures were counted from every dossier on each
-- request (three scans of the 97,288 dossiers of the benchmark store, about
-- 25 ms of CPU). These two tables hold the same counts, kept by triggers on
-- `dossiers` in the transaction of each write, so no write path can forget
-- them: by chamber, status and circuit ('none' before orientation); and by
-- chamber, registration day and openness (for the age buckets of the open
-- stock and the registrations of a period). A dossier is open unless its
-- status is decided, closed, withdrawn or lapsed (DossierStatus::is_open;
-- a store test holds the two in step). `Store::stock_count_drift` recounts.
-- Dossiers are never deleted (the journal refers to them): no delete trigger.
-- A bulk import pauses the triggers inside its own transaction (a row in
-- `stock_counts_paused`, seen by no other transaction) and recounts before
-- its commit: on PostgreSQL, thousands of updates of one counter row in one
-- transaction make a version chain that every further update walks (the
-- demonstration court's import took 764 s instead of 248 s).
CREATE TABLE stock_counts (
    chamber TEXT NOT NULL,
    status TEXT NOT NULL,
    circuit TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (chamber, status, circuit)
);
CREATE TABLE registrations_by_day (
    chamber TEXT NOT NULL,
    registered_on TEXT NOT NULL,
    open BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (chamber, registered_on, open)
);
CREATE TABLE stock_counts_paused (
    paused BIGINT PRIMARY KEY
);
INSERT INTO stock_counts (chamber, status, circuit, n)
    SELECT chamber, status, COALESCE(circuit, 'none'), COUNT(*) FROM dossiers GROUP BY 1, 2, 3;
INSERT INTO registrations_by_day (chamber, registered_on, open, n)
    SELECT chamber, registered_on,
           CASE WHEN status IN ('decided', 'closed', 'withdrawn', 'lapsed') THEN 0 ELSE 1 END, COUNT(*)
    FROM dossiers GROUP BY 1, 2, 3;

-- The triggers differ by backend from here on (PostgreSQL runs a function).
CREATE FUNCTION dossiers_stock_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM stock_counts_paused) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        UPDATE stock_counts SET n = n - 1
            WHERE chamber = OLD.chamber AND status = OLD.status AND circuit = COALESCE(OLD.circuit, 'none');
        UPDATE registrations_by_day SET n = n - 1
            WHERE chamber = OLD.chamber AND registered_on = OLD.registered_on
              AND open = CASE WHEN OLD.status IN ('decided', 'closed', 'withdrawn', 'lapsed') THEN 0 ELSE 1 END;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO stock_counts AS s (chamber, status, circuit, n)
            VALUES (NEW.chamber, NEW.status, COALESCE(NEW.circuit, 'none'), 1)
            ON CONFLICT (chamber, status, circuit) DO UPDATE SET n = s.n + 1;
        INSERT INTO registrations_by_day AS r (chamber, registered_on, open, n)
            VALUES (NEW.chamber, NEW.registered_on,
                    CASE WHEN NEW.status IN ('decided', 'closed', 'withdrawn', 'lapsed') THEN 0 ELSE 1 END, 1)
            ON CONFLICT (chamber, registered_on, open) DO UPDATE SET n = r.n + 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER dossiers_stock_insert AFTER INSERT ON dossiers
    FOR EACH ROW EXECUTE FUNCTION dossiers_stock_follow();
CREATE TRIGGER dossiers_stock_update AFTER UPDATE OF chamber, status, circuit, registered_on ON dossiers
    FOR EACH ROW
    WHEN (OLD.chamber IS DISTINCT FROM NEW.chamber OR OLD.status IS DISTINCT FROM NEW.status
          OR OLD.circuit IS DISTINCT FROM NEW.circuit OR OLD.registered_on IS DISTINCT FROM NEW.registered_on)
    EXECUTE FUNCTION dossiers_stock_follow();
