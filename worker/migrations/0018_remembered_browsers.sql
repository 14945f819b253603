-- netid schema, part 18: "remember this browser" for the second step. After a second step
-- with the opt-in, a browser skips it for 30 days: the browser holds a cookie token
-- (`<secret>.<mac>`, the MAC under the service key binds it to the profile and to the
-- browser's device cookie), the row holds the secret's SHA-256 and the device cookie's.
-- A new password (a change, a reset, a claim's end) and switching two-step off delete a
-- profile's rows; each one is listed in Security and revocable. At most 10 per profile.
CREATE TABLE remembered_browsers (
  id           TEXT PRIMARY KEY,
  profile_id   TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE,
  device       TEXT NOT NULL,
  user_agent   TEXT,
  location     TEXT,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
);
CREATE INDEX remembered_browsers_profile ON remembered_browsers (profile_id, created_at);

-- A workspace whose two-step rule applies to a member may refuse remembered browsers: its
-- members then give the second step at every sign-in (1 = allowed, the default).
ALTER TABLE accounts ADD COLUMN remember_browsers INTEGER NOT NULL DEFAULT 1
  CHECK (remember_browsers IN (0, 1));

CREATE TRIGGER guard_browser_remembered BEFORE INSERT ON guards
  WHEN NEW.name = 'browser_remembered' AND NEW.ok = 0
BEGIN SELECT RAISE(ABORT, 'netid_guard:browser_remembered'); END;
