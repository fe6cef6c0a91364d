-- Every result carries a secret record key for disclosure control (package
-- disclosure, docs/PRIVACY.md): a cell's noise is a function of the sum of
-- its results' keys. A key is drawn once, from SQLite's randomness (seeded
-- by the operating system), when the response is created, and never drawn
-- again for the same response: redrawing would let repeated looks average
-- the noise away. Keys are never shown or exported.
ALTER TABLE responses ADD COLUMN record_key INTEGER NOT NULL DEFAULT 0;
UPDATE responses SET record_key = random() & 4294967295;
CREATE TRIGGER responses_record_key AFTER INSERT ON responses
BEGIN
    UPDATE responses SET record_key = random() & 4294967295 WHERE id = NEW.id;
END;
