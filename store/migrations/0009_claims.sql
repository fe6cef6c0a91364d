-- Verified firm claims (issue 12). Tax codes are public, so registering
-- with one makes a claim on the firm, not ownership: until the claim is
-- verified (a code sent to the firm's registry address, a Center decision,
-- a verified colleague's approval) the account sees only the firm's name.
-- users.firm_verified_at is when the user's tie to its firm was verified;
-- NULL: an open (or rejected, or revoked) claim. claims keeps every claim
-- and how it was decided.
ALTER TABLE users ADD COLUMN firm_verified_at DATETIME;

CREATE TABLE claims (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    firm_id     INTEGER NOT NULL REFERENCES firms (id) ON DELETE CASCADE,
    stated_role TEXT NOT NULL DEFAULT 'other' CHECK (stated_role IN ('owner', 'employee', 'accountant', 'other')),
    status      TEXT NOT NULL CHECK (status IN ('open', 'verified', 'rejected', 'revoked')),
    -- How a verified claim was verified; 'migration': an account that was
    -- active before claims existed, kept as it was.
    method      TEXT NOT NULL DEFAULT '' CHECK (method IN ('', 'code', 'center', 'colleague', 'creation', 'demo', 'migration')),
    decided_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    reason      TEXT NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL,
    decided_at  DATETIME
);
CREATE UNIQUE INDEX claims_one_open_idx ON claims (user_id) WHERE status = 'open';
CREATE INDEX claims_status_idx ON claims (status, created_at);
CREATE INDEX claims_firm_idx ON claims (firm_id, status);

-- One-time codes sent to the firm's registry address: only a SHA-256 of
-- the code is kept; each allows a bounded number of wrong guesses, expires,
-- and is used once. A newer code replaces the older ones of its claim.
CREATE TABLE claim_codes (
    id         INTEGER PRIMARY KEY,
    claim_id   INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    code_hash  BLOB NOT NULL,
    sent_to    TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    expires_at DATETIME NOT NULL,
    used_at    DATETIME,
    created_at DATETIME NOT NULL
);
CREATE INDEX claim_codes_claim_idx ON claim_codes (claim_id, created_at);

-- The registry's contact for a firm (import columns email, phone): where a
-- claim code goes. Shown to Center staff only.
CREATE TABLE firm_registry_contacts (
    firm_id    INTEGER PRIMARY KEY REFERENCES firms (id) ON DELETE CASCADE,
    email      TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    updated_at DATETIME NOT NULL
);

-- 1 while a firm holds only what the user who registered it typed: the
-- first registry import of its tax code reopens its users' claims, so the
-- registry's figures never reach someone who merely typed the code first.
ALTER TABLE firms ADD COLUMN self_registered INTEGER NOT NULL DEFAULT 0;

-- A claimant's draft is their own (owner_id), never the firm's shared one:
-- one shared draft per firm, and one private draft per claimant.
ALTER TABLE responses ADD COLUMN owner_id INTEGER REFERENCES users (id) ON DELETE CASCADE;
DROP INDEX responses_one_draft_idx;
CREATE UNIQUE INDEX responses_one_draft_idx ON responses (firm_id, COALESCE(owner_id, 0)) WHERE status = 'draft';

-- Existing accounts: active firm users keep what they had (verified, by
-- 'migration', or 'demo' on demo firms); pending ones become open claims
-- and may now sign in.
UPDATE users SET firm_verified_at = created_at WHERE role = 'firm' AND status = 'active';
INSERT INTO claims (user_id, firm_id, status, method, created_at, decided_at)
    SELECT u.id, u.firm_id, 'verified', CASE WHEN f.demo THEN 'demo' ELSE 'migration' END, u.created_at, u.created_at
    FROM users u JOIN firms f ON f.id = u.firm_id WHERE u.role = 'firm' AND u.status = 'active';
INSERT INTO claims (user_id, firm_id, status, created_at)
    SELECT id, firm_id, 'open', created_at FROM users WHERE role = 'firm' AND status = 'pending';
UPDATE users SET status = 'active' WHERE role = 'firm' AND status = 'pending';
