-- netid schema, part 2: what accounts hold (departments, groups, invitations) and what the
-- inactivity cleanup needs.

ALTER TABLE accounts ADD COLUMN warned_at INTEGER;
CREATE INDEX accounts_cleanup ON accounts (plan, last_activity_at);
CREATE INDEX accounts_created_by ON accounts (created_by);

ALTER TABLE memberships ADD COLUMN personal TEXT;
ALTER TABLE memberships ADD COLUMN last_login_at INTEGER;
CREATE UNIQUE INDEX memberships_account_profile ON memberships (account_id, profile_id) WHERE profile_id IS NOT NULL;
CREATE INDEX memberships_contact ON memberships (account_id, contact_email);

CREATE TABLE departments (
  id         TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  name       TEXT NOT NULL,
  parent_id  TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX departments_account ON departments (account_id);

-- Groups and projects; extranet groups are all an extranet member can see.
CREATE TABLE groups (
  id         TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  name       TEXT NOT NULL,
  extranet   INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE INDEX groups_account ON groups (account_id);

CREATE TABLE membership_groups (
  membership_id TEXT NOT NULL,
  group_id      TEXT NOT NULL,
  account_id    TEXT NOT NULL,
  PRIMARY KEY (membership_id, group_id)
);
CREATE INDEX membership_groups_account ON membership_groups (account_id);

-- Token hash only. group_ids is a JSON array.
CREATE TABLE invitations (
  id            TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL,
  recipient     TEXT NOT NULL,
  first_name    TEXT,
  last_name     TEXT,
  token_hash    TEXT NOT NULL UNIQUE,
  state         TEXT NOT NULL,
  extranet      INTEGER NOT NULL DEFAULT 0,
  department_id TEXT,
  group_ids     TEXT NOT NULL DEFAULT '[]',
  membership_id TEXT NOT NULL,
  invited_by    TEXT,
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  accepted_at   INTEGER
);
CREATE INDEX invitations_account ON invitations (account_id, created_at);
CREATE INDEX invitations_expires ON invitations (state, expires_at);

CREATE INDEX sessions_account ON sessions (account_id);
