-- Every firm carries a secret record key too (package disclosure): a
-- cell's noise has a part keyed by its firms and a part keyed by their
-- results. A firm that submits again and again changes only the second
-- part, so averaging many looks cannot remove the first (docs/PRIVACY.md).
-- Drawn once, from SQLite's randomness, when the firm is created; never
-- shown, exported or drawn again.
ALTER TABLE firms ADD COLUMN record_key INTEGER NOT NULL DEFAULT 0;
UPDATE firms SET record_key = random() & 4294967295;
CREATE TRIGGER firms_record_key AFTER INSERT ON firms
BEGIN
    UPDATE firms SET record_key = random() & 4294967295 WHERE id = NEW.id;
END;
