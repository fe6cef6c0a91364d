-- How many firms the registry holds in each group that the cells keep
-- figures for (migration 0018), so the Center's dashboard shows
-- participation against the registry, and the estimates weigh each
-- stratum by its size, reading a counter instead of counting firms
-- (issue 15). Names: 'reg:p' (every firm), 'reg:d:<division>',
-- 'reg:s:<section>', 'reg:z:<size>', 'reg:w:<ward>', 'reg:k:<park>',
-- 'reg:x:<section>|<size>'. The triggers are named agg_* so that a bulk
-- load drops them with the cells' change log, and the cells' rebuild
-- counts afresh (store/cells_rebuild.go).
CREATE VIEW registry_groups AS
    SELECT id, 'reg:p' AS name FROM firms
    UNION ALL SELECT id, 'reg:d:' || substr(vsic_code, 1, 2) FROM firms WHERE vsic_code IS NOT NULL AND vsic_code <> ''
    UNION ALL SELECT id, 'reg:s:' || section FROM firms WHERE section IS NOT NULL AND section <> ''
    UNION ALL SELECT id, 'reg:z:' || size_class FROM firms WHERE size_class IS NOT NULL
    UNION ALL SELECT id, 'reg:w:' || ward_code FROM firms WHERE ward_code IS NOT NULL
    UNION ALL SELECT id, 'reg:k:' || park_code FROM firms WHERE park_code IS NOT NULL
    UNION ALL SELECT id, 'reg:x:' || section || '|' || size_class FROM firms
        WHERE section IS NOT NULL AND section <> '' AND size_class IS NOT NULL;

INSERT INTO counters (name, n) SELECT name, COUNT(*) FROM registry_groups GROUP BY name;

-- A new firm changes the registry's counts: naming it in the cells' change
-- log makes its transaction move agg_meta's seq (it has no result, so no
-- cell changes), and a page kept for one seq is not shown after it.
CREATE TRIGGER agg_firms_insert AFTER INSERT ON firms
BEGIN INSERT OR IGNORE INTO agg_dirty (firm_id) VALUES (NEW.id); END;

CREATE TRIGGER agg_registry_insert AFTER INSERT ON firms
BEGIN
    INSERT INTO counters (name, n) SELECT name, 1 FROM registry_groups WHERE id = NEW.id AND true
    ON CONFLICT (name) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER agg_registry_delete BEFORE DELETE ON firms
BEGIN
    UPDATE counters SET n = n - 1 WHERE name IN (SELECT name FROM registry_groups WHERE id = OLD.id);
END;
CREATE TRIGGER agg_registry_update_before BEFORE UPDATE OF vsic_code, section, size_class, ward_code, park_code ON firms
BEGIN
    UPDATE counters SET n = n - 1 WHERE name IN (SELECT name FROM registry_groups WHERE id = OLD.id);
END;
CREATE TRIGGER agg_registry_update_after AFTER UPDATE OF vsic_code, section, size_class, ward_code, park_code ON firms
BEGIN
    INSERT INTO counters (name, n) SELECT name, 1 FROM registry_groups WHERE id = NEW.id AND true
    ON CONFLICT (name) DO UPDATE SET n = n + 1;
END;
