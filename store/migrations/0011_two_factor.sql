-- Two-factor sign-in (TOTP). users.two_factor mirrors "has a confirmed
-- secret", so every session lookup knows it without a join.
ALTER TABLE users ADD COLUMN two_factor INTEGER NOT NULL DEFAULT 0;

-- One secret per user: unconfirmed while enrolling (confirmed_at NULL),
-- then in use. The secret is sealed with AES-GCM under the key in meta
-- 'totp_key' (store/twofactor.go). last_step is the last RFC 6238 time
-- step accepted, so no code works twice; failures counts wrong codes since
-- failures_since, for the per-account limit.
CREATE TABLE totp_secrets (
    user_id        INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret         BLOB NOT NULL,
    created_at     DATETIME NOT NULL,
    confirmed_at   DATETIME,
    last_step      INTEGER NOT NULL DEFAULT 0,
    failures       INTEGER NOT NULL DEFAULT 0,
    failures_since DATETIME
);

-- Recovery codes, SHA-256 of (user id, code); each used once.
CREATE TABLE recovery_codes (
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash BLOB NOT NULL,
    used_at   DATETIME,
    PRIMARY KEY (user_id, code_hash)
) WITHOUT ROWID;

-- A sign-in whose password was right and whose code is still due. It is
-- not a session: it opens nothing but the code page.
CREATE TABLE signin_pending (
    token_hash BLOB PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    next       TEXT NOT NULL,
    failures   INTEGER NOT NULL DEFAULT 0,
    expires_at DATETIME NOT NULL
) WITHOUT ROWID;
CREATE INDEX signin_pending_expiry ON signin_pending (expires_at);
