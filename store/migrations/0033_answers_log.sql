-- A change to an answer is logged (answer_events: who, what, when) by the
-- answers' own triggers instead of a statement of the store's own (issue
-- 14). The store wrote each save as two statements over the same JSON
-- object: the events first, each answer looked up to skip those sent again
-- unchanged, then the answers. That first statement was 6 % of the
-- server's CPU in the load tool's firm cycle; a trigger row costs less than
-- a second pass over the JSON, its parse and its lookups (a step of seven
-- answers: 131 µs for both statements, 110 µs with the trigger, 90 µs for
-- the answers alone; BenchmarkSaveStep and docs/PERFORMANCE.md).
--
-- The same rows are logged: the answers' upsert changes a row only when
-- its options differ, and a row it does not change fires no trigger. The
-- event's user and time are the answer's updated_by and updated_at, which
-- the store sets to the saving user and the save's time as the events'
-- statement did. An answer changed by another tool (the sqlite3 shell, a
-- script) is now logged too, with whatever user and time that tool wrote;
-- one deleted is not logged, as before. Changing only who last wrote an
-- answer (a user's deletion sets updated_by to NULL) logs nothing.
--
-- A bulk load (the demo) drops these with the other triggers it drops
-- (bulk.go), so its answers log no events, as before.
CREATE TRIGGER answers_log_insert AFTER INSERT ON answers
BEGIN
    INSERT INTO answer_events (response_id, question, options, user_id, at)
    VALUES (NEW.response_id, NEW.question, NEW.options, NEW.updated_by, NEW.updated_at);
END;

CREATE TRIGGER answers_log_update AFTER UPDATE OF response_id, question, options ON answers
WHEN NEW.options IS NOT OLD.options OR NEW.response_id IS NOT OLD.response_id OR NEW.question IS NOT OLD.question
BEGIN
    INSERT INTO answer_events (response_id, question, options, user_id, at)
    VALUES (NEW.response_id, NEW.question, NEW.options, NEW.updated_by, NEW.updated_at);
END;
