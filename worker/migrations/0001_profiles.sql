-- netid schema, part 1: network profiles, sessions, codes, outbox, audit, throttling,
-- and the account/membership tables the profile reads (accounts come in 0002+).
-- Times are unix seconds (UTC). Booleans are 0/1.

CREATE TABLE profiles (
  id                 TEXT PRIMARY KEY,
  email              TEXT UNIQUE,
  email_confirmed    INTEGER NOT NULL DEFAULT 0,
  phone              TEXT UNIQUE,
  phone_confirmed    INTEGER NOT NULL DEFAULT 0,
  password_hash      TEXT NOT NULL,
  first_name         TEXT NOT NULL,
  last_name          TEXT NOT NULL,
  photo_url          TEXT,
  lang               TEXT NOT NULL DEFAULT 'en',
  two_factor_enabled INTEGER NOT NULL DEFAULT 0,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL
);

-- One pending code per profile and purpose (signup, email_change, phone_change, password_reset).
CREATE TABLE codes (
  profile_id  TEXT NOT NULL,
  purpose     TEXT NOT NULL,
  target      TEXT NOT NULL,
  code_hash   TEXT NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0,
  expires_at  INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (profile_id, purpose)
);
CREATE INDEX codes_expires ON codes (expires_at);

-- The authoritative session list (KV caches it). token_hash = hex SHA-256 of the bearer token.
CREATE TABLE sessions (
  token_hash          TEXT PRIMARY KEY,
  profile_id          TEXT NOT NULL,
  account_id          TEXT,
  client              TEXT NOT NULL,
  created_at          INTEGER NOT NULL,
  last_seen_at        INTEGER NOT NULL,
  absolute_expires_at INTEGER NOT NULL,
  family_id           TEXT
);
CREATE INDEX sessions_profile ON sessions (profile_id);
CREATE INDEX sessions_family ON sessions (family_id);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);

CREATE TABLE refresh_tokens (
  token_hash   TEXT PRIMARY KEY,
  family_id    TEXT NOT NULL,
  profile_id   TEXT NOT NULL,
  session_hash TEXT NOT NULL,
  used         INTEGER NOT NULL DEFAULT 0,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
);
CREATE INDEX refresh_family ON refresh_tokens (family_id);
CREATE INDEX refresh_profile ON refresh_tokens (profile_id);
CREATE INDEX refresh_expires ON refresh_tokens (expires_at);

CREATE TABLE throttles (
  key           TEXT PRIMARY KEY,
  failures      INTEGER NOT NULL,
  window_start  INTEGER NOT NULL,
  blocked_until INTEGER NOT NULL
);

-- Written in the same batch as the change that causes each message.
CREATE TABLE outbox (
  id           TEXT PRIMARY KEY,
  channel      TEXT NOT NULL,
  recipient    TEXT NOT NULL,
  kind         TEXT NOT NULL,
  lang         TEXT NOT NULL,
  subject      TEXT NOT NULL,
  body         TEXT NOT NULL,
  code         TEXT,
  link         TEXT,
  token        TEXT,
  created_at   INTEGER NOT NULL,
  delivered_at INTEGER
);
CREATE INDEX outbox_recipient ON outbox (recipient, created_at);

CREATE TABLE audit_log (
  id     TEXT PRIMARY KEY,
  at     INTEGER NOT NULL,
  actor  TEXT,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX audit_at ON audit_log (at);

CREATE TABLE accounts (
  id               TEXT PRIMARY KEY,
  name             TEXT NOT NULL,
  address          TEXT NOT NULL UNIQUE,
  plan             TEXT NOT NULL DEFAULT 'free',
  renames_left     INTEGER NOT NULL DEFAULT 1,
  created_by       TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  last_activity_at INTEGER NOT NULL
);

-- A person's card in an account.
CREATE TABLE memberships (
  id            TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL,
  profile_id    TEXT,
  type          TEXT NOT NULL DEFAULT 'employee',
  role          TEXT NOT NULL DEFAULT 'user',
  status        TEXT NOT NULL DEFAULT 'active',
  first_name    TEXT NOT NULL DEFAULT '',
  last_name     TEXT NOT NULL DEFAULT '',
  contact_email TEXT,
  phone         TEXT,
  photo_url     TEXT,
  position      TEXT,
  department_id TEXT,
  created_at    INTEGER NOT NULL
);
CREATE INDEX memberships_profile ON memberships (profile_id);
CREATE INDEX memberships_account ON memberships (account_id);

-- Service settings; in development, the clock offset of /dev/clock.
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
