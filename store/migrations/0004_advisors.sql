-- A Center advisor: an account of role advisor plus what matching and
-- booking need. Lists are JSON arrays (pillar IDs, VSIC sections,
-- association IDs, language codes, ward codes).
CREATE TABLE advisors (
    user_id         INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    bio_vi          TEXT NOT NULL DEFAULT '',
    bio_en          TEXT NOT NULL DEFAULT '',
    pillars         TEXT NOT NULL DEFAULT '[]',
    sections        TEXT NOT NULL DEFAULT '[]',
    associations    TEXT NOT NULL DEFAULT '[]',
    languages       TEXT NOT NULL DEFAULT '["vi"]',
    wards           TEXT NOT NULL DEFAULT '[]',
    online          INTEGER NOT NULL DEFAULT 1 CHECK (online IN (0, 1)),
    onsite          INTEGER NOT NULL DEFAULT 0 CHECK (onsite IN (0, 1)),
    weekly_capacity INTEGER NOT NULL DEFAULT 10 CHECK (weekly_capacity BETWEEN 0 AND 100),
    slot_minutes    INTEGER NOT NULL DEFAULT 60 CHECK (slot_minutes BETWEEN 15 AND 240),
    buffer_minutes  INTEGER NOT NULL DEFAULT 15 CHECK (buffer_minutes BETWEEN 0 AND 120),
    horizon_days    INTEGER NOT NULL DEFAULT 28 CHECK (horizon_days BETWEEN 1 AND 90),
    notice_hours    INTEGER NOT NULL DEFAULT 24 CHECK (notice_hours BETWEEN 0 AND 336),
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    updated_at      DATETIME NOT NULL
);

-- Weekly hours, in minutes after local midnight (Asia/Ho_Chi_Minh).
CREATE TABLE advisor_hours (
    advisor_id INTEGER NOT NULL REFERENCES advisors (user_id) ON DELETE CASCADE,
    weekday    INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start_min  INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1440),
    end_min    INTEGER NOT NULL CHECK (end_min BETWEEN 0 AND 1440 AND end_min > start_min)
);
CREATE INDEX advisor_hours_idx ON advisor_hours (advisor_id);

-- Leave and other absences. Times are Unix seconds (UTC), so that
-- comparisons are numeric and exact.
CREATE TABLE advisor_leave (
    id         INTEGER PRIMARY KEY,
    advisor_id INTEGER NOT NULL REFERENCES advisors (user_id) ON DELETE CASCADE,
    start_at   INTEGER NOT NULL,
    end_at     INTEGER NOT NULL CHECK (end_at > start_at),
    note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX advisor_leave_idx ON advisor_leave (advisor_id, end_at);

-- A consultation. start_at and end_at are Unix seconds (UTC). A booking
-- holds the advisor's time while its status is confirmed, done or
-- no_show; a cancelled one frees it.
CREATE TABLE bookings (
    id            INTEGER PRIMARY KEY,
    advisor_id    INTEGER NOT NULL REFERENCES advisors (user_id),
    firm_id       INTEGER NOT NULL REFERENCES firms (id) ON DELETE CASCADE,
    booked_by     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    start_at      INTEGER NOT NULL,
    end_at        INTEGER NOT NULL CHECK (end_at > start_at),
    status        TEXT NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'cancelled', 'done', 'no_show')),
    mode          TEXT NOT NULL DEFAULT 'online' CHECK (mode IN ('online', 'onsite')),
    language      TEXT NOT NULL DEFAULT 'vi',
    pillars       TEXT NOT NULL DEFAULT '[]',
    note          TEXT NOT NULL DEFAULT '',
    response_id   INTEGER REFERENCES responses (id) ON DELETE SET NULL, -- the result shared with the advisor
    advisor_notes TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '', -- of the last cancellation or change
    sequence      INTEGER NOT NULL DEFAULT 0, -- iCalendar SEQUENCE: bumped at every change
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);
CREATE INDEX bookings_advisor_time_idx ON bookings (advisor_id, start_at);
CREATE INDEX bookings_firm_idx ON bookings (firm_id, start_at);
CREATE UNIQUE INDEX bookings_one_per_start_idx ON bookings (advisor_id, start_at) WHERE status <> 'cancelled';

-- The database itself refuses two bookings of one advisor whose times,
-- widened by the advisor's buffer, overlap. The check runs inside the
-- writing transaction, so no race can pass it.
CREATE TRIGGER bookings_no_overlap_insert BEFORE INSERT ON bookings
WHEN NEW.status <> 'cancelled' AND EXISTS (
    SELECT 1 FROM bookings b JOIN advisors a ON a.user_id = b.advisor_id
    WHERE b.advisor_id = NEW.advisor_id AND b.status <> 'cancelled'
      AND b.start_at < NEW.end_at + a.buffer_minutes * 60 AND NEW.start_at < b.end_at + a.buffer_minutes * 60)
BEGIN
    SELECT RAISE(ABORT, 'booking overlaps another booking of the advisor');
END;

CREATE TRIGGER bookings_no_overlap_update BEFORE UPDATE OF start_at, end_at, status, advisor_id ON bookings
WHEN NEW.status <> 'cancelled' AND EXISTS (
    SELECT 1 FROM bookings b JOIN advisors a ON a.user_id = b.advisor_id
    WHERE b.advisor_id = NEW.advisor_id AND b.status <> 'cancelled' AND b.id <> NEW.id
      AND b.start_at < NEW.end_at + a.buffer_minutes * 60 AND NEW.start_at < b.end_at + a.buffer_minutes * 60)
BEGIN
    SELECT RAISE(ABORT, 'booking overlaps another booking of the advisor');
END;

-- Who did what to a booking, and why.
CREATE TABLE booking_events (
    id         INTEGER PRIMARY KEY,
    booking_id INTEGER NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    action     TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '',
    at         DATETIME NOT NULL
);
CREATE INDEX booking_events_idx ON booking_events (booking_id, id);

-- The action plan agreed in a consultation: items tied to pillars, with an
-- owner and a due date, that firm and advisor both tick off.
CREATE TABLE action_items (
    id         INTEGER PRIMARY KEY,
    booking_id INTEGER NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    firm_id    INTEGER NOT NULL REFERENCES firms (id) ON DELETE CASCADE,
    pillar     TEXT NOT NULL,
    text       TEXT NOT NULL,
    owner      TEXT NOT NULL CHECK (owner IN ('firm', 'advisor')),
    due        TEXT NOT NULL, -- a local date, 2006-01-02
    done_at    DATETIME,
    done_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at DATETIME NOT NULL
);
CREATE INDEX action_items_firm_idx ON action_items (firm_id, done_at);
CREATE INDEX action_items_booking_idx ON action_items (booking_id);

-- Messages may carry one attachment (the .ics of a booking), and a sender
-- claims a message before it sends it, so two senders never send one twice.
ALTER TABLE outbox ADD COLUMN attachment_name TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN attachment BLOB;
ALTER TABLE outbox ADD COLUMN claimed_until DATETIME;
