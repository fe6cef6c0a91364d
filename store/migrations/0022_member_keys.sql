-- The member list's sort keys, one row per membership, indexed in each
-- order the list offers (issue 14, lists at 1,000,000 firms). Ordering an
-- association's members by status, shared score or submission date joined
-- and computed every member's keys for every page: 1.8-4 s a page for an
-- association of 148,000. Kept here by triggers in the same transaction as
-- the rows they copy, a page is one index seek from its cursor.
--
-- The triggers read only primary keys and member_keys_firm_idx, never an
-- index that a bulk load drops (store.BulkLoad drops the secondary indexes
-- of firms, firm_associations, responses, current_results...): a lookup in
-- responses by firm would scan the table for every membership inserted.
-- That is why a firm's shared draft is kept in firm_drafts.

-- Firms with a draft assessment that is not a private one (owner_id NULL;
-- responses_one_draft_idx allows one per firm): the member list's "draft".
CREATE TABLE firm_drafts (
    firm_id INTEGER PRIMARY KEY REFERENCES firms (id) ON DELETE CASCADE
);
INSERT OR IGNORE INTO firm_drafts (firm_id)
    SELECT firm_id FROM responses WHERE status = 'draft' AND owner_id IS NULL;

-- The raw columns are copies (search_key of firms; submitted_at and overall
-- of current_results, '' and -1 when none; drafting from firm_drafts;
-- shared from result_sharing); the generated ones are the member list's
-- sort keys as store.memberOrder names them, never NULL. A key the list
-- can also read in descending order has a "_rev" twin that ascends where
-- it descends, so that every index is in one direction and a cursor's
-- position, (key, name, id) > (?, ?, ?), is one seek in it.
CREATE TABLE member_keys (
    association_id INTEGER NOT NULL,
    firm_id        INTEGER NOT NULL,
    search_key     TEXT    NOT NULL,
    drafting       INTEGER NOT NULL DEFAULT 0,
    submitted_at   TEXT    NOT NULL DEFAULT '',
    overall        REAL    NOT NULL DEFAULT -1,
    shared         INTEGER NOT NULL DEFAULT 0,
    -- 2 a current result, 1 a draft, 0 neither
    status     INTEGER AS (CASE WHEN submitted_at <> '' THEN 2 WHEN drafting THEN 1 ELSE 0 END),
    status_rev INTEGER AS (2 - status),
    no_result  INTEGER AS (submitted_at = ''),
    -- the quarter in Vietnam's time as a number in time order (20264 for 2026-Q4; 0 none)
    quarter     INTEGER AS (CASE WHEN submitted_at = '' THEN 0 ELSE
                    CAST(strftime('%Y', submitted_at, '+7 hours') AS INTEGER) * 10 +
                    (CAST(strftime('%m', submitted_at, '+7 hours') AS INTEGER) + 2) / 3 END),
    quarter_rev INTEGER AS (-quarter),
    -- the date, where the firm shares it (a Julian day; 0 otherwise)
    shared_at     REAL AS (CASE WHEN shared AND submitted_at <> '' THEN julianday(submitted_at) ELSE 0 END),
    shared_at_rev REAL AS (-shared_at),
    unshared         INTEGER AS (1 - shared),
    shared_score     REAL    AS (CASE WHEN shared THEN overall ELSE -1 END),
    shared_score_rev REAL    AS (-shared_score),
    PRIMARY KEY (association_id, firm_id)
) WITHOUT ROWID;

INSERT INTO member_keys (association_id, firm_id, search_key, drafting, submitted_at, overall, shared)
SELECT m.association_id, m.firm_id, f.search_key,
       EXISTS (SELECT 1 FROM firm_drafts d WHERE d.firm_id = m.firm_id),
       COALESCE(c.submitted_at, ''), COALESCE(c.overall, -1),
       EXISTS (SELECT 1 FROM result_sharing sh WHERE sh.association_id = m.association_id AND sh.firm_id = m.firm_id)
FROM firm_associations m JOIN firms f ON f.id = m.firm_id LEFT JOIN current_results c ON c.firm_id = m.firm_id;

CREATE INDEX member_keys_firm_idx ON member_keys (firm_id);
-- One index per order and direction (name descending reads
-- member_keys_name_idx backwards; the others keep the name ascending).
CREATE INDEX member_keys_name_idx ON member_keys (association_id, search_key, firm_id);
CREATE INDEX member_keys_status_idx ON member_keys (association_id, status, search_key, firm_id);
CREATE INDEX member_keys_status_rev_idx ON member_keys (association_id, status_rev, search_key, firm_id);
CREATE INDEX member_keys_score_idx ON member_keys (association_id, unshared, shared_score, search_key, firm_id);
CREATE INDEX member_keys_score_rev_idx ON member_keys (association_id, unshared, shared_score_rev, search_key, firm_id);
CREATE INDEX member_keys_submitted_idx ON member_keys (association_id, no_result, quarter, shared_at, search_key, firm_id);
CREATE INDEX member_keys_submitted_rev_idx ON member_keys
    (association_id, no_result, quarter_rev, shared_at_rev, search_key, firm_id);

CREATE TRIGGER member_keys_join AFTER INSERT ON firm_associations
BEGIN
    INSERT OR REPLACE INTO member_keys (association_id, firm_id, search_key, drafting, submitted_at, overall, shared)
    VALUES (NEW.association_id, NEW.firm_id, (SELECT search_key FROM firms WHERE id = NEW.firm_id),
            EXISTS (SELECT 1 FROM firm_drafts WHERE firm_id = NEW.firm_id),
            COALESCE((SELECT submitted_at FROM current_results WHERE firm_id = NEW.firm_id), ''),
            COALESCE((SELECT overall FROM current_results WHERE firm_id = NEW.firm_id), -1),
            EXISTS (SELECT 1 FROM result_sharing WHERE association_id = NEW.association_id AND firm_id = NEW.firm_id));
END;
CREATE TRIGGER member_keys_leave AFTER DELETE ON firm_associations
BEGIN
    DELETE FROM member_keys WHERE association_id = OLD.association_id AND firm_id = OLD.firm_id;
END;

CREATE TRIGGER member_keys_rename AFTER UPDATE OF search_key ON firms
BEGIN
    UPDATE member_keys SET search_key = NEW.search_key WHERE firm_id = NEW.id;
END;
-- Deleting a firm cascades to its memberships, whose trigger removes the
-- rows; this one covers a connection without foreign keys.
CREATE TRIGGER member_keys_firm_gone AFTER DELETE ON firms
BEGIN
    DELETE FROM member_keys WHERE firm_id = OLD.id;
    DELETE FROM firm_drafts WHERE firm_id = OLD.id;
END;

CREATE TRIGGER member_keys_result_insert AFTER INSERT ON current_results
BEGIN
    UPDATE member_keys SET submitted_at = NEW.submitted_at, overall = NEW.overall WHERE firm_id = NEW.firm_id;
END;
CREATE TRIGGER member_keys_result_update AFTER UPDATE ON current_results
BEGIN
    UPDATE member_keys SET submitted_at = '', overall = -1 WHERE firm_id = OLD.firm_id AND OLD.firm_id <> NEW.firm_id;
    UPDATE member_keys SET submitted_at = NEW.submitted_at, overall = NEW.overall WHERE firm_id = NEW.firm_id;
END;
CREATE TRIGGER member_keys_result_delete AFTER DELETE ON current_results
BEGIN
    UPDATE member_keys SET submitted_at = '', overall = -1 WHERE firm_id = OLD.firm_id;
END;

CREATE TRIGGER member_keys_draft_insert AFTER INSERT ON responses
WHEN NEW.status = 'draft' AND NEW.owner_id IS NULL
BEGIN
    INSERT OR IGNORE INTO firm_drafts (firm_id) VALUES (NEW.firm_id);
    UPDATE member_keys SET drafting = 1 WHERE firm_id = NEW.firm_id;
END;
CREATE TRIGGER member_keys_draft_delete AFTER DELETE ON responses
WHEN OLD.status = 'draft' AND OLD.owner_id IS NULL
BEGIN
    DELETE FROM firm_drafts WHERE firm_id = OLD.firm_id;
    UPDATE member_keys SET drafting = 0 WHERE firm_id = OLD.firm_id;
END;
CREATE TRIGGER member_keys_draft_update AFTER UPDATE OF status, owner_id, firm_id ON responses
WHEN (OLD.status = 'draft' AND OLD.owner_id IS NULL) OR (NEW.status = 'draft' AND NEW.owner_id IS NULL)
BEGIN
    DELETE FROM firm_drafts WHERE firm_id = OLD.firm_id AND OLD.status = 'draft' AND OLD.owner_id IS NULL;
    UPDATE member_keys SET drafting = 0 WHERE firm_id = OLD.firm_id AND OLD.status = 'draft' AND OLD.owner_id IS NULL;
    INSERT OR IGNORE INTO firm_drafts (firm_id) SELECT NEW.firm_id WHERE NEW.status = 'draft' AND NEW.owner_id IS NULL;
    UPDATE member_keys SET drafting = 1 WHERE firm_id = NEW.firm_id AND NEW.status = 'draft' AND NEW.owner_id IS NULL;
END;

CREATE TRIGGER member_keys_share AFTER INSERT ON result_sharing
BEGIN
    UPDATE member_keys SET shared = 1 WHERE association_id = NEW.association_id AND firm_id = NEW.firm_id;
END;
CREATE TRIGGER member_keys_unshare AFTER DELETE ON result_sharing
BEGIN
    UPDATE member_keys SET shared = 0 WHERE association_id = OLD.association_id AND firm_id = OLD.firm_id;
END;

-- The admin search's words are prefixes ("go" finds "gỗ", "gốm"...): an
-- FTS5 prefix query without a prefix index merges the list of every index
-- term that starts so, which for one or two letters is most of the index
-- (counting the matches of "t" took 0.5 s at 1,000,000 firms). Prefix
-- indexes of one and two letters read one list instead (20 ms). The table
-- is rebuilt from firms.search_key, which it indexes (content = 'firms').
DROP TABLE firms_fts;
CREATE VIRTUAL TABLE firms_fts USING fts5 (search_key, content = 'firms', content_rowid = 'id', prefix = '1 2');
INSERT INTO firms_fts (firms_fts) VALUES ('rebuild');

-- The Center's lists of consultations (every advisor's, from a time on, in
-- time order, 200 at most) read bookings by start alone: without this index
-- each view read and sorted every booking ever made.
CREATE INDEX bookings_start_idx ON bookings (start_at);
