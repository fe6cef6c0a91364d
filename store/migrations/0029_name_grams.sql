-- A member list filtered by a rare part of a name ("phat", "go duc", "ty go")
-- tested every member's index entry once before it knew the matches were
-- few: 12 ms a page at 68,000 members, 31-34 ms at 148,018 (issue 14). Here
-- each firm's folded name is indexed by its trigrams (three characters in a
-- row), so the firms whose name may hold a query of three characters or
-- more are read from the index (store/member_grams.go: the AND of the
-- query's trigrams), and only those are tested, each against its
-- membership, by the filter itself.
--
-- The text indexed is what the filter tests: the folded name, and after it,
-- on a new line (which no folded query holds, so no trigram of a query
-- spans the two), the search key where it is not the end of the folded
-- name (no firm written by the store is so; store.memberNameCond then
-- tests the key alone for some queries). The index holds firm ids only
-- (contentless, detail none): a candidate is a superset, never an answer.
--
-- Kept by triggers in the same transaction as the firm's row, whichever
-- tool writes it; memberships need nothing here (a candidate is joined to
-- member_keys, which follows joins and leaves).
CREATE VIRTUAL TABLE firm_name_grams USING fts5 (
    name, content = '', contentless_delete = 1, detail = 'none', tokenize = 'trigram'
);

INSERT INTO firm_name_grams (rowid, name)
SELECT id, name_folded || CASE WHEN length(search_key) <= length(name_folded)
        AND substr(name_folded, length(name_folded) - length(search_key) + 1) = search_key
    THEN '' ELSE char(10) || search_key END
FROM firms;

CREATE TRIGGER firm_name_grams_insert AFTER INSERT ON firms
BEGIN
    INSERT INTO firm_name_grams (rowid, name)
    VALUES (NEW.id, NEW.name_folded || CASE WHEN length(NEW.search_key) <= length(NEW.name_folded)
            AND substr(NEW.name_folded, length(NEW.name_folded) - length(NEW.search_key) + 1) = NEW.search_key
        THEN '' ELSE char(10) || NEW.search_key END);
END;

CREATE TRIGGER firm_name_grams_update AFTER UPDATE OF id, name_folded, search_key ON firms
    WHEN OLD.id IS NOT NEW.id OR OLD.name_folded IS NOT NEW.name_folded OR OLD.search_key IS NOT NEW.search_key
BEGIN
    DELETE FROM firm_name_grams WHERE rowid = OLD.id;
    INSERT INTO firm_name_grams (rowid, name)
    VALUES (NEW.id, NEW.name_folded || CASE WHEN length(NEW.search_key) <= length(NEW.name_folded)
            AND substr(NEW.name_folded, length(NEW.name_folded) - length(NEW.search_key) + 1) = NEW.search_key
        THEN '' ELSE char(10) || NEW.search_key END);
END;

CREATE TRIGGER firm_name_grams_delete AFTER DELETE ON firms
BEGIN
    DELETE FROM firm_name_grams WHERE rowid = OLD.id;
END;
