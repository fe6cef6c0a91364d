-- Deleting a user (by hand: the store never deletes one) failed once that
-- user had written two answers of a submitted result, or shared a result
-- and changed it: "UNIQUE constraint failed: agg_dirty.firm_id".
--
-- A foreign key's ON DELETE SET NULL is carried out as an UPDATE whose
-- conflict policy is ABORT, and SQLite lets the policy of the statement
-- that fires a trigger override the OR IGNORE of the trigger's own
-- statements. Setting answers.updated_by to NULL fired answers_rev_update
-- for each of the user's answers, which moved the response's answers_rev,
-- whose trigger names the submitted result's firm in agg_dirty: the second
-- answer's naming of the same firm was a conflict, and the deletion was
-- undone. result_sharing and sharing_events' update triggers name the
-- firm twice in one statement (old and new), so one row was enough.
--
-- Who last wrote a row is not what these triggers listen for: an answer's
-- version (0032) is its options, and the cells read a sharing's firm,
-- association and times. Each now fires only on an update of a column it
-- listens for, so a user's deletion fires none of them. A column added to
-- these tables later must be added here if the cells or the answers'
-- version read it (store/who_columns_test.go checks that every column but
-- the user's is listened for).
DROP TRIGGER answers_rev_update;
CREATE TRIGGER answers_rev_update AFTER UPDATE OF response_id, question, options ON answers
BEGIN UPDATE responses SET answers_rev = answers_rev + 1 WHERE id IN (NEW.response_id, OLD.response_id); END;

DROP TRIGGER agg_sharing_update;
CREATE TRIGGER agg_sharing_update AFTER UPDATE OF firm_id, association_id, since ON result_sharing
BEGIN INSERT OR IGNORE INTO agg_dirty (firm_id) VALUES (OLD.firm_id), (NEW.firm_id); END;

DROP TRIGGER agg_sharing_events_update;
CREATE TRIGGER agg_sharing_events_update AFTER UPDATE OF id, firm_id, association_id, event, at ON sharing_events
BEGIN INSERT OR IGNORE INTO agg_dirty (firm_id) VALUES (OLD.firm_id), (NEW.firm_id); END;
