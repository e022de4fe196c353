-- greffe outbox: proof of dispatch (PostgreSQL). The twin of this file lives
-- in ../sqlite/0011_outbox_proof.sql: keep both in step.

-- What proves that a row left (art. 748-6 CPC asks for a proof of
-- dispatch): for an e-mail, the mail server's reply accepting it
-- ("250 2.0.0 Ok: queued as …"); for a letter, what the clerk recorded on
-- posting it (the registered letter's number, if any).
ALTER TABLE outbox ADD COLUMN proof TEXT;
