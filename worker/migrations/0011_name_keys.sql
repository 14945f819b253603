-- The key that makes two department or group names the same among siblings
-- (netid_core::model::name_key: trimmed, lowercased by Unicode's rules), stored beside the
-- name so that the commit's guard (Guard::NameFree) compares what the flow compared; SQLite's
-- lower() folds ASCII only. Rows written before this migration get the ASCII fold until
-- their next write (the guard reads COALESCE(name_key, lower(trim(name)))).
ALTER TABLE departments ADD COLUMN name_key TEXT;
ALTER TABLE groups ADD COLUMN name_key TEXT;
UPDATE departments SET name_key = lower(trim(name));
UPDATE groups SET name_key = lower(trim(name));
