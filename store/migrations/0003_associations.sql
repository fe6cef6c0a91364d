-- A firm shares its results (level and scores) with an association only
-- while a row here says so. The default, no row, is "not shared";
-- withdrawing deletes the row, and takes effect at the next page view.
CREATE TABLE result_sharing (
    firm_id        INTEGER NOT NULL REFERENCES firms (id) ON DELETE CASCADE,
    association_id INTEGER NOT NULL REFERENCES associations (id) ON DELETE CASCADE,
    since          DATETIME NOT NULL,
    user_id        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    PRIMARY KEY (association_id, firm_id)
) WITHOUT ROWID;

-- Every change of that consent, kept after the consent ends.
CREATE TABLE sharing_events (
    id             INTEGER PRIMARY KEY,
    firm_id        INTEGER NOT NULL REFERENCES firms (id) ON DELETE CASCADE,
    association_id INTEGER NOT NULL REFERENCES associations (id) ON DELETE CASCADE,
    event          TEXT NOT NULL CHECK (event IN ('shared', 'withdrawn')),
    user_id        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    at             DATETIME NOT NULL
);
CREATE INDEX sharing_events_firm_idx ON sharing_events (firm_id, at);

-- Messages waiting to be sent (a sender delivers them by SMTP or logs
-- them). dedupe_key makes queuing the same message twice a no-op.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    dedupe_key      TEXT NOT NULL UNIQUE,
    to_addr         TEXT NOT NULL,
    lang            TEXT NOT NULL CHECK (lang IN ('vi', 'en')),
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_by      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at      DATETIME NOT NULL,
    next_attempt_at DATETIME NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    sent_at         DATETIME
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE sent_at IS NULL;

-- Invitations a lead sent to members without an account: who invited which
-- firm and when; the address lives only in the outbox message.
CREATE TABLE member_invites (
    id             INTEGER PRIMARY KEY,
    association_id INTEGER NOT NULL REFERENCES associations (id) ON DELETE CASCADE,
    firm_id        INTEGER NOT NULL REFERENCES firms (id) ON DELETE CASCADE,
    invited_by     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    outbox_id      INTEGER REFERENCES outbox (id) ON DELETE SET NULL,
    at             DATETIME NOT NULL
);
CREATE INDEX member_invites_idx ON member_invites (association_id, firm_id, at);

CREATE INDEX audit_log_action_idx ON audit_log (action, at);
CREATE INDEX users_association_idx ON users (association_id) WHERE association_id IS NOT NULL;
