package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"reflect"
)

// Every statement the store runs used to be parsed and planned again on
// each call (database/sql's ExecContext and QueryContext on a connection
// prepare, run and finalize): 13–15% of the server's CPU during the load
// tool's firm cycle went to SQLite's parser. A connection of the store's
// keeps instead the statements it has run, by their SQL text, and runs
// them again: SQLite resets a finished statement and re-prepares it by
// itself when the schema changed (a migration, the bulk build's indexes).
//
// database/sql hands a connection to one goroutine at a time, but within a
// transaction a statement may run while another of the same text still has
// rows open (a query nested in the loop of the same query): such a
// statement is "busy" until its rows close, and the nested call prepares a
// statement of its own that is closed after use.

// stmtCacheMax bounds the statements one connection keeps. The store's SQL
// is a fixed set of texts, but a few are built (IN lists, keyset pages):
// when a connection holds this many, the idle ones are dropped and the
// cache fills again.
const stmtCacheMax = 256

// cachingConnector opens connections that keep their statements.
type cachingConnector struct {
	driver.Connector
	n *poolCounts // what its connections run (SQLCounts)
}

func (c cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	dc, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	inner, ok := dc.(stmtConn)
	if !ok {
		dc.Close()
		return nil, errors.New("store: the sqlite driver's connection lacks the context interfaces")
	}
	return &cachingConn{stmtConn: inner, stmts: map[string]*cachedStmt{}, n: c.n}, nil
}

// stmtConn is what the store needs of a driver connection (modernc's has
// all of it).
type stmtConn interface {
	driver.Conn
	driver.ConnPrepareContext
	driver.ConnBeginTx
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

type stmtDriver interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

type cachedStmt struct {
	st   stmtDriver
	busy bool // its rows are open
}

// cachingConn is a driver connection that keeps its statements. It is
// used by one goroutine at a time (database/sql's rule), so needs no lock.
type cachingConn struct {
	stmtConn
	stmts map[string]*cachedStmt
	n     *poolCounts // counts its statements and transactions (sqlcount.go)
	inTx  bool        // a transaction is open (BeginTx, or a read view's BEGIN)
	open  int         // rows not yet closed
}

// stmt returns the kept statement for query, prepared on first use, or
// (nil, nil) when that one is busy: the caller then runs query uncached.
func (c *cachingConn) stmt(ctx context.Context, query string) (*cachedStmt, error) {
	if cs, ok := c.stmts[query]; ok {
		if cs.busy {
			return nil, nil
		}
		return cs, nil
	}
	ds, err := c.stmtConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	st, ok := ds.(stmtDriver)
	if !ok {
		ds.Close()
		return nil, nil
	}
	if len(c.stmts) >= stmtCacheMax {
		c.dropIdle()
	}
	cs := &cachedStmt{st: st}
	c.stmts[query] = cs
	return cs, nil
}

// dropIdle closes the statements no rows are reading.
func (c *cachingConn) dropIdle() {
	for q, cs := range c.stmts {
		if !cs.busy {
			cs.st.Close()
			delete(c.stmts, q)
		}
	}
}

// ExecContext runs query on its kept statement.
func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	c.ran(query)
	cs, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.stmtConn.ExecContext(ctx, query, args)
	}
	return cs.st.ExecContext(ctx, args)
}

// QueryContext runs query on its kept statement, busy until the rows
// close.
func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	c.ran(query)
	cs, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	var rows driver.Rows
	if cs == nil {
		rows, err = c.stmtConn.QueryContext(ctx, query, args)
	} else {
		rows, err = cs.st.QueryContext(ctx, args)
	}
	if err != nil {
		return nil, err
	}
	if cs != nil {
		cs.busy = true
	}
	c.open++
	return &cachedRows{Rows: rows, cs: cs, c: c}, nil
}

// Close closes the kept statements, then the connection.
func (c *cachingConn) Close() error {
	var errs []error
	for q, cs := range c.stmts {
		errs = append(errs, cs.st.Close())
		delete(c.stmts, q)
	}
	return errors.Join(append(errs, c.stmtConn.Close())...)
}

// cachedRows frees its statement (nil: one run uncached) for the next
// call when it closes.
type cachedRows struct {
	driver.Rows
	cs *cachedStmt
	c  *cachingConn // nil once closed
}

func (r *cachedRows) Close() error {
	if r.c == nil {
		return nil
	}
	err := r.Rows.Close()
	if r.cs != nil {
		r.cs.busy = false
	}
	r.c.open--
	r.cs, r.c = nil, nil
	return err
}

// The column types of the statement's rows, as the driver's own rows say
// them (database/sql's ColumnTypes).

func (r *cachedRows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *cachedRows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}

func (r *cachedRows) ColumnTypeNullable(i int) (nullable, ok bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return t.ColumnTypeNullable(i)
	}
	return false, false
}

func (r *cachedRows) ColumnTypeLength(i int) (int64, bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeLength); ok {
		return t.ColumnTypeLength(i)
	}
	return 0, false
}

func (r *cachedRows) ColumnTypePrecisionScale(i int) (precision, scale int64, ok bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypePrecisionScale); ok {
		return t.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
}
