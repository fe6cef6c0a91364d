-- A member list filtered by part of a name whose first word is part of a
-- legal form's text ("cong", "tnhh", "an") tested each member's whole
-- folded name, reading its firm's row: 46-53 ms of CPU a page at 148,018
-- members (issue 14). A firm's folded name is its legal prefix (the legal
-- forms firms.SearchKey removes, each followed by a space; '' when none)
-- then its search key, which member_keys already holds. The distinct
-- prefixes are few (a registry has a handful of legal forms), so each gets
-- a small code, kept in member_keys and in every one of its indexes: the
-- filter is decided per index entry, from the prefixes the query touches
-- (computed in Go from this table) and the search key, without the firm.
--
-- legal is -1 when the search key is not the end of the folded name (no
-- firm written by the store is so): such a member is tested on its firm's
-- row, as before.
CREATE TABLE legal_prefixes (
    code   INTEGER PRIMARY KEY,
    prefix TEXT NOT NULL UNIQUE
);

INSERT OR IGNORE INTO legal_prefixes (prefix)
SELECT DISTINCT substr(name_folded, 1, length(name_folded) - length(search_key)) FROM firms
WHERE length(search_key) <= length(name_folded)
  AND substr(name_folded, length(name_folded) - length(search_key) + 1) = search_key;

ALTER TABLE member_keys ADD COLUMN legal INTEGER NOT NULL DEFAULT -1;

UPDATE member_keys SET legal = COALESCE((
    SELECT p.code FROM firms f JOIN legal_prefixes p
        ON p.prefix = substr(f.name_folded, 1, length(f.name_folded) - length(f.search_key))
    WHERE f.id = member_keys.firm_id AND length(f.search_key) <= length(f.name_folded)
      AND substr(f.name_folded, length(f.name_folded) - length(f.search_key) + 1) = f.search_key), -1);

-- Every index a member list walks ends with legal, so that a filter on it
-- reads the index alone (the order is unchanged: firm_id comes before it).
DROP INDEX member_keys_name_idx;
DROP INDEX member_keys_status_idx;
DROP INDEX member_keys_status_rev_idx;
DROP INDEX member_keys_score_idx;
DROP INDEX member_keys_score_rev_idx;
DROP INDEX member_keys_submitted_idx;
DROP INDEX member_keys_submitted_rev_idx;
CREATE INDEX member_keys_name_idx ON member_keys (association_id, search_key, firm_id, legal);
CREATE INDEX member_keys_status_idx ON member_keys (association_id, status, search_key, firm_id, legal);
CREATE INDEX member_keys_status_rev_idx ON member_keys (association_id, status_rev, search_key, firm_id, legal);
CREATE INDEX member_keys_score_idx ON member_keys (association_id, unshared, shared_score, search_key, firm_id, legal);
CREATE INDEX member_keys_score_rev_idx ON member_keys
    (association_id, unshared, shared_score_rev, search_key, firm_id, legal);
CREATE INDEX member_keys_submitted_idx ON member_keys
    (association_id, no_result, quarter, shared_at, search_key, firm_id, legal);
CREATE INDEX member_keys_submitted_rev_idx ON member_keys
    (association_id, no_result, quarter_rev, shared_at_rev, search_key, firm_id, legal);

-- Joining: the prefix of the firm's name is registered, then coded. These
-- read firms by its primary key and legal_prefixes by its UNIQUE index,
-- neither of which a bulk load drops.
DROP TRIGGER member_keys_join;
CREATE TRIGGER member_keys_join AFTER INSERT ON firm_associations
BEGIN
    INSERT OR IGNORE INTO legal_prefixes (prefix)
    SELECT substr(name_folded, 1, length(name_folded) - length(search_key)) FROM firms
    WHERE id = NEW.firm_id AND length(search_key) <= length(name_folded)
      AND substr(name_folded, length(name_folded) - length(search_key) + 1) = search_key;
    INSERT OR REPLACE INTO member_keys (association_id, firm_id, search_key, drafting, submitted_at, overall, shared, legal)
    VALUES (NEW.association_id, NEW.firm_id, (SELECT search_key FROM firms WHERE id = NEW.firm_id),
            EXISTS (SELECT 1 FROM firm_drafts WHERE firm_id = NEW.firm_id),
            COALESCE((SELECT submitted_at FROM current_results WHERE firm_id = NEW.firm_id), ''),
            COALESCE((SELECT overall FROM current_results WHERE firm_id = NEW.firm_id), -1),
            EXISTS (SELECT 1 FROM result_sharing WHERE association_id = NEW.association_id AND firm_id = NEW.firm_id),
            COALESCE((SELECT p.code FROM firms f JOIN legal_prefixes p
                ON p.prefix = substr(f.name_folded, 1, length(f.name_folded) - length(f.search_key))
                WHERE f.id = NEW.firm_id AND length(f.search_key) <= length(f.name_folded)
                  AND substr(f.name_folded, length(f.name_folded) - length(f.search_key) + 1) = f.search_key), -1));
END;

-- A rename may change the legal form alone ("Công ty TNHH X" to "Doanh
-- nghiệp tư nhân X": same search key), so this follows name_folded too.
DROP TRIGGER member_keys_rename;
CREATE TRIGGER member_keys_rename AFTER UPDATE OF name_folded, search_key ON firms
    WHEN OLD.name_folded IS NOT NEW.name_folded OR OLD.search_key IS NOT NEW.search_key
BEGIN
    INSERT OR IGNORE INTO legal_prefixes (prefix)
    SELECT substr(NEW.name_folded, 1, length(NEW.name_folded) - length(NEW.search_key))
    WHERE length(NEW.search_key) <= length(NEW.name_folded)
      AND substr(NEW.name_folded, length(NEW.name_folded) - length(NEW.search_key) + 1) = NEW.search_key;
    UPDATE member_keys SET search_key = NEW.search_key,
        legal = COALESCE((SELECT code FROM legal_prefixes
            WHERE prefix = substr(NEW.name_folded, 1, length(NEW.name_folded) - length(NEW.search_key))
              AND length(NEW.search_key) <= length(NEW.name_folded)
              AND substr(NEW.name_folded, length(NEW.name_folded) - length(NEW.search_key) + 1) = NEW.search_key), -1)
    WHERE firm_id = NEW.id;
END;
