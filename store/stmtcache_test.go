package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"testing"

	"modernc.org/sqlite"
)

// openCaching opens a one-connection pool on a new file, keeping its
// statements when keep is set (the store's way), else as database/sql alone.
func openCaching(t testing.TB, keep bool) *sql.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.db")
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + Pragmas
	var c dsnConnector = dsnConnector{&sqlite.Driver{}, dsn}
	db := sql.OpenDB(c)
	if keep {
		db = sql.OpenDB(cachingConnector{Connector: c})
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)"); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 5; i++ {
		if _, err := db.Exec("INSERT INTO t (id, v) VALUES (?, ?)", i, fmt.Sprint("v", i)); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// kept is how many statements the pool's one connection keeps.
func kept(t *testing.T, db *sql.DB) int {
	t.Helper()
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	n := -1
	if err := conn.Raw(func(dc any) error { n = len(dc.(*cachingConn).stmts); return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

const selectAbove = "SELECT id, v FROM t WHERE id > ? ORDER BY id"

func idsAbove(q interface {
	Query(string, ...any) (*sql.Rows, error)
}, above int) ([]int, error) {
	rows, err := q.Query(selectAbove, above)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int
	for rows.Next() {
		var id int
		var v string
		if err := rows.Scan(&id, &v); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func TestKeptStatementIsReusedAndGivesTheSameRows(t *testing.T) {
	db := openCaching(t, true)
	for range 3 {
		ids, err := idsAbove(db, 2)
		if err != nil || fmt.Sprint(ids) != "[3 4 5]" {
			t.Fatalf("ids above 2 = %v, %v", ids, err)
		}
	}
	// A query left after its first row starts again from the top.
	rows, err := db.Query(selectAbove, 0)
	if err != nil || !rows.Next() {
		t.Fatal(err)
	}
	rows.Close()
	if ids, err := idsAbove(db, 0); err != nil || len(ids) != 5 {
		t.Fatalf("after a query left half read: %v, %v", ids, err)
	}
	if n := kept(t, db); n != 3 { // the CREATE, the INSERT and the SELECT
		t.Fatalf("kept %d statements, want 3", n)
	}
}

// The attack on reuse: the same statement run again while its rows are
// still being read (nested in its own loop, in one transaction) must not
// reset the outer loop.
func TestSameStatementNestedInItsOwnRowsRunsApart(t *testing.T) {
	db := openCaching(t, true)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	rows, err := tx.Query(selectAbove, 0)
	if err != nil {
		t.Fatal(err)
	}
	var outer []int
	for rows.Next() {
		var id int
		var v string
		if err := rows.Scan(&id, &v); err != nil {
			t.Fatal(err)
		}
		outer = append(outer, id)
		inner, err := idsAbove(tx, id)
		if err != nil || len(inner) != 5-id {
			t.Fatalf("inner above %d = %v, %v", id, inner, err)
		}
	}
	if err := rows.Err(); err != nil || fmt.Sprint(outer) != "[1 2 3 4 5]" {
		t.Fatalf("outer loop = %v, %v", outer, err)
	}
}

func TestKeptStatementsSurviveErrorsAndSchemaChanges(t *testing.T) {
	db := openCaching(t, true)
	const insert = "INSERT INTO t (id, v) VALUES (?, ?)"
	if _, err := db.Exec(insert, 9, "v1"); mapErr("t", err) == nil {
		t.Fatal("a duplicate v was accepted")
	}
	if _, err := db.Exec(insert, 9, "v9"); err != nil {
		t.Fatalf("the same statement after a failure: %v", err)
	}
	if _, err := db.Exec("ALTER TABLE t ADD COLUMN w INTEGER NOT NULL DEFAULT 7"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE INDEX t_v_id ON t (v, id)"); err != nil {
		t.Fatal(err)
	}
	var cols []string
	rows, err := db.Query("SELECT * FROM t WHERE id = ?", 9)
	if err == nil {
		cols, err = rows.Columns()
		rows.Close()
	}
	if err != nil || len(cols) != 3 {
		t.Fatalf("columns after ALTER = %v, %v", cols, err)
	}
	if ids, err := idsAbove(db, 4); err != nil || fmt.Sprint(ids) != "[5 9]" {
		t.Fatalf("after the schema changed: %v, %v", ids, err)
	}
}

func TestKeptStatementsAreBounded(t *testing.T) {
	db := openCaching(t, true)
	for i := range stmtCacheMax + 40 {
		var n int
		if err := db.QueryRow(fmt.Sprintf("SELECT COUNT(*) + %d FROM t", i)).Scan(&n); err != nil || n != 5+i {
			t.Fatalf("query %d = %d, %v", i, n, err)
		}
	}
	if n := kept(t, db); n > stmtCacheMax || n == 0 {
		t.Fatalf("kept %d statements, bound %d", n, stmtCacheMax)
	}
}

// BenchmarkResponseRead runs the read of a draft and its answers
// (readResponse's two statements) on a connection that keeps its
// statements and on one that does not.
func BenchmarkResponseRead(b *testing.B) {
	for _, keep := range []bool{false, true} {
		b.Run(fmt.Sprint("kept=", keep), func(b *testing.B) {
			db := openCaching(b, keep)
			const q = `SELECT id, v, COALESCE(NULL, 0), ? FROM t WHERE id = ? AND v IN (SELECT value FROM json_each(?))`
			for b.Loop() {
				var id, z, x int
				var v string
				if err := db.QueryRow(q, 1, 3, `["v3","v4"]`).Scan(&id, &v, &z, &x); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
