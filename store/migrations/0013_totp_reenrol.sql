-- Moving to a new authenticator app (re-enrolment): the new secret waits
-- here, sealed like secret, until a code from the new app confirms it;
-- until then the old secret and recovery codes keep working. The move
-- lapses auth.ReenrolmentTTL after next_started_at.
ALTER TABLE totp_secrets ADD COLUMN next_secret BLOB;
ALTER TABLE totp_secrets ADD COLUMN next_started_at DATETIME;
