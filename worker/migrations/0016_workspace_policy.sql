-- netid schema, part 16: a workspace's security policy. require_two_factor: whose entry
-- needs two-step authentication on: 'none', 'employees' (employee cards) or 'everyone'
-- (extranet too).
ALTER TABLE accounts ADD COLUMN require_two_factor TEXT NOT NULL DEFAULT 'none'
  CHECK (require_two_factor IN ('none', 'employees', 'everyone'));

CREATE TRIGGER guard_no_policy_requires_two_factor BEFORE INSERT ON guards
  WHEN NEW.name = 'no_policy_requires_two_factor' AND NEW.ok = 0
BEGIN SELECT RAISE(ABORT, 'netid_guard:no_policy_requires_two_factor'); END;
