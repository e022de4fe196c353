-- greffe referrals to a chambre mixte or the assemblée plénière (sqlite).
-- The twin of this file lives in ../postgres/0018_referrals.sql: keep both in step.

-- A dossier referred to CM or AP (L431-5 to L431-7 COJ): one row per
-- dossier, written with the journal's referral_ordered entry (whose seq it
-- keeps). The journal holds every orientation decision and every declined
-- referral with its reason; this row is what the planning reads: the
-- chamber's instance leaves the dossier out, the formation's takes it.
CREATE TABLE dossier_referrals (
    dossier_id BIGINT PRIMARY KEY REFERENCES dossiers (id),
    formation TEXT NOT NULL,
    article TEXT NOT NULL,
    ordered_by TEXT NOT NULL,
    from_chamber TEXT NOT NULL,
    chambers TEXT NOT NULL,
    mandatory BIGINT NOT NULL,
    ordered_on TEXT NOT NULL,
    reason TEXT,
    journal_seq BIGINT NOT NULL
);
CREATE INDEX dossier_referrals_formation ON dossier_referrals (formation);
