-- A workspace's applications: the OpenID Connect clients an account registers (issue 21).
-- A client belongs to exactly one account and goes with it. The URIs are JSON arrays of
-- strings, each checked by core (validate::uri) before it is stored and compared exactly.
-- A confidential client's secret is stored as its SHA-256 (hex): the secret is 256 random
-- bits, shown once.
CREATE TABLE apps (
  client_id                  TEXT PRIMARY KEY,
  account_id                 TEXT NOT NULL,
  name                       TEXT NOT NULL,
  type                       TEXT NOT NULL CHECK (type IN ('confidential', 'public')),
  redirect_uris              TEXT NOT NULL,
  post_logout_redirect_uris  TEXT NOT NULL DEFAULT '[]',
  backchannel_logout_uri     TEXT,
  initiate_login_uri         TEXT,
  secret_hash                TEXT,
  disabled                   INTEGER NOT NULL DEFAULT 0,
  created_at                 INTEGER NOT NULL,
  updated_at                 INTEGER NOT NULL
);
CREATE INDEX apps_account ON apps (account_id, created_at);

-- Guard::AppsBelow names itself like the other guards (migration 0009).
CREATE TRIGGER guard_apps_below BEFORE INSERT ON guards WHEN NEW.name = 'apps_below' AND NEW.ok = 0
BEGIN SELECT RAISE(ABORT, 'netid_guard:apps_below'); END;
