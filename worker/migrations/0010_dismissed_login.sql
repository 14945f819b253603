-- A dismissed card is the account's record: it keeps the login email its person had when
-- dismissed (set by the dismissal's own statement), not whatever the profile holds later.
ALTER TABLE memberships ADD COLUMN kept_login_email TEXT;
