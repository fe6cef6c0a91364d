-- Writes that no trigger logged (a reviewer's attack on the drain of a
-- batch of submits, 02/12/2026): the change logs heard a membership or a
-- consent only when its row was inserted or deleted, and a consent event
-- only when inserted. The store itself never updates these rows, but
-- another tool (the sqlite3 shell, a script) may move a membership to
-- another association, or change or delete a consent event, and the
-- firm's kept inputs then stayed as they were: a drain that trusts its
-- transaction's note (a submit takes the firm's kept inputs and adds its
-- result) kept the stale memberships and consent in the cells and funnel,
-- and the members' counters kept the old association's count. As 0028 did
-- for answers, every such write now names the firm (both, when a row moves
-- from one firm to another) and moves the counters.
CREATE TRIGGER agg_memberships_update AFTER UPDATE ON firm_associations
BEGIN INSERT OR IGNORE INTO agg_dirty (firm_id) VALUES (OLD.firm_id), (NEW.firm_id); END;
CREATE TRIGGER agg_sharing_update AFTER UPDATE ON result_sharing
BEGIN INSERT OR IGNORE INTO agg_dirty (firm_id) VALUES (OLD.firm_id), (NEW.firm_id); END;
CREATE TRIGGER agg_sharing_events_update AFTER UPDATE ON sharing_events
BEGIN INSERT OR IGNORE INTO agg_dirty (firm_id) VALUES (OLD.firm_id), (NEW.firm_id); END;
CREATE TRIGGER agg_sharing_events_delete AFTER DELETE ON sharing_events
BEGIN INSERT OR IGNORE INTO agg_dirty (firm_id) VALUES (OLD.firm_id); END;

CREATE TRIGGER funnel_memberships_update AFTER UPDATE ON firm_associations
BEGIN
    INSERT OR IGNORE INTO funnel_dirty (firm_id) SELECT OLD.firm_id WHERE EXISTS (SELECT 1 FROM funnel_firms WHERE firm_id = OLD.firm_id);
    INSERT OR IGNORE INTO funnel_dirty (firm_id) SELECT NEW.firm_id WHERE EXISTS (SELECT 1 FROM funnel_firms WHERE firm_id = NEW.firm_id);
END;

CREATE TRIGGER counters_members_update AFTER UPDATE OF association_id ON firm_associations
WHEN OLD.association_id <> NEW.association_id
BEGIN
    UPDATE counters SET n = n - 1 WHERE name = 'members:' || OLD.association_id;
    INSERT INTO counters (name, n) VALUES ('members:' || NEW.association_id, 1)
    ON CONFLICT (name) DO UPDATE SET n = n + 1;
END;
