-- Deleting a user (by hand: the store never deletes one) failed once that
-- user had written two answers of a submitted result, or had shared a
-- result: "UNIQUE constraint failed: agg_dirty.firm_id", and the deletion
-- was undone. An operator's upsert over two answers of a submitted result
-- (INSERT ... ON CONFLICT DO UPDATE) failed the same way.
--
-- A foreign key's ON DELETE SET NULL is carried out as an UPDATE whose
-- conflict policy is ABORT, as is an upsert's DO UPDATE, and SQLite lets
-- the policy of the statement that fires a trigger override the OR IGNORE
-- of the trigger's own statements:
-- - setting answers.updated_by to NULL (or an upsert of answers) moves the
--   response's answers_rev once an answer (0032), and agg_responses_answers
--   names a submitted result's firm in agg_dirty each time: the second
--   naming of the same firm was a conflict;
-- - result_sharing's and sharing_events' update triggers (0031) name the
--   firm twice in one statement, old and new, so one row was enough.
--
-- These three now name a firm only when it is not named yet, which no
-- policy can turn into a conflict. They fire on the same updates as
-- before: any update of a sharing or a sharing event (who made it too, as
-- a renumbering through the rowid, which an "UPDATE OF id" would not hear),
-- and each move of a submitted result's answers. The other triggers that
-- name firms with OR IGNORE are not reached by a user's deletion: none of
-- their tables' update triggers listens for a column set to NULL then
-- (store/who_wrote_test.go checks every table with such a key).
DROP TRIGGER agg_responses_answers;
CREATE TRIGGER agg_responses_answers AFTER UPDATE OF answers_rev ON responses
WHEN NEW.status = 'submitted'
BEGIN
    INSERT INTO agg_dirty (firm_id) SELECT NEW.firm_id WHERE NOT EXISTS (SELECT 1 FROM agg_dirty WHERE firm_id = NEW.firm_id);
END;

DROP TRIGGER agg_sharing_update;
CREATE TRIGGER agg_sharing_update AFTER UPDATE ON result_sharing
BEGIN
    INSERT INTO agg_dirty (firm_id) SELECT OLD.firm_id WHERE NOT EXISTS (SELECT 1 FROM agg_dirty WHERE firm_id = OLD.firm_id);
    INSERT INTO agg_dirty (firm_id) SELECT NEW.firm_id WHERE NOT EXISTS (SELECT 1 FROM agg_dirty WHERE firm_id = NEW.firm_id);
END;

DROP TRIGGER agg_sharing_events_update;
CREATE TRIGGER agg_sharing_events_update AFTER UPDATE ON sharing_events
BEGIN
    INSERT INTO agg_dirty (firm_id) SELECT OLD.firm_id WHERE NOT EXISTS (SELECT 1 FROM agg_dirty WHERE firm_id = OLD.firm_id);
    INSERT INTO agg_dirty (firm_id) SELECT NEW.firm_id WHERE NOT EXISTS (SELECT 1 FROM agg_dirty WHERE firm_id = NEW.firm_id);
END;
