-- Aggregates kept up to date instead of rebuilt (issue 14): every figure a
-- dashboard, comparison or export shows is computed from cells, additive
-- tallies of results (package disclosure) per group of firms, stratum and
-- quarter, kept here and in memory, changed by the writes that change them.
--
-- agg_dirty is the change log: triggers name every firm whose results,
-- memberships, consent or dimensions a statement changed, whatever wrote
-- them (the survey, imports, the demo's bulk load, a rescore, a deletion),
-- so no writer can forget it. The store reconciles the firms named before
-- the same transaction commits (store/cells_drain.go): it derives each
-- firm's contribution to every cell from its rows, takes away the one kept
-- in agg_inputs, adds the new, and empties the log.
CREATE TABLE agg_dirty (
    firm_id INTEGER PRIMARY KEY
);

-- What each firm with a submitted result contributes, as last reconciled
-- (store/cells_inputs.go gives the encoding): its key, dimensions,
-- memberships with the consent at each quarter's end, and its results.
-- No foreign key: a deleted firm's inputs are what is taken away.
CREATE TABLE agg_inputs (
    firm_id INTEGER PRIMARY KEY,
    data    BLOB NOT NULL
);

-- The cells: for a group ('p' the province, 'a:<id>' an association, 'd:',
-- 's:', 'z:', 'w:', 'k:' a VSIC division, section, size class, ward or
-- industrial park, 'x:<section>|<size>' a stratum of the estimates), a
-- stratum (0 shared with the association at the quarter's start, 1 the
-- rest) and a quarter (year*4 + quarter - 1), the change in its tally
-- during that quarter. A group's figures at the end of a quarter are the
-- sum of its changes up to that quarter; a past quarter never changes
-- unless the past itself is rewritten (a rescore, a membership or a
-- dimension, which apply to a firm's whole history).
CREATE TABLE agg_cells (
    instrument TEXT NOT NULL,
    grp        TEXT NOT NULL,
    stratum    INTEGER NOT NULL,
    quarter    INTEGER NOT NULL,
    tally      BLOB NOT NULL,
    PRIMARY KEY (instrument, grp, stratum, quarter)
) WITHOUT ROWID;

-- 'seq' counts reconciliations, so memory knows whether it holds every
-- one; 'format' is the cells' layout, rebuilt from the rows when it is not
-- the store's.
CREATE TABLE agg_meta (
    name TEXT PRIMARY KEY,
    n    INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO agg_meta (name, n) VALUES ('seq', 0), ('format', 0);

CREATE TRIGGER agg_responses_insert AFTER INSERT ON responses WHEN NEW.status = 'submitted'
BEGIN INSERT OR IGNORE INTO agg_dirty (firm_id) VALUES (NEW.firm_id); END;
CREATE TRIGGER agg_responses_update AFTER UPDATE OF status, overall, level, submitted_at, record_key, instrument, firm_id ON responses
WHEN NEW.status = 'submitted' OR OLD.status = 'submitted'
BEGIN
    INSERT OR IGNORE INTO agg_dirty (firm_id) VALUES (NEW.firm_id);
    INSERT OR IGNORE INTO agg_dirty (firm_id) VALUES (OLD.firm_id);
END;
CREATE TRIGGER agg_responses_delete AFTER DELETE ON responses WHEN OLD.status = 'submitted'
BEGIN INSERT OR IGNORE INTO agg_dirty (firm_id) VALUES (OLD.firm_id); END;

CREATE TRIGGER agg_pillar_scores_insert AFTER INSERT ON pillar_scores
BEGIN INSERT OR IGNORE INTO agg_dirty (firm_id) SELECT firm_id FROM responses WHERE id = NEW.response_id AND status = 'submitted'; END;
CREATE TRIGGER agg_pillar_scores_update AFTER UPDATE ON pillar_scores
BEGIN INSERT OR IGNORE INTO agg_dirty (firm_id) SELECT firm_id FROM responses WHERE id = NEW.response_id AND status = 'submitted'; END;
CREATE TRIGGER agg_pillar_scores_delete AFTER DELETE ON pillar_scores
BEGIN INSERT OR IGNORE INTO agg_dirty (firm_id) SELECT firm_id FROM responses WHERE id = OLD.response_id AND status = 'submitted'; END;

CREATE TRIGGER agg_memberships_insert AFTER INSERT ON firm_associations
BEGIN INSERT OR IGNORE INTO agg_dirty (firm_id) VALUES (NEW.firm_id); END;
CREATE TRIGGER agg_memberships_delete AFTER DELETE ON firm_associations
BEGIN INSERT OR IGNORE INTO agg_dirty (firm_id) VALUES (OLD.firm_id); END;

CREATE TRIGGER agg_sharing_insert AFTER INSERT ON result_sharing
BEGIN INSERT OR IGNORE INTO agg_dirty (firm_id) VALUES (NEW.firm_id); END;
CREATE TRIGGER agg_sharing_delete AFTER DELETE ON result_sharing
BEGIN INSERT OR IGNORE INTO agg_dirty (firm_id) VALUES (OLD.firm_id); END;
CREATE TRIGGER agg_sharing_events_insert AFTER INSERT ON sharing_events
BEGIN INSERT OR IGNORE INTO agg_dirty (firm_id) VALUES (NEW.firm_id); END;

-- A firm's key is drawn by a trigger just after it is inserted (from 0):
-- that is no change to any cell, since a new firm has no result yet.
CREATE TRIGGER agg_firms_update AFTER UPDATE OF vsic_code, section, size_class, ward_code, park_code, record_key ON firms
WHEN OLD.record_key <> 0 AND (OLD.vsic_code IS NOT NEW.vsic_code OR OLD.section IS NOT NEW.section
    OR OLD.size_class IS NOT NEW.size_class OR OLD.ward_code IS NOT NEW.ward_code OR OLD.park_code IS NOT NEW.park_code
    OR OLD.record_key <> NEW.record_key)
BEGIN INSERT OR IGNORE INTO agg_dirty (firm_id) VALUES (NEW.id); END;
CREATE TRIGGER agg_firms_delete AFTER DELETE ON firms
BEGIN INSERT OR IGNORE INTO agg_dirty (firm_id) VALUES (OLD.id); END;

-- Members per association, for the dashboards' "members" (a firm with no
-- result is in no cell).
INSERT INTO counters (name, n) SELECT 'members:' || association_id, COUNT(*) FROM firm_associations GROUP BY association_id;
CREATE TRIGGER counters_members_insert AFTER INSERT ON firm_associations
BEGIN
    INSERT INTO counters (name, n) VALUES ('members:' || NEW.association_id, 1)
    ON CONFLICT (name) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER counters_members_delete AFTER DELETE ON firm_associations
BEGIN UPDATE counters SET n = n - 1 WHERE name = 'members:' || OLD.association_id; END;
