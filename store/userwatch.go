package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"sync"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// A change to a user's row (role, association, firm, status, password,
// language …) or the end of one of their sessions must reach whoever
// caches sessions (web's session cache) at once. Rather than trust every
// store method, present and future, to remember to say so, the writer
// connection watches itself: SQLite's pre-update hook sees every row the
// connection changes, whatever the SQL, cascades and triggers included;
// the ids of the users touched are kept until the transaction commits (or
// dropped if it rolls back) and announced to the listeners (OnUserChange)
// after the commit has returned, so that a listener that reloads a user
// reads the new row. Changes made by another process (a command run
// beside the server) are not seen: they reach a cache when its entries
// expire.
type userWatch struct {
	mu        sync.Mutex
	pending   map[int64]bool // touched by the open transaction
	committed map[int64]bool // committed, not yet announced
	everyone  bool           // so many were touched that every user counts
	listeners []func(ids []int64)
}

// watchAll is how many users one transaction may touch before the
// announcement simply says "everyone".
const watchAll = 10_000

// OnUserChange registers fn to be called after every committed write that
// changed users' rows or deleted any of their sessions, with those users'
// ids; ids is nil when the write touched so many that every user should be
// taken as changed. fn runs on the writing goroutine, after the commit:
// it must be quick and must not write to the store.
func (s *Store) OnUserChange(fn func(ids []int64)) {
	s.watch.mu.Lock()
	defer s.watch.mu.Unlock()
	s.watch.listeners = append(s.watch.listeners, fn)
}

// preUpdate runs inside SQLite for every row the writer changes.
func (w *userWatch) preUpdate(d sqlite.SQLitePreUpdateData) {
	switch {
	case d.TableName == "users" && d.Op != sqlite3.SQLITE_INSERT:
		w.touch(d.OldRowID)
	case d.TableName == "sessions" && d.Op == sqlite3.SQLITE_DELETE:
		cols := make([]any, 2) // token_hash, user_id
		if err := d.Old(cols...); err == nil {
			if id, ok := cols[1].(int64); ok {
				w.touch(id)
				return
			}
		}
		w.touch(-1) // unreadable: count everyone
	}
}

func (w *userWatch) touch(id int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.pending == nil {
		w.pending = map[int64]bool{}
	}
	if id < 0 || len(w.pending) >= watchAll {
		w.pending[-1] = true
		return
	}
	w.pending[id] = true
}

func (w *userWatch) commit() int32 {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.pending) == 0 {
		return 0
	}
	if w.committed == nil {
		w.committed = map[int64]bool{}
	}
	for id := range w.pending {
		if id < 0 || len(w.committed) >= watchAll {
			w.everyone = true
			continue
		}
		w.committed[id] = true
	}
	w.pending = nil
	return 0
}

func (w *userWatch) rollback() {
	w.mu.Lock()
	w.pending = nil
	w.mu.Unlock()
}

// announce tells the listeners about the committed changes not yet told.
func (w *userWatch) announce() {
	w.mu.Lock()
	if len(w.committed) == 0 && !w.everyone {
		w.mu.Unlock()
		return
	}
	var ids []int64
	if !w.everyone {
		ids = make([]int64, 0, len(w.committed))
		for id := range w.committed {
			ids = append(ids, id)
		}
	}
	w.committed, w.everyone = nil, false
	listeners := w.listeners
	w.mu.Unlock()
	for _, fn := range listeners {
		fn(ids)
	}
}

// writerDB is the writer pool: every ExecContext announces the user
// changes it committed and wakes the checkpointer once it returns
// (afterCommit; inTx and a batch of saves do the same after their commit).
type writerDB struct {
	*sql.DB
	watch *userWatch
	ckpt  *checkpointer
}

// afterCommit follows every commit (or rollback) on the writer: the user
// changes committed are announced, and the checkpointer is woken to copy
// the log into the file. It is called once the commit has returned, so a
// checkpoint that follows sees every frame of it (SQLite's commit hook runs
// before they are written).
func (w writerDB) afterCommit() {
	w.watch.announce()
	w.ckpt.committed()
}

func (w writerDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	leaveView(ctx)
	defer leaveView(ctx) // the next read sees this write (readview.go)
	defer w.afterCommit()
	return w.DB.ExecContext(ctx, query, args...)
}

// openWriter opens the writer pool on a driver of its own whose connections
// report their changes to watch and count what they run in n; ckpt (nil:
// none) is woken after each commit (afterCommit).
func openWriter(dsn string, watch *userWatch, n *poolCounts, ckpt *checkpointer) writerDB {
	d := &sqlite.Driver{}
	// firm_words' triggers call it (migration 0026).
	d.MustRegisterDeterministicScalarFunction("search_terms", 1, searchTermsFunc)
	d.RegisterConnectionHook(func(c sqlite.ExecQuerierContext, _ string) error {
		h, ok := c.(sqlite.HookRegisterer)
		if !ok {
			return errors.New("store: the sqlite connection cannot report its changes")
		}
		h.RegisterPreUpdateHook(watch.preUpdate)
		h.RegisterCommitHook(watch.commit)
		h.RegisterRollbackHook(watch.rollback)
		return nil
	})
	return writerDB{DB: sql.OpenDB(cachingConnector{dsnConnector{d, dsn}, n}), watch: watch, ckpt: ckpt}
}

type dsnConnector struct {
	d   *sqlite.Driver
	dsn string
}

func (c dsnConnector) Connect(context.Context) (driver.Conn, error) { return c.d.Open(c.dsn) }
func (c dsnConnector) Driver() driver.Driver                        { return c.d }
