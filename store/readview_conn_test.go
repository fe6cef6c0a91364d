package store

import (
	"context"
	"testing"
	"time"
)

// A reader connection handed back to the pool inside a transaction (a
// view whose ROLLBACK never ran) is discarded, not reused: a read on it
// would see that transaction's old snapshot, not what was committed since.
func TestConnectionBackInsideATransactionIsDiscarded(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir()+"/t.db", Options{Clock: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	s.r.DB.SetMaxOpenConns(1) // the next read gets the same connection, if it is kept
	if _, err := s.w.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES ('probe', 'old')"); err != nil {
		t.Fatal(err)
	}
	c, err := s.r.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var v string
	if _, err := c.ExecContext(context.Background(), beginRead); err != nil {
		t.Fatal(err)
	}
	if err := c.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'probe'").Scan(&v); err != nil || v != "old" {
		t.Fatalf("%q %v", v, err)
	}
	c.Close() // no ROLLBACK
	if _, err := s.w.ExecContext(ctx, "UPDATE meta SET value = 'new' WHERE key = 'probe'"); err != nil {
		t.Fatal(err)
	}
	if err := s.r.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'probe'").Scan(&v); err != nil || v != "new" {
		t.Fatalf("read after a connection came back inside a transaction: %q %v", v, err)
	}
}

// A write through the writer's ExecContext (not inTx) with a view's
// context is seen by the view's next read, as inTx's writes are.
func TestReadViewSeesItsOwnExec(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir()+"/t.db", Options{Clock: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES ('probe', 'old')"); err != nil {
		t.Fatal(err)
	}
	c, end := s.ReadView(ctx)
	defer end()
	var v string
	if err := s.r.QueryRowContext(c, "SELECT value FROM meta WHERE key = 'probe'").Scan(&v); err != nil || v != "old" {
		t.Fatalf("%q %v", v, err)
	}
	if _, err := s.w.ExecContext(c, "UPDATE meta SET value = 'new' WHERE key = 'probe'"); err != nil {
		t.Fatal(err)
	}
	if err := s.r.QueryRowContext(c, "SELECT value FROM meta WHERE key = 'probe'").Scan(&v); err != nil || v != "new" {
		t.Fatalf("a view's read after its own write: %q %v", v, err)
	}
}
