-- greffe president's orders (PostgreSQL). The twin of this file lives in
-- ../sqlite/0015_orders.sql: keep both in step.

-- A dossier's order (déchéance, désistement) being prepared: its current
-- content (a JSON `OrderContent`), where it stands (drafted, awaiting
-- signatures, rendered) and its version. One per dossier: it ends the
-- pourvoi.
CREATE TABLE orders (
    dossier_id BIGINT PRIMARY KEY REFERENCES dossiers (id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    content TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Every saved version of an order, with the SHA-256 of its canonical JSON
-- (what the signatures bind) and its journal entry.
CREATE TABLE order_versions (
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    version BIGINT NOT NULL,
    content TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    journal_seq BIGINT NOT NULL,
    PRIMARY KEY (dossier_id, version)
);

-- Signatures of an order's versions (the president's, the greffier's),
-- each binding the version's SHA-256 with the signer's key of
-- signing_keys; voided (with the reason) when a later version is saved.
CREATE TABLE order_signatures (
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    version BIGINT NOT NULL,
    role TEXT NOT NULL,
    signer TEXT NOT NULL,
    name TEXT NOT NULL,
    magistrate TEXT,
    public_key TEXT NOT NULL,
    signature TEXT NOT NULL,
    signed_at TEXT NOT NULL,
    journal_seq BIGINT NOT NULL,
    void_reason TEXT,
    PRIMARY KEY (dossier_id, version, role, signer)
);
