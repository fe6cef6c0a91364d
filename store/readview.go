package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"sync"
)

// A request of the firm cycle used to read in several small read
// transactions (the draft, then the claim, the changes, the firm, its
// associations …), one statement each. Under steady writes every read
// transaction that starts after another connection's commit finds SQLite's
// page cache discarded (WAL), so each re-read the same pages. A read view
// gathers the reads made with one context into one read transaction,
// begun at the first read: one snapshot, one cold start.
//
// A view never shows a request less than it wrote: any write made with
// the view's context (inTx, the writer's ExecContext) ends its
// transaction, before and after, and the next read begins a new one. It
// shows nothing older than the request: a view lives as long as its
// request (ReadView's end).
//
// A write made with the view's context while rows read in the view are
// still open would wait for them (database/sql gives a connection back
// only once its rows are closed): the store's functions close their rows
// before they return, and a view is meant for a request's handler, not
// for a loop that writes as it reads.
//
// At most viewSlots views hold a reader connection at once, so that a
// request holding one that needs another connection (a read outside the
// view, such as the cells' load) always finds one free: a read that finds
// no free slot runs on the pool as before.

// viewSlots is how many of the Readers connections views may hold.
const viewSlots = Readers - 1

// readPool is the read-only pool; its reads join the read view of their
// context, if any.
type readPool struct {
	*sql.DB
	slots chan struct{} // one token a view holding a connection
}

func newReadPool(db *sql.DB) readPool {
	return readPool{DB: db, slots: make(chan struct{}, viewSlots)}
}

// readView is one request's read transaction, begun at its first read on
// a connection it holds until a write or its end.
type readView struct {
	mu    sync.Mutex
	pool  readPool
	conn  *sql.Conn // in a read transaction; nil until the first read, and again after a write
	ended bool
}

// The statements that begin and end a view's transaction. They run
// without the request's context: BEGIN (deferred) waits for nothing, and
// the ROLLBACK must run even when the request is gone. database/sql's own
// transactions would start a goroutine each to watch the context.
const (
	beginRead = "BEGIN"
	endRead   = "ROLLBACK"
)

type viewKey struct{}

// ReadView returns ctx with a read view for the reads made with it, and
// the function that ends the view (which may be called more than once;
// reads after it run on the pool as before). Within a view that is
// already there, it returns ctx and a function that does nothing.
func (s *Store) ReadView(ctx context.Context) (context.Context, func()) {
	if v, ok := ctx.Value(viewKey{}).(*readView); ok && v.pool.DB == s.r.DB {
		return ctx, func() {}
	}
	v := &readView{pool: s.r}
	return context.WithValue(ctx, viewKey{}, v), v.end
}

// end ends the view for good.
func (v *readView) end() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.ended = true
	v.release()
}

// release ends the view's transaction, if open, and gives its connection
// back; v.mu is held. A connection whose ROLLBACK failed is discarded, so
// that no other read finds itself inside this transaction's snapshot.
func (v *readView) release() {
	if v.conn == nil {
		return
	}
	if _, err := v.conn.ExecContext(context.Background(), endRead); err != nil {
		v.conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	v.conn.Close()
	v.conn = nil
	<-v.pool.slots
}

// leaveView ends the read transaction of ctx's view, if any, so that the
// next read sees what the caller is about to write or has written.
func leaveView(ctx context.Context) {
	if v, ok := ctx.Value(viewKey{}).(*readView); ok {
		v.mu.Lock()
		v.release()
		v.mu.Unlock()
	}
}

// connFor is the view's connection for a read of p with ctx, its
// transaction begun if need be, or nil: no view, or no slot free.
func (p readPool) connFor(ctx context.Context) *sql.Conn {
	v, ok := ctx.Value(viewKey{}).(*readView)
	if !ok || v.pool.DB != p.DB {
		return nil
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.conn != nil || v.ended {
		return v.conn
	}
	select {
	case p.slots <- struct{}{}:
	default:
		return nil
	}
	c, err := p.DB.Conn(ctx)
	if err == nil {
		if _, err = c.ExecContext(context.Background(), beginRead); err != nil {
			c.Close()
		}
	}
	if err != nil { // the read runs on the pool and reports its own error
		<-p.slots
		return nil
	}
	v.conn = c
	return c
}

// QueryContext runs query in ctx's view, if any, or on the pool.
func (p readPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if c := p.connFor(ctx); c != nil {
		return c.QueryContext(ctx, query, args...)
	}
	return p.DB.QueryContext(ctx, query, args...)
}

// QueryRowContext runs query in ctx's view, if any, or on the pool.
func (p readPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if c := p.connFor(ctx); c != nil {
		return c.QueryRowContext(ctx, query, args...)
	}
	return p.DB.QueryRowContext(ctx, query, args...)
}
