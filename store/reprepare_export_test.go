package store

import (
	"context"
	"database/sql"
	"reflect"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// Reprepares returns, for every statement the store's connections keep
// (the writer's and the idle readers'), how many times SQLite prepared it
// again since it was first prepared (SQLITE_STMTSTATUS_REPREPARE), keyed
// by its SQL text; statements never prepared again are left out. SQLite
// prepares a kept statement again when the schema changed, and on every
// run when the plan depends on a bound value (LIMIT ?, a bound value
// compared with a partial index's constant): the second is a statement
// that costs a parse and a plan each call, which the cache was made to
// save. It reads the driver's statement handles (unexported fields of
// modernc.org/sqlite's stmt and conn), so it is for tests only.
func Reprepares(s *Store) (map[string]int, error) {
	out := map[string]int{}
	for _, db := range []*sql.DB{s.w.DB, s.r.DB} {
		conns := []*sql.Conn{}
		for range db.Stats().Idle {
			c, err := db.Conn(context.Background())
			if err != nil {
				return nil, err
			}
			conns = append(conns, c)
		}
		for _, c := range conns {
			err := c.Raw(func(dc any) error {
				cc, ok := dc.(*cachingConn)
				if !ok {
					return nil
				}
				for q, cs := range cc.stmts {
					if n := stmtReprepares(cs.st); n > 0 {
						out[q] += n
					}
				}
				return nil
			})
			c.Close()
			if err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// stmtReprepares reads SQLITE_STMTSTATUS_REPREPARE of a modernc.org/sqlite
// statement through its unexported handle.
func stmtReprepares(st stmtDriver) int {
	v := reflect.ValueOf(st)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return 0
	}
	e := v.Elem()
	ps, c := e.FieldByName("pstmt"), e.FieldByName("c")
	if !ps.IsValid() || !c.IsValid() || ps.Uint() == 0 || c.IsNil() {
		return 0
	}
	tlsField := c.Elem().FieldByName("tls")
	tls := *(**libc.TLS)(unsafe.Pointer(tlsField.UnsafeAddr()))
	return int(sqlite3.Xsqlite3_stmt_status(tls, uintptr(ps.Uint()), sqlite3.SQLITE_STMTSTATUS_REPREPARE, 0))
}

// CacheSizes returns PRAGMA cache_size of the writer's connection and of
// one reader's.
func CacheSizes(s *Store) (writer, reader int, err error) {
	if err := s.w.QueryRowContext(context.Background(), "PRAGMA cache_size").Scan(&writer); err != nil {
		return 0, 0, err
	}
	err = s.r.DB.QueryRowContext(context.Background(), "PRAGMA cache_size").Scan(&reader)
	return writer, reader, err
}
