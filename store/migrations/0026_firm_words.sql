-- The admin search's words in name order (issue 14, searches at 1,000,000
-- firms). A search walked firms_name_idx from its cursor and tested each
-- firm, so a page cost the distance in name order between its matches: "go"
-- has none in the demo's first 178,000 names, and its last page took 480 ms.
-- Here every word a firm's search key starts a token with (store.searchTerms:
-- each token, and the first two letters of a longer one) has a row in name
-- order, so a page of a word is a seek per term it stands for (one for a
-- word of two letters; for longer ones, one per token of the registry that
-- starts with it) and then as many rows as the page shows.
--
-- Kept by triggers in the same transaction as the firm's row; they call
-- search_terms, the store's Go function (store/firm_words.go), which every
-- connection of the store (and of the process, by the sqlite default
-- driver) has. A bulk load drops them and derives the table once at the end.
CREATE TABLE firm_words (
    term       TEXT    NOT NULL,
    search_key TEXT    NOT NULL,
    firm_id    INTEGER NOT NULL,
    PRIMARY KEY (term, search_key, firm_id)
) WITHOUT ROWID;

INSERT INTO firm_words (term, search_key, firm_id)
SELECT j.value, f.search_key, f.id FROM firms f, json_each(search_terms(f.search_key)) j
ORDER BY 1, 2, 3;

-- How many rows each term has: a search by several words walks the rows
-- of its rarest word, or sorts the matches when they are sparse among them.
CREATE TABLE firm_word_counts (
    term TEXT    PRIMARY KEY,
    n    INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO firm_word_counts (term, n) SELECT term, COUNT(*) FROM firm_words GROUP BY term;

CREATE TRIGGER firm_words_insert AFTER INSERT ON firms
BEGIN
    INSERT INTO firm_words (term, search_key, firm_id)
    SELECT value, NEW.search_key, NEW.id FROM json_each(search_terms(NEW.search_key));
    INSERT INTO firm_word_counts (term, n) SELECT value, 1 FROM json_each(search_terms(NEW.search_key)) WHERE 1
        ON CONFLICT (term) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER firm_words_rename AFTER UPDATE OF search_key ON firms
    WHEN OLD.search_key IS NOT NEW.search_key
BEGIN
    DELETE FROM firm_words WHERE firm_id = OLD.id AND search_key = OLD.search_key
        AND term IN (SELECT value FROM json_each(search_terms(OLD.search_key)));
    UPDATE firm_word_counts SET n = n - 1 WHERE term IN (SELECT value FROM json_each(search_terms(OLD.search_key)));
    INSERT INTO firm_words (term, search_key, firm_id)
    SELECT value, NEW.search_key, NEW.id FROM json_each(search_terms(NEW.search_key));
    INSERT INTO firm_word_counts (term, n) SELECT value, 1 FROM json_each(search_terms(NEW.search_key)) WHERE 1
        ON CONFLICT (term) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER firm_words_delete AFTER DELETE ON firms
BEGIN
    DELETE FROM firm_words WHERE firm_id = OLD.id AND search_key = OLD.search_key
        AND term IN (SELECT value FROM json_each(search_terms(OLD.search_key)));
    UPDATE firm_word_counts SET n = n - 1 WHERE term IN (SELECT value FROM json_each(search_terms(OLD.search_key)));
END;

-- Several words that are each common but rare together ("go duc": 2,900
-- firms of 1,000,000) are found by firms_fts and sorted: by this copy of
-- each firm's key beside its id, which a lookup by id reads without the
-- firm's whole row.
CREATE INDEX firms_id_key_idx ON firms (id, search_key);
