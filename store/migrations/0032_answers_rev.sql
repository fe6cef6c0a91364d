-- Every page of the survey shows its draft whole, and reading the answers
-- (some 42 rows packed into one string) behind each page was a sixth of
-- the server's CPU in the load tool's firm cycle (issue 14). The store now
-- keeps the answers it read in memory (answers_cache.go), and a read's one
-- statement packs them only when the response is not at the version kept:
-- answers_rev, moved here by every insert, update and delete of an answer,
-- by the store or by any other tool (the sqlite3 shell, a script), so the
-- answers kept are never those of another state. The record key (random
-- at each insert, 0006) tells a response apart from one that took its id
-- after a delete.
--
-- The answers' triggers of 0028 looked the response up for each answer
-- changed, to log a submitted result's firm for the cells. They now move
-- answers_rev instead, and the response's own trigger logs the firm when
-- the result is submitted: one statement an answer, as before, and the
-- same firms logged. A bulk load drops these with the other agg_ triggers
-- (answers_rev_ too, bulk.go).
ALTER TABLE responses ADD COLUMN answers_rev INTEGER NOT NULL DEFAULT 0;

DROP TRIGGER agg_answers_insert;
DROP TRIGGER agg_answers_update;
DROP TRIGGER agg_answers_delete;

CREATE TRIGGER answers_rev_insert AFTER INSERT ON answers
BEGIN UPDATE responses SET answers_rev = answers_rev + 1 WHERE id = NEW.response_id; END;
CREATE TRIGGER answers_rev_update AFTER UPDATE ON answers
BEGIN UPDATE responses SET answers_rev = answers_rev + 1 WHERE id IN (NEW.response_id, OLD.response_id); END;
CREATE TRIGGER answers_rev_delete AFTER DELETE ON answers
BEGIN UPDATE responses SET answers_rev = answers_rev + 1 WHERE id = OLD.response_id; END;

CREATE TRIGGER agg_responses_answers AFTER UPDATE OF answers_rev ON responses
WHEN NEW.status = 'submitted'
BEGIN INSERT OR IGNORE INTO agg_dirty (firm_id) VALUES (NEW.firm_id); END;
