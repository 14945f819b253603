-- A signup code carries the credentials of whoever asked for it: they are set on the
-- profile only when the code proves the address (a claim never changes before a proof).
ALTER TABLE codes ADD COLUMN claim_password_hash TEXT;
ALTER TABLE codes ADD COLUMN claim_first_name TEXT;
ALTER TABLE codes ADD COLUMN claim_last_name TEXT;
ALTER TABLE codes ADD COLUMN claim_change_required INTEGER NOT NULL DEFAULT 0;
-- Another party's signup was pending when this one came: its confirmation needs the password.
ALTER TABLE codes ADD COLUMN claim_contested INTEGER NOT NULL DEFAULT 0;
