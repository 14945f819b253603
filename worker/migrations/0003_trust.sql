-- netid schema, part 3: what the trust work needs.

-- A password someone else chose (an admin): the person must change it at the first login.
ALTER TABLE profiles ADD COLUMN password_change_required INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN password_change_required INTEGER NOT NULL DEFAULT 0;

-- A desktop refresh family's absolute end (its first login + 90 days); rotation keeps it.
-- Existing families end 90 days after their current token was issued.
ALTER TABLE refresh_tokens ADD COLUMN family_expires_at INTEGER NOT NULL DEFAULT 0;
UPDATE refresh_tokens SET family_expires_at = created_at + 7776000 WHERE family_expires_at = 0;

-- Outbox rows whose code, token or link was erased (delivered or expired).
ALTER TABLE outbox ADD COLUMN erased_at INTEGER;
CREATE INDEX outbox_created ON outbox (created_at);

-- Guards: one statement of a commit inserts here; a condition that does not hold fails the
-- CHECK and with it the whole batch (a D1 batch is one transaction). This is how a
-- check-then-write decision (the last admin, the account limit, a rename, a code or a refresh
-- token used once) is made inside the transaction instead of before it.
CREATE TABLE guards (
  name TEXT PRIMARY KEY,
  ok   INTEGER NOT NULL CONSTRAINT netid_guard CHECK (ok = 1)
);
