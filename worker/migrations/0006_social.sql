-- netid schema, part 6: social login.

-- A social identity linked to a profile: (provider, subject) is unique across netid, so an
-- identity logs in to one profile only. email: what the provider said, for display.
CREATE TABLE social_identities (
  provider   TEXT NOT NULL,
  subject    TEXT NOT NULL,
  profile_id TEXT NOT NULL,
  email      TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (provider, subject)
);
CREATE INDEX social_identities_profile ON social_identities (profile_id);

-- A social sign-in between its start and its callback: single use (the callback deletes it
-- with DELETE ... RETURNING), 10 minutes, bound to the browser (binding_hash: SHA-256 of
-- an HttpOnly cookie) and, for a connect, to the profile that started it.
CREATE TABLE social_states (
  state_hash   TEXT PRIMARY KEY,
  provider     TEXT NOT NULL,
  mode         TEXT NOT NULL,
  profile_id   TEXT,
  nonce        TEXT NOT NULL,
  verifier     TEXT NOT NULL,
  return_to    TEXT NOT NULL,
  binding_hash TEXT NOT NULL,
  client       TEXT NOT NULL,
  lang         TEXT NOT NULL,
  expires_at   INTEGER NOT NULL,
  created_at   INTEGER NOT NULL
);
CREATE INDEX social_states_expires ON social_states (expires_at);
