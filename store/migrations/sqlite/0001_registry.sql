-- greffe registry schema (SQLite). The PostgreSQL twin lives in
-- ../postgres/0001_registry.sql: keep both in step (same tables, columns,
-- constraints; only the id and blob types differ).
-- Dates are ISO 8601 text (YYYY-MM-DD), instants RFC 3339 UTC text with
-- microseconds: both sort as text on both backends.

CREATE TABLE chambers (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    nature TEXT NOT NULL CHECK (nature IN ('civil', 'penal')),
    sections TEXT NOT NULL DEFAULT '[]',
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE magistrates (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    chamber TEXT NOT NULL REFERENCES chambers (code),
    section TEXT,
    rank BIGINT NOT NULL,
    weekly_cap BIGINT,
    absences TEXT NOT NULL DEFAULT '[]',
    active BIGINT NOT NULL DEFAULT 1,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX magistrates_chamber ON magistrates (chamber);

CREATE TABLE hearings (
    id TEXT PRIMARY KEY,
    chamber TEXT NOT NULL REFERENCES chambers (code),
    date TEXT NOT NULL,
    half_day TEXT NOT NULL,
    formation TEXT NOT NULL,
    capacity BIGINT NOT NULL,
    room TEXT,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX hearings_chamber_date ON hearings (chamber, date);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    chambers TEXT NOT NULL,
    magistrate TEXT,
    created_at TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE tokens (
    hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    label TEXT,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE dossiers (
    id INTEGER PRIMARY KEY,
    pourvoi TEXT NOT NULL UNIQUE,
    nature TEXT NOT NULL,
    procedure TEXT NOT NULL,
    chamber TEXT NOT NULL REFERENCES chambers (code),
    section TEXT,
    matter TEXT,
    circuit TEXT,
    status TEXT NOT NULL,
    registered_on TEXT NOT NULL,
    urgent BIGINT NOT NULL DEFAULT 0,
    attacked_court TEXT NOT NULL,
    attacked_date TEXT NOT NULL,
    attacked_docket TEXT NOT NULL,
    attacked_key TEXT NOT NULL,
    residence_demandeur TEXT NOT NULL,
    residence_defendeur TEXT NOT NULL,
    avocat_general TEXT,
    joined_group TEXT,
    decided_on TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX dossiers_chamber_status ON dossiers (chamber, status);
CREATE INDEX dossiers_registered ON dossiers (registered_on, chamber);
-- Covers the open stock by status (search by status, the dashboard).
CREATE INDEX dossiers_open ON dossiers (status, chamber, circuit, registered_on);
CREATE INDEX dossiers_attacked ON dossiers (attacked_key);
CREATE INDEX dossiers_avocat_general ON dossiers (avocat_general);

CREATE TABLE dossier_parties (
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    role TEXT NOT NULL,
    lawyer TEXT,
    PRIMARY KEY (dossier_id, position)
);
CREATE INDEX dossier_parties_name ON dossier_parties (name_key);

CREATE TABLE dossier_rapporteurs (
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    magistrate TEXT NOT NULL,
    PRIMARY KEY (dossier_id, magistrate)
);
CREATE INDEX dossier_rapporteurs_magistrate ON dossier_rapporteurs (magistrate);

CREATE TABLE dossier_recusals (
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    magistrate TEXT NOT NULL,
    ground TEXT NOT NULL,
    PRIMARY KEY (dossier_id, magistrate)
);

-- The journal: append-only, hash-chained. Each entry's hash covers its own
-- fields and the previous entry's hash (see store::journal).
CREATE TABLE journal (
    seq BIGINT PRIMARY KEY,
    recorded_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    dossier_id BIGINT REFERENCES dossiers (id),
    kind TEXT NOT NULL,
    event_date TEXT,
    payload TEXT NOT NULL,
    corrects BIGINT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX journal_dossier ON journal (dossier_id, seq);

-- One row: the chain's end (last seq and hash), recorded at each write's
-- commit; on PostgreSQL, write transactions lock it first (serialising
-- journal appends).
CREATE TABLE journal_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO journal_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE pieces (
    id INTEGER PRIMARY KEY,
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    kind TEXT NOT NULL,
    filed_by TEXT NOT NULL,
    filed_on TEXT NOT NULL,
    filename TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    journal_seq BIGINT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX pieces_dossier ON pieces (dossier_id);

-- Piece contents by SHA-256 when kept in the database (PostgreSQL); the
-- SQLite store keeps them in a directory beside the database file.
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    bytes BLOB NOT NULL
);

CREATE TABLE decisions (
    dossier_id BIGINT PRIMARY KEY REFERENCES dossiers (id),
    decided_on TEXT NOT NULL,
    solution TEXT NOT NULL,
    formation TEXT NOT NULL,
    publication TEXT NOT NULL,
    ecli TEXT UNIQUE,
    number TEXT,
    -- The deciding chamber and the days from registration to decision
    -- (facts of the decision, kept for the dashboard's figures).
    chamber TEXT NOT NULL,
    days_to_decision BIGINT NOT NULL,
    journal_seq BIGINT NOT NULL
);
CREATE INDEX decisions_decided_on ON decisions (decided_on, chamber, days_to_decision);

CREATE TABLE cnp_requests (
    id INTEGER PRIMARY KEY,
    requested_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    request TEXT NOT NULL,
    outcome TEXT NOT NULL,
    answer TEXT NOT NULL,
    journal_seq BIGINT NOT NULL
);

CREATE TABLE idempotency (
    user_id TEXT NOT NULL,
    key TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status BIGINT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
);

-- Each dossier's deadlines as of its last journal change (the deadline
-- engine's result; see store::deadlines). `settled` is met, missed (act out
-- of time), interrupted or closed; NULL while the deadline runs, in which
-- case its state on a given day follows from `due`.
CREATE TABLE deadlines (
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    rule TEXT NOT NULL,
    label TEXT NOT NULL,
    article TEXT NOT NULL,
    applies_to TEXT NOT NULL,
    due TEXT,
    settled TEXT,
    confirmed BIGINT NOT NULL,
    PRIMARY KEY (dossier_id, rule)
);
CREATE INDEX deadlines_running ON deadlines (applies_to, settled, due);
