-- Email verification and password resets (issue 12). An account's address
-- is verified when its owner followed a link sent there; until then the
-- outbox sends it nothing but that link (store.queue). Accounts that exist
-- today were made by the Center or by people who have been using them:
-- they count as verified from their creation.
ALTER TABLE users ADD COLUMN email_verified_at DATETIME;
UPDATE users SET email_verified_at = created_at;

-- Single-use links: the SHA-256 of a 32-byte random token, never the token.
-- purpose 'verify' confirms the address it was sent to (email: a changed
-- address voids it); 'reset' sets a new password. used_at marks a link
-- spent, so a second use says so; a password change spends every reset
-- link of the user.
CREATE TABLE user_tokens (
    token_hash BLOB PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('verify', 'reset')),
    email      TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL,
    used_at    DATETIME
) WITHOUT ROWID;
-- Throttles count a user's recent links of one purpose.
CREATE INDEX user_tokens_user_idx ON user_tokens (user_id, purpose, created_at);
