-- netid schema, part 15: passkeys (WebAuthn).

-- The WebAuthn user handle of a profile: 64 random bytes (base64url), never the email or the
-- profile id; one per profile, so every passkey of a person names the same account to its
-- authenticator.
CREATE TABLE passkey_users (
  profile_id  TEXT PRIMARY KEY,
  user_handle TEXT NOT NULL UNIQUE,
  created_at  INTEGER NOT NULL
);

-- A registered passkey. credential_id: the authenticator's id (base64url), unique across
-- netid. public_key: the COSE key (base64url CBOR). sign_count: the last counter seen (a
-- device-bound credential's counter only grows; synced ones send 0). backup_eligible and
-- backed_up: the BE and BS flags (a synced passkey).
CREATE TABLE passkeys (
  id              TEXT PRIMARY KEY,
  profile_id      TEXT NOT NULL,
  credential_id   TEXT NOT NULL UNIQUE,
  public_key      TEXT NOT NULL,
  alg             INTEGER NOT NULL,
  sign_count      INTEGER NOT NULL DEFAULT 0,
  backup_eligible INTEGER NOT NULL DEFAULT 0,
  backed_up       INTEGER NOT NULL DEFAULT 0,
  aaguid          TEXT NOT NULL,
  transports      TEXT NOT NULL DEFAULT '',
  user_handle     TEXT NOT NULL,
  name            TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  last_used_at    INTEGER
);
CREATE INDEX passkeys_profile ON passkeys (profile_id);

-- A ceremony between its options and its answer: single use (taken by DELETE ... RETURNING),
-- 5 minutes, stored hashed. purpose: 'register' (bound to the profile, with the user handle
-- it offered), 'login' (a discoverable login: no profile yet) or 'second' (the second step of
-- a login ticket, bound to the ticket and its profile).
CREATE TABLE webauthn_challenges (
  challenge_hash TEXT PRIMARY KEY,
  purpose        TEXT NOT NULL CHECK (purpose IN ('register', 'login', 'second')),
  profile_id     TEXT,
  ticket_hash    TEXT,
  user_handle    TEXT,
  expires_at     INTEGER NOT NULL,
  created_at     INTEGER NOT NULL
);
CREATE INDEX webauthn_challenges_expires ON webauthn_challenges (expires_at);

CREATE TRIGGER guard_passkeys_below BEFORE INSERT ON guards WHEN NEW.name = 'passkeys_below' AND NEW.ok = 0
BEGIN SELECT RAISE(ABORT, 'netid_guard:passkeys_below'); END;
CREATE TRIGGER guard_credential_free BEFORE INSERT ON guards WHEN NEW.name = 'credential_free' AND NEW.ok = 0
BEGIN SELECT RAISE(ABORT, 'netid_guard:credential_free'); END;
CREATE TRIGGER guard_passkey_user_is BEFORE INSERT ON guards WHEN NEW.name = 'passkey_user_is' AND NEW.ok = 0
BEGIN SELECT RAISE(ABORT, 'netid_guard:passkey_user_is'); END;
CREATE TRIGGER guard_sign_count_below BEFORE INSERT ON guards WHEN NEW.name = 'sign_count_below' AND NEW.ok = 0
BEGIN SELECT RAISE(ABORT, 'netid_guard:sign_count_below'); END;
CREATE TRIGGER guard_passkey_exists BEFORE INSERT ON guards WHEN NEW.name = 'passkey_exists' AND NEW.ok = 0
BEGIN SELECT RAISE(ABORT, 'netid_guard:passkey_exists'); END;
