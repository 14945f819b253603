-- What a login ticket's first step was: 'pwd' (a password) or 'fed' (a social identity), so
-- the session its second step makes says how the person signed in (`amr` "fed otp", not
-- "pwd otp", after a social login). Tickets made before this migration were passwords'.
ALTER TABLE login_tickets ADD COLUMN first_factor TEXT NOT NULL DEFAULT 'pwd' CHECK (first_factor IN ('pwd', 'fed'));
