-- The audit log becomes append-only and tamper-evident (issue 15, point 6).
--
-- Each entry carries hash = SHA-256 over a canonical encoding of its own
-- fields (id, at as stored, user, action, subject, detail) and prev_hash,
-- the hash of the entry before it (32 zero bytes for the first): a chain.
-- The store computes them in writeAudit, inside the writer's transaction
-- (store/audit_chain.go). SQLite has no SHA-256 of its own, so the entries
-- already in the log are sealed by a Go step of this same migration, in
-- its transaction, in id order (store.migrationSteps): the schema and the
-- chain appear together or not at all, and there is no moment when the
-- portal runs with unsealed entries, nor a later "seal what is unsealed"
-- step that would bless an entry slipped in by hand.
ALTER TABLE audit_log ADD COLUMN hash BLOB;
ALTER TABLE audit_log ADD COLUMN prev_hash BLOB;

-- The viewer's filters, each read newest first from its own index (the
-- rowid ends every index, so (x, at) orders by (x, at, id)). Each index
-- also holds the other filters' columns, so that a combination that few
-- entries match (one account's exports, say) is decided in the index,
-- without reading each candidate's row: at 300,000 entries that took a
-- count from 290 ms to a few (docs/PERFORMANCE.md). The action index of
-- migration 0003 becomes one of them.
DROP INDEX audit_log_action_idx;
CREATE INDEX audit_log_action_idx ON audit_log (action, at, user_id, subject);
CREATE INDEX audit_log_user_idx ON audit_log (user_id, at, action, subject) WHERE user_id IS NOT NULL;
CREATE INDEX audit_log_subject_idx ON audit_log (subject, at, action, user_id);
CREATE INDEX audit_log_at_idx ON audit_log (at, action, user_id, subject);

-- The portal cannot rewrite history: no entry is changed or removed, and
-- none is added without its hash. A sealed entry (hash set) refuses every
-- UPDATE; only the sealing step above updates the entries that predate
-- the chain, and the INSERT rule means none is ever unsealed after it.
-- An operator holding the file can still drop these triggers with the
-- sqlite3 shell; `dxready audit verify` then finds the changed, removed or
-- forged entry by its hash, and reports the missing triggers.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log WHEN OLD.hash IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'audit log is append-only: an entry cannot be changed'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only: an entry cannot be removed'); END;
CREATE TRIGGER audit_log_sealed BEFORE INSERT ON audit_log
WHEN NEW.hash IS NULL OR length(NEW.hash) != 32 OR NEW.prev_hash IS NULL OR length(NEW.prev_hash) != 32
BEGIN SELECT RAISE(ABORT, 'audit log: an entry needs its hash and the previous one'); END;
