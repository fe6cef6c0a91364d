-- Nudges (issue 15, point 4): a reminder of a draft untouched for 7 days,
-- of action items due, and an offer to book again after a no-show. Each is
-- capped at one per subject (nudge.Allowed): nudges_sent holds the decision
-- taken for each subject, sent or skipped, so that no run, restart or
-- second server sends it twice. The worker walks each kind's candidates in
-- order from a cursor (nudge_cursors), so a run reads only rows it has not
-- seen, whatever the number of firms.
CREATE TABLE nudges_sent (
    kind       TEXT NOT NULL CHECK (kind IN ('draft', 'action', 'noshow')),
    subject_id INTEGER NOT NULL,
    outcome    TEXT NOT NULL CHECK (outcome IN ('sent', 'skipped')),
    decided_at DATETIME NOT NULL,
    PRIMARY KEY (kind, subject_id)
) WITHOUT ROWID;

CREATE TABLE nudge_cursors (
    kind TEXT PRIMARY KEY CHECK (kind IN ('draft', 'action', 'noshow')),
    at   DATETIME,               -- drafts: updated_at; no-shows: updated_at
    due  TEXT NOT NULL DEFAULT '', -- action items: due (a local date)
    id   INTEGER NOT NULL DEFAULT 0
);

-- A user's choice not to receive a kind of nudge (the account page, or the
-- link in a nudge).
CREATE TABLE nudge_optouts (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('draft', 'action', 'noshow')),
    created_at DATETIME NOT NULL,
    PRIMARY KEY (user_id, kind)
) WITHOUT ROWID;

-- The opt-out link of each nudge: the hash of its random token, whose and
-- which kind; used_at once it was used (a link works once).
CREATE TABLE nudge_links (
    hash       BLOB PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('draft', 'action', 'noshow')),
    created_at DATETIME NOT NULL,
    used_at    DATETIME
) WITHOUT ROWID;

-- RFC 8058: the message's one-click unsubscribe address, written into its
-- List-Unsubscribe header; '' for messages that have none.
ALTER TABLE outbox ADD COLUMN list_unsubscribe TEXT NOT NULL DEFAULT '';

-- A booking Center staff made for the firm (the 1022 hotline): booked_by
-- is the staff member.
ALTER TABLE bookings ADD COLUMN on_behalf INTEGER NOT NULL DEFAULT 0;

-- The candidates of each kind, in the cursor's order, reading only them.
CREATE INDEX responses_draft_touched_idx ON responses (updated_at, id) WHERE status = 'draft';
CREATE INDEX action_items_open_due_idx ON action_items (due, id) WHERE done_at IS NULL;
CREATE INDEX bookings_no_show_idx ON bookings (updated_at, id) WHERE status = 'no_show';
