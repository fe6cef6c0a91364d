-- A submitted result's answers feed the cells (its adoption facts, issue
-- 16), but only its response row, pillar scores, memberships, sharing and
-- firm logged a change (0018): an answer of a submitted result changed by
-- hand (the sqlite3 shell, another tool) was never logged. Before issue
-- 14's submit note, the firm's next submission happened to read it whole;
-- now a submission adds its one result to what the firm's kept inputs hold,
-- so the hand edit stayed in them (ATTACK17). The store itself never
-- changes a submitted result's answers (SaveAnswers refuses); a draft's
-- answers are looked up and not logged. A bulk load drops these with the
-- other agg_ triggers.
CREATE TRIGGER agg_answers_insert AFTER INSERT ON answers
BEGIN INSERT OR IGNORE INTO agg_dirty (firm_id) SELECT firm_id FROM responses WHERE id = NEW.response_id AND status = 'submitted'; END;
CREATE TRIGGER agg_answers_update AFTER UPDATE ON answers
BEGIN INSERT OR IGNORE INTO agg_dirty (firm_id) SELECT firm_id FROM responses WHERE id IN (NEW.response_id, OLD.response_id) AND status = 'submitted'; END;
CREATE TRIGGER agg_answers_delete AFTER DELETE ON answers
BEGIN INSERT OR IGNORE INTO agg_dirty (firm_id) SELECT firm_id FROM responses WHERE id = OLD.response_id AND status = 'submitted'; END;
