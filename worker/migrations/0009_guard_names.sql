-- A commit may hold several guards (the caller's session alive, and the flow's own). The
-- guards table's CHECK fails without saying which row failed, so each guard raises its own
-- name first: the store answers the error of the guard that did not hold.

CREATE TRIGGER guard_other_active_admin BEFORE INSERT ON guards WHEN NEW.name = 'other_active_admin' AND NEW.ok = 0
BEGIN SELECT RAISE(ABORT, 'netid_guard:other_active_admin'); END;
CREATE TRIGGER guard_accounts_created_below BEFORE INSERT ON guards WHEN NEW.name = 'accounts_created_below' AND NEW.ok = 0
BEGIN SELECT RAISE(ABORT, 'netid_guard:accounts_created_below'); END;
CREATE TRIGGER guard_renames_left BEFORE INSERT ON guards WHEN NEW.name = 'renames_left' AND NEW.ok = 0
BEGIN SELECT RAISE(ABORT, 'netid_guard:renames_left'); END;
CREATE TRIGGER guard_paid_plan BEFORE INSERT ON guards WHEN NEW.name = 'paid_plan' AND NEW.ok = 0
BEGIN SELECT RAISE(ABORT, 'netid_guard:paid_plan'); END;
CREATE TRIGGER guard_code_unspent BEFORE INSERT ON guards WHEN NEW.name = 'code_unspent' AND NEW.ok = 0
BEGIN SELECT RAISE(ABORT, 'netid_guard:code_unspent'); END;
CREATE TRIGGER guard_refresh_unused BEFORE INSERT ON guards WHEN NEW.name = 'refresh_unused' AND NEW.ok = 0
BEGIN SELECT RAISE(ABORT, 'netid_guard:refresh_unused'); END;
CREATE TRIGGER guard_invitation_pending BEFORE INSERT ON guards WHEN NEW.name = 'invitation_pending' AND NEW.ok = 0
BEGIN SELECT RAISE(ABORT, 'netid_guard:invitation_pending'); END;
CREATE TRIGGER guard_totp_step_unused BEFORE INSERT ON guards WHEN NEW.name = 'totp_step_unused' AND NEW.ok = 0
BEGIN SELECT RAISE(ABORT, 'netid_guard:totp_step_unused'); END;
CREATE TRIGGER guard_recovery_code_unused BEFORE INSERT ON guards WHEN NEW.name = 'recovery_code_unused' AND NEW.ok = 0
BEGIN SELECT RAISE(ABORT, 'netid_guard:recovery_code_unused'); END;
CREATE TRIGGER guard_ticket_unspent BEFORE INSERT ON guards WHEN NEW.name = 'ticket_unspent' AND NEW.ok = 0
BEGIN SELECT RAISE(ABORT, 'netid_guard:ticket_unspent'); END;
CREATE TRIGGER guard_name_free BEFORE INSERT ON guards WHEN NEW.name = 'name_free' AND NEW.ok = 0
BEGIN SELECT RAISE(ABORT, 'netid_guard:name_free'); END;
CREATE TRIGGER guard_social_unlinked BEFORE INSERT ON guards WHEN NEW.name = 'social_unlinked' AND NEW.ok = 0
BEGIN SELECT RAISE(ABORT, 'netid_guard:social_unlinked'); END;
CREATE TRIGGER guard_session_alive BEFORE INSERT ON guards WHEN NEW.name = 'session_alive' AND NEW.ok = 0
BEGIN SELECT RAISE(ABORT, 'netid_guard:session_alive'); END;
CREATE TRIGGER guard_password_unchanged BEFORE INSERT ON guards WHEN NEW.name = 'password_unchanged' AND NEW.ok = 0
BEGIN SELECT RAISE(ABORT, 'netid_guard:password_unchanged'); END;
CREATE TRIGGER guard_social_linked BEFORE INSERT ON guards WHEN NEW.name = 'social_linked' AND NEW.ok = 0
BEGIN SELECT RAISE(ABORT, 'netid_guard:social_linked'); END;
CREATE TRIGGER guard_other_login_method BEFORE INSERT ON guards WHEN NEW.name = 'other_login_method' AND NEW.ok = 0
BEGIN SELECT RAISE(ABORT, 'netid_guard:other_login_method'); END;
