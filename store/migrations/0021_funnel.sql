-- The programme funnel (issue 15, docs/FUNNEL.md), kept up to date instead
-- of counted on each view. funnel_dirty is its change log: triggers name
-- every firm whose accounts, assessments, bookings, action items,
-- dimensions or memberships a statement changed, whatever wrote them, so
-- no writer can forget it (the house style of 0017 and 0018). Before the
-- same transaction commits the store derives each named firm's journey
-- again with the pure rule (funnel.Reach), takes its old entries out of
-- the tallies, puts the new ones in and empties the log
-- (store/funnel_drain.go).
CREATE TABLE funnel_dirty (
    firm_id INTEGER PRIMARY KEY
);

-- Each firm that reached a stage: when it reached each (Unix seconds, NULL
-- if not), and the dimensions the funnel filters by. assocs lists its
-- associations as ",3,7," (',' for none), so a firm in two associations
-- counts once in a filter naming both.
CREATE TABLE funnel_firms (
    firm_id    INTEGER PRIMARY KEY,
    section    TEXT NOT NULL,
    size_class TEXT NOT NULL,
    ward_code  TEXT NOT NULL,
    assocs     TEXT NOT NULL,
    r0 INTEGER, r1 INTEGER, r2 INTEGER, r3 INTEGER, r4 INTEGER, r5 INTEGER, r6 INTEGER, r7 INTEGER
);
-- A stage's list: firms that reached it, latest first.
CREATE INDEX funnel_firms_r0 ON funnel_firms (r0 DESC, firm_id DESC) WHERE r0 IS NOT NULL;
CREATE INDEX funnel_firms_r1 ON funnel_firms (r1 DESC, firm_id DESC) WHERE r1 IS NOT NULL;
CREATE INDEX funnel_firms_r2 ON funnel_firms (r2 DESC, firm_id DESC) WHERE r2 IS NOT NULL;
CREATE INDEX funnel_firms_r3 ON funnel_firms (r3 DESC, firm_id DESC) WHERE r3 IS NOT NULL;
CREATE INDEX funnel_firms_r4 ON funnel_firms (r4 DESC, firm_id DESC) WHERE r4 IS NOT NULL;
CREATE INDEX funnel_firms_r5 ON funnel_firms (r5 DESC, firm_id DESC) WHERE r5 IS NOT NULL;
CREATE INDEX funnel_firms_r6 ON funnel_firms (r6 DESC, firm_id DESC) WHERE r6 IS NOT NULL;
CREATE INDEX funnel_firms_r7 ON funnel_firms (r7 DESC, firm_id DESC) WHERE r7 IS NOT NULL;

-- The tallies a page view sums: how many firms of one combination of
-- dimensions reached a stage in a quarter (year*4 + quarter - 1, Vietnam's
-- time) and took gap whole days to the next stage (-1: not reached). Each
-- firm is counted twice: under its own dimensions, and under '*' in all
-- four, the province's tallies, so the funnel without filters sums a few
-- dozen rows instead of every combination.
CREATE TABLE funnel_cells (
    section    TEXT NOT NULL,
    size_class TEXT NOT NULL,
    ward_code  TEXT NOT NULL,
    assocs     TEXT NOT NULL,
    stage      INTEGER NOT NULL,
    quarter    INTEGER NOT NULL,
    gap        INTEGER NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (section, size_class, ward_code, assocs, stage, quarter, gap)
) WITHOUT ROWID;
-- A filter by ward or size without a section reads only its own rows.
CREATE INDEX funnel_cells_ward ON funnel_cells (ward_code, stage, quarter, gap, n);
CREATE INDEX funnel_cells_size ON funnel_cells (size_class, stage, quarter, gap, n);

-- 'seq' counts the changes to the tallies, so a page may keep figures for
-- as long as it is unchanged; 'format' is the tallies' layout, derived again
-- from the rows when it is not the store's (and so filled the first time).
CREATE TABLE funnel_meta (
    name TEXT PRIMARY KEY,
    n    INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO funnel_meta (name, n) VALUES ('seq', 0), ('format', 0);

CREATE TRIGGER funnel_users_insert AFTER INSERT ON users WHEN NEW.firm_id IS NOT NULL
BEGIN INSERT OR IGNORE INTO funnel_dirty (firm_id) VALUES (NEW.firm_id); END;
CREATE TRIGGER funnel_users_update AFTER UPDATE OF firm_id, role, firm_verified_at, created_at ON users
BEGIN
    INSERT OR IGNORE INTO funnel_dirty (firm_id) SELECT NEW.firm_id WHERE NEW.firm_id IS NOT NULL;
    INSERT OR IGNORE INTO funnel_dirty (firm_id) SELECT OLD.firm_id WHERE OLD.firm_id IS NOT NULL;
END;
CREATE TRIGGER funnel_users_delete AFTER DELETE ON users WHEN OLD.firm_id IS NOT NULL
BEGIN INSERT OR IGNORE INTO funnel_dirty (firm_id) VALUES (OLD.firm_id); END;

CREATE TRIGGER funnel_responses_insert AFTER INSERT ON responses
BEGIN INSERT OR IGNORE INTO funnel_dirty (firm_id) VALUES (NEW.firm_id); END;
CREATE TRIGGER funnel_responses_update AFTER UPDATE OF status, submitted_at, created_at, firm_id ON responses
BEGIN
    INSERT OR IGNORE INTO funnel_dirty (firm_id) VALUES (NEW.firm_id);
    INSERT OR IGNORE INTO funnel_dirty (firm_id) VALUES (OLD.firm_id);
END;
CREATE TRIGGER funnel_responses_delete AFTER DELETE ON responses
BEGIN INSERT OR IGNORE INTO funnel_dirty (firm_id) VALUES (OLD.firm_id); END;

CREATE TRIGGER funnel_bookings_insert AFTER INSERT ON bookings
BEGIN INSERT OR IGNORE INTO funnel_dirty (firm_id) VALUES (NEW.firm_id); END;
CREATE TRIGGER funnel_bookings_update AFTER UPDATE OF status, start_at, created_at, firm_id ON bookings
BEGIN
    INSERT OR IGNORE INTO funnel_dirty (firm_id) VALUES (NEW.firm_id);
    INSERT OR IGNORE INTO funnel_dirty (firm_id) VALUES (OLD.firm_id);
END;
CREATE TRIGGER funnel_bookings_delete AFTER DELETE ON bookings
BEGIN INSERT OR IGNORE INTO funnel_dirty (firm_id) VALUES (OLD.firm_id); END;

CREATE TRIGGER funnel_actions_insert AFTER INSERT ON action_items
BEGIN INSERT OR IGNORE INTO funnel_dirty (firm_id) VALUES (NEW.firm_id); END;
CREATE TRIGGER funnel_actions_update AFTER UPDATE OF done_at, booking_id, firm_id ON action_items
BEGIN
    INSERT OR IGNORE INTO funnel_dirty (firm_id) VALUES (NEW.firm_id);
    INSERT OR IGNORE INTO funnel_dirty (firm_id) VALUES (OLD.firm_id);
END;
CREATE TRIGGER funnel_actions_delete AFTER DELETE ON action_items
BEGIN INSERT OR IGNORE INTO funnel_dirty (firm_id) VALUES (OLD.firm_id); END;

CREATE TRIGGER funnel_firms_update AFTER UPDATE OF section, size_class, ward_code ON firms
WHEN OLD.section IS NOT NEW.section OR OLD.size_class IS NOT NEW.size_class OR OLD.ward_code IS NOT NEW.ward_code
BEGIN INSERT OR IGNORE INTO funnel_dirty (firm_id) SELECT NEW.id WHERE EXISTS (SELECT 1 FROM funnel_firms WHERE firm_id = NEW.id); END;
CREATE TRIGGER funnel_firms_delete AFTER DELETE ON firms
BEGIN INSERT OR IGNORE INTO funnel_dirty (firm_id) SELECT OLD.id WHERE EXISTS (SELECT 1 FROM funnel_firms WHERE firm_id = OLD.id); END;

CREATE TRIGGER funnel_memberships_insert AFTER INSERT ON firm_associations
BEGIN INSERT OR IGNORE INTO funnel_dirty (firm_id) SELECT NEW.firm_id WHERE EXISTS (SELECT 1 FROM funnel_firms WHERE firm_id = NEW.firm_id); END;
CREATE TRIGGER funnel_memberships_delete AFTER DELETE ON firm_associations
BEGIN INSERT OR IGNORE INTO funnel_dirty (firm_id) SELECT OLD.firm_id WHERE EXISTS (SELECT 1 FROM funnel_firms WHERE firm_id = OLD.firm_id); END;
