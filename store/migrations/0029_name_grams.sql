-- A member list filtered by a rare part of a name ("phat", "go duc", "hop
-- tac") tested every member's index entry once before it knew the matches
-- were few: 12 ms a page at 68,000 members, 31-34 ms at 148,018 (issue 14).
-- Here each membership's folded name is indexed by its trigrams (three
-- characters in a row), under a rowid that puts an association's members
-- together: association_id * 2^32 + firm_id (firm ids stay below 2^32). A
-- query of three characters or more reads, within its association's range
-- of rowids, the members whose name holds all of its trigrams
-- (store/member_grams.go), and only those are tested, by the filter itself.
-- An index by firm would offer the whole registry's matches, each a lookup
-- of its membership: at 1,000,000 firms that cost more than the walk.
--
-- The text indexed is what the filter tests: the folded name, and after it,
-- on a new line (which no folded query holds, so no trigram of a query
-- spans the two), the search key where it is not the end of the folded
-- name (no firm written by the store is so; store.memberNameCond then
-- tests the key alone for some queries). The index holds rowids only
-- (contentless, detail none): a candidate is a superset, never an answer.
--
-- Kept by triggers in the same transaction as the rows they follow,
-- whichever tool writes them. They read firms and firm_associations by
-- their primary keys, which a bulk load does not drop.
CREATE VIRTUAL TABLE member_name_grams USING fts5 (
    name, content = '', contentless_delete = 1, detail = 'none', tokenize = 'trigram'
);

INSERT INTO member_name_grams (rowid, name)
SELECT m.association_id * 4294967296 + m.firm_id,
    f.name_folded || CASE WHEN length(f.search_key) <= length(f.name_folded)
        AND substr(f.name_folded, length(f.name_folded) - length(f.search_key) + 1) = f.search_key
    THEN '' ELSE char(10) || f.search_key END
FROM firm_associations m JOIN firms f ON f.id = m.firm_id
ORDER BY 1;

-- A join. OR REPLACE: a membership written over one that stayed (INSERT
-- OR REPLACE by hand, which fires no delete trigger) has one row, not two.
-- (A DELETE first would do the same, but FTS5 writes its pending rows out
-- before each delete: an import of 1,000 members took 2.3 times as long.)
CREATE TRIGGER member_name_grams_join AFTER INSERT ON firm_associations
BEGIN
    INSERT OR REPLACE INTO member_name_grams (rowid, name)
    SELECT NEW.association_id * 4294967296 + NEW.firm_id,
        name_folded || CASE WHEN length(search_key) <= length(name_folded)
            AND substr(name_folded, length(name_folded) - length(search_key) + 1) = search_key
        THEN '' ELSE char(10) || search_key END
    FROM firms WHERE id = NEW.firm_id;
END;

CREATE TRIGGER member_name_grams_leave AFTER DELETE ON firm_associations
BEGIN
    DELETE FROM member_name_grams WHERE rowid = OLD.association_id * 4294967296 + OLD.firm_id;
END;

CREATE TRIGGER member_name_grams_move AFTER UPDATE OF firm_id, association_id ON firm_associations
BEGIN
    DELETE FROM member_name_grams WHERE rowid = OLD.association_id * 4294967296 + OLD.firm_id;
    INSERT OR REPLACE INTO member_name_grams (rowid, name)
    SELECT NEW.association_id * 4294967296 + NEW.firm_id,
        name_folded || CASE WHEN length(search_key) <= length(name_folded)
            AND substr(name_folded, length(name_folded) - length(search_key) + 1) = search_key
        THEN '' ELSE char(10) || search_key END
    FROM firms WHERE id = NEW.firm_id;
END;

-- A rename: every membership of the firm (firm_associations' primary key
-- starts with the firm), each row replaced.
CREATE TRIGGER member_name_grams_rename AFTER UPDATE OF name_folded, search_key ON firms
    WHEN OLD.name_folded IS NOT NEW.name_folded OR OLD.search_key IS NOT NEW.search_key
BEGIN
    INSERT OR REPLACE INTO member_name_grams (rowid, name)
    SELECT association_id * 4294967296 + firm_id,
        NEW.name_folded || CASE WHEN length(NEW.search_key) <= length(NEW.name_folded)
            AND substr(NEW.name_folded, length(NEW.name_folded) - length(NEW.search_key) + 1) = NEW.search_key
        THEN '' ELSE char(10) || NEW.search_key END
    FROM firm_associations WHERE firm_id = NEW.id;
END;
