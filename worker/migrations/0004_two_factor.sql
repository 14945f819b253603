-- netid schema, part 4: two-step authentication, the sessions list, the account audit log.

-- The authenticator secret, sealed with the TWO_FACTOR_KEY secret (AES-256-GCM, bound to the
-- profile id); pending (enabled = 0) until a first code proves it. last_step: the last time
-- step accepted, so a code works once.
CREATE TABLE two_factor (
  profile_id    TEXT PRIMARY KEY,
  secret_sealed TEXT NOT NULL,
  enabled       INTEGER NOT NULL DEFAULT 0,
  last_step     INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL
);

-- Recovery codes, hashed (SHA-256 of the profile id and the code); a used one is deleted.
CREATE TABLE recovery_codes (
  profile_id TEXT NOT NULL,
  code_hash  TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (profile_id, code_hash)
);

-- The second step of a login: hashed ticket, 5 minutes, 5 tries, spent by success.
CREATE TABLE login_tickets (
  ticket_hash TEXT PRIMARY KEY,
  profile_id  TEXT NOT NULL,
  login       TEXT NOT NULL,
  client      TEXT NOT NULL,
  account_id  TEXT,
  attempts    INTEGER NOT NULL DEFAULT 0,
  expires_at  INTEGER NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX login_tickets_expires ON login_tickets (expires_at);

-- Sessions get a public id (the list never shows tokens), the client's User-Agent, address
-- and coarse location.
ALTER TABLE sessions ADD COLUMN id TEXT;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
ALTER TABLE sessions ADD COLUMN ip TEXT;
ALTER TABLE sessions ADD COLUMN location TEXT;
UPDATE sessions SET id = 'ses_' || substr(token_hash, 1, 16) WHERE id IS NULL;
CREATE UNIQUE INDEX sessions_id ON sessions (id);

-- Audit rows name the account their admins read them in (NULL: profile-level events, and
-- the tombstones of accounts the cleanup deleted).
ALTER TABLE audit_log ADD COLUMN account_id TEXT;
CREATE INDEX audit_account ON audit_log (account_id, at);
