-- A move of two-step sign-in to a new app belongs to the session that began
-- it: only that session is shown the new secret and may confirm it, so a
-- stolen session cannot read or finish a move its owner started.
ALTER TABLE totp_secrets ADD COLUMN next_session BLOB;
