-- Consultation quality (issue 15, point 3): the figures of the Center's
-- quality page kept up to date by triggers on the rows they follow, so a
-- view reads a few small tables and never scans the bookings.
--
-- Local quarter and ISO week (its Monday, Asia/Ho_Chi_Minh = UTC+7) of a
-- booking's start; bookings' times are Unix seconds.
CREATE TABLE quality_tally (
    quarter    TEXT NOT NULL,    -- 2026-Q4
    advisor_id INTEGER NOT NULL,
    status     TEXT NOT NULL,    -- confirmed, cancelled, done, no_show
    n          INTEGER NOT NULL,
    PRIMARY KEY (quarter, advisor_id, status)
) WITHOUT ROWID;

-- Minutes booked (not cancelled) per advisor and week (its Monday).
CREATE TABLE quality_week (
    week       TEXT NOT NULL,    -- 2026-11-30, a Monday
    advisor_id INTEGER NOT NULL,
    minutes    INTEGER NOT NULL,
    PRIMARY KEY (week, advisor_id)
) WITHOUT ROWID;

-- Whole days from a firm's latest submitted result to its first booking
-- made after a result: one row a firm, written when that booking is made.
CREATE TABLE quality_first_booking (
    firm_id INTEGER PRIMARY KEY REFERENCES firms (id) ON DELETE CASCADE,
    days    INTEGER NOT NULL
);

-- How many firms waited each number of days: the distribution the page
-- reads, a row a distinct wait, not a row a firm.
CREATE TABLE quality_wait (
    days INTEGER PRIMARY KEY,
    n    INTEGER NOT NULL
);

CREATE TRIGGER quality_wait_insert AFTER INSERT ON quality_first_booking BEGIN
    INSERT INTO quality_wait (days, n) VALUES (NEW.days, 1) ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER quality_wait_delete AFTER DELETE ON quality_first_booking BEGIN
    UPDATE quality_wait SET n = n - 1 WHERE days = OLD.days;
END;

-- Moves whenever a figure of the score change T0 → T1 may move (a
-- booking's status, a submitted result, a rating): the page keeps that
-- costly figure computed for one value of seq.
CREATE TABLE quality_meta (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL
);
INSERT INTO quality_meta (id, seq) VALUES (1, 0);

-- A held consultation's rating by its firm: one a booking, changed at
-- most once (changes) from the booking page.
CREATE TABLE booking_ratings (
    booking_id INTEGER PRIMARY KEY REFERENCES bookings (id) ON DELETE CASCADE,
    advisor_id INTEGER NOT NULL,
    firm_id    INTEGER NOT NULL,
    rating     INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment    TEXT NOT NULL DEFAULT '',
    rated_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    changes    INTEGER NOT NULL DEFAULT 0,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);
CREATE INDEX booking_ratings_advisor_idx ON booking_ratings (advisor_id, booking_id);

-- Per advisor: how many ratings and their sum.
CREATE TABLE quality_ratings (
    advisor_id INTEGER PRIMARY KEY,
    n          INTEGER NOT NULL,
    total      INTEGER NOT NULL
);

-- The single-use links that ask a firm's user to rate a held booking.
-- Only the SHA-256 of the token is kept; times are Unix seconds.
CREATE TABLE rating_links (
    token_hash BLOB PRIMARY KEY,
    booking_id INTEGER NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
) WITHOUT ROWID;
CREATE INDEX rating_links_booking_idx ON rating_links (booking_id);
CREATE INDEX rating_links_expiry_idx ON rating_links (expires_at);

-- Held bookings by firm: the score change reads them.
CREATE INDEX bookings_held_idx ON bookings (firm_id, end_at) WHERE status = 'done';

CREATE TRIGGER quality_bookings_insert AFTER INSERT ON bookings BEGIN
    INSERT INTO quality_tally (quarter, advisor_id, status, n)
    VALUES (strftime('%Y', NEW.start_at + 25200, 'unixepoch') || '-Q' || ((CAST(strftime('%m', NEW.start_at + 25200, 'unixepoch') AS INTEGER) + 2) / 3),
            NEW.advisor_id, NEW.status, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO quality_week (week, advisor_id, minutes)
    SELECT date(NEW.start_at + 25200, 'unixepoch', 'weekday 0', '-6 days'), NEW.advisor_id, (NEW.end_at - NEW.start_at) / 60
    WHERE NEW.status <> 'cancelled'
    ON CONFLICT DO UPDATE SET minutes = minutes + excluded.minutes;
    INSERT OR IGNORE INTO quality_first_booking (firm_id, days)
    SELECT NEW.firm_id, CAST(julianday(NEW.created_at) - julianday(MAX(r.submitted_at)) AS INTEGER)
    FROM responses r WHERE r.firm_id = NEW.firm_id AND r.status = 'submitted' AND julianday(r.submitted_at) <= julianday(NEW.created_at)
    HAVING COUNT(*) > 0;
    UPDATE quality_meta SET seq = seq + 1 WHERE id = 1;
END;

CREATE TRIGGER quality_bookings_delete AFTER DELETE ON bookings BEGIN
    UPDATE quality_tally SET n = n - 1
    WHERE quarter = strftime('%Y', OLD.start_at + 25200, 'unixepoch') || '-Q' || ((CAST(strftime('%m', OLD.start_at + 25200, 'unixepoch') AS INTEGER) + 2) / 3)
      AND advisor_id = OLD.advisor_id AND status = OLD.status;
    UPDATE quality_week SET minutes = minutes - (OLD.end_at - OLD.start_at) / 60
    WHERE OLD.status <> 'cancelled' AND week = date(OLD.start_at + 25200, 'unixepoch', 'weekday 0', '-6 days') AND advisor_id = OLD.advisor_id;
    UPDATE quality_meta SET seq = seq + 1 WHERE id = 1;
END;

CREATE TRIGGER quality_bookings_update AFTER UPDATE OF status, start_at, end_at, advisor_id ON bookings BEGIN
    UPDATE quality_tally SET n = n - 1
    WHERE quarter = strftime('%Y', OLD.start_at + 25200, 'unixepoch') || '-Q' || ((CAST(strftime('%m', OLD.start_at + 25200, 'unixepoch') AS INTEGER) + 2) / 3)
      AND advisor_id = OLD.advisor_id AND status = OLD.status;
    UPDATE quality_week SET minutes = minutes - (OLD.end_at - OLD.start_at) / 60
    WHERE OLD.status <> 'cancelled' AND week = date(OLD.start_at + 25200, 'unixepoch', 'weekday 0', '-6 days') AND advisor_id = OLD.advisor_id;
    INSERT INTO quality_tally (quarter, advisor_id, status, n)
    VALUES (strftime('%Y', NEW.start_at + 25200, 'unixepoch') || '-Q' || ((CAST(strftime('%m', NEW.start_at + 25200, 'unixepoch') AS INTEGER) + 2) / 3),
            NEW.advisor_id, NEW.status, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO quality_week (week, advisor_id, minutes)
    SELECT date(NEW.start_at + 25200, 'unixepoch', 'weekday 0', '-6 days'), NEW.advisor_id, (NEW.end_at - NEW.start_at) / 60
    WHERE NEW.status <> 'cancelled'
    ON CONFLICT DO UPDATE SET minutes = minutes + excluded.minutes;
    UPDATE quality_meta SET seq = seq + 1 WHERE id = 1;
END;

CREATE TRIGGER quality_responses_submit AFTER UPDATE OF status ON responses WHEN NEW.status = 'submitted' BEGIN
    UPDATE quality_meta SET seq = seq + 1 WHERE id = 1;
END;

CREATE TRIGGER quality_responses_insert AFTER INSERT ON responses WHEN NEW.status = 'submitted' BEGIN
    UPDATE quality_meta SET seq = seq + 1 WHERE id = 1;
END;

CREATE TRIGGER quality_ratings_insert AFTER INSERT ON booking_ratings BEGIN
    INSERT INTO quality_ratings (advisor_id, n, total) VALUES (NEW.advisor_id, 1, NEW.rating)
    ON CONFLICT DO UPDATE SET n = n + 1, total = total + excluded.total;
END;

CREATE TRIGGER quality_ratings_update AFTER UPDATE OF rating ON booking_ratings BEGIN
    UPDATE quality_ratings SET total = total - OLD.rating + NEW.rating WHERE advisor_id = NEW.advisor_id;
END;

CREATE TRIGGER quality_ratings_delete AFTER DELETE ON booking_ratings BEGIN
    UPDATE quality_ratings SET n = n - 1, total = total - OLD.rating WHERE advisor_id = OLD.advisor_id;
END;

-- What was there before this migration.
INSERT INTO quality_tally (quarter, advisor_id, status, n)
SELECT strftime('%Y', start_at + 25200, 'unixepoch') || '-Q' || ((CAST(strftime('%m', start_at + 25200, 'unixepoch') AS INTEGER) + 2) / 3),
       advisor_id, status, COUNT(*)
FROM bookings GROUP BY 1, 2, 3;
INSERT INTO quality_week (week, advisor_id, minutes)
SELECT date(start_at + 25200, 'unixepoch', 'weekday 0', '-6 days'), advisor_id, SUM((end_at - start_at) / 60)
FROM bookings WHERE status <> 'cancelled' GROUP BY 1, 2;
INSERT INTO quality_first_booking (firm_id, days)
SELECT b.firm_id, CAST(julianday(b.created_at) - julianday(
           (SELECT MAX(r.submitted_at) FROM responses r WHERE r.firm_id = b.firm_id AND r.status = 'submitted'
            AND julianday(r.submitted_at) <= julianday(b.created_at))) AS INTEGER)
FROM bookings b
WHERE b.id = (SELECT b2.id FROM bookings b2 WHERE b2.firm_id = b.firm_id AND EXISTS (
        SELECT 1 FROM responses r WHERE r.firm_id = b2.firm_id AND r.status = 'submitted' AND julianday(r.submitted_at) <= julianday(b2.created_at))
      ORDER BY julianday(b2.created_at), b2.id LIMIT 1);
