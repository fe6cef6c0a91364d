-- Figures the home and Center pages show on every view, kept by triggers
-- in the same transaction as the rows they count, so that a page reads one
-- row instead of counting a million (issue 14). Triggers rather than code
-- in each writer: registrations, imports, the demo's bulk load and
-- submissions all insert through different statements, and a trigger
-- cannot be forgotten by the next one. Upserts fire the INSERT trigger
-- only when a row is inserted; the store never uses REPLACE on these
-- tables (a REPLACE would delete without firing DELETE triggers).
CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    n    INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO counters (name, n) SELECT 'firms', COUNT(*) FROM firms;
INSERT INTO counters (name, n) SELECT 'assessed', COUNT(*) FROM current_results;
INSERT INTO counters (name, n) SELECT 'submitted', COUNT(*) FROM responses WHERE status = 'submitted';

CREATE TRIGGER counters_firms_insert AFTER INSERT ON firms
BEGIN UPDATE counters SET n = n + 1 WHERE name = 'firms'; END;
CREATE TRIGGER counters_firms_delete AFTER DELETE ON firms
BEGIN UPDATE counters SET n = n - 1 WHERE name = 'firms'; END;

CREATE TRIGGER counters_assessed_insert AFTER INSERT ON current_results
BEGIN UPDATE counters SET n = n + 1 WHERE name = 'assessed'; END;
CREATE TRIGGER counters_assessed_delete AFTER DELETE ON current_results
BEGIN UPDATE counters SET n = n - 1 WHERE name = 'assessed'; END;

CREATE TRIGGER counters_submitted_insert AFTER INSERT ON responses WHEN NEW.status = 'submitted'
BEGIN UPDATE counters SET n = n + 1 WHERE name = 'submitted'; END;
CREATE TRIGGER counters_submitted_delete AFTER DELETE ON responses WHEN OLD.status = 'submitted'
BEGIN UPDATE counters SET n = n - 1 WHERE name = 'submitted'; END;
CREATE TRIGGER counters_submitted_update AFTER UPDATE OF status ON responses
WHEN (OLD.status = 'submitted') <> (NEW.status = 'submitted')
BEGIN UPDATE counters SET n = n + (NEW.status = 'submitted') - (OLD.status = 'submitted') WHERE name = 'submitted'; END;
