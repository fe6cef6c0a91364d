package store

import (
	"context"
	"database/sql/driver"
	"sync/atomic"
)

// SQLCounts are the statements and transactions a store's connections have
// run since it opened: what a test or benchmark reads before and after a
// request to count its SQL. On the read pool every statement run outside
// an explicit transaction is a read transaction of its own (SQLite's
// autocommit), unless another statement's rows are still open on the
// connection; each read transaction that starts after another
// connection's commit begins with an empty page cache (WAL), so their
// number is what a request pays for in page reads.
type SQLCounts struct {
	ReadStatements, ReadTxs   int64 // the read-only pool
	WriteStatements, WriteTxs int64 // the writer
}

// Sub is c less an earlier count d: what ran in between.
func (c SQLCounts) Sub(d SQLCounts) SQLCounts {
	return SQLCounts{ReadStatements: c.ReadStatements - d.ReadStatements, ReadTxs: c.ReadTxs - d.ReadTxs,
		WriteStatements: c.WriteStatements - d.WriteStatements, WriteTxs: c.WriteTxs - d.WriteTxs}
}

// SQLCounts returns what the store's connections have run so far.
func (s *Store) SQLCounts() SQLCounts {
	return SQLCounts{ReadStatements: s.rCount.stmts.Load(), ReadTxs: s.rCount.txs.Load(),
		WriteStatements: s.wCount.stmts.Load(), WriteTxs: s.wCount.txs.Load()}
}

// poolCounts counts one pool's statements and transactions.
type poolCounts struct{ stmts, txs atomic.Int64 }

// ran counts query run on c, and follows a read view's BEGIN and
// ROLLBACK (readview.go): the BEGIN counts as the transaction, the
// statements in it as statements only.
func (c *cachingConn) ran(query string) {
	switch query {
	case beginRead:
		c.inTx = true
		if c.n != nil {
			c.n.txs.Add(1)
		}
		return
	case endRead:
		c.inTx = false
		return
	}
	if c.n == nil {
		return
	}
	c.n.stmts.Add(1)
	if !c.inTx && c.open == 0 {
		c.n.txs.Add(1)
	}
}

// ResetSession refuses, as a bad connection, one handed back to the pool
// inside a transaction: a read on it would see that transaction's old
// snapshot.
func (c *cachingConn) ResetSession(ctx context.Context) error {
	if c.inTx {
		return driver.ErrBadConn
	}
	return c.stmtConn.ResetSession(ctx)
}

// BeginTx starts a transaction, counted, that c knows to be open until it
// ends.
func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	tx, err := c.stmtConn.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	if c.n != nil {
		c.n.txs.Add(1)
	}
	c.inTx = true
	return countedTx{Tx: tx, c: c}, nil
}

// countedTx tells its connection when it ends.
type countedTx struct {
	driver.Tx
	c *cachingConn
}

func (t countedTx) Commit() error {
	t.c.inTx = false
	return t.Tx.Commit()
}

func (t countedTx) Rollback() error {
	t.c.inTx = false
	return t.Tx.Rollback()
}
