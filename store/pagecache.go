package store

import (
	"fmt"
	_ "unsafe" // go:linkname, below

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// One page cache per connection, not one for the whole process.
//
// modernc.org/sqlite builds SQLite with SQLITE_ENABLE_MEMORY_MANAGEMENT.
// That option makes SQLite's page cache (pcache1) one cache shared by every
// connection of the process, behind one mutex (SQLITE_MUTEX_STATIC_LRU)
// taken on every page a statement fetches, releases or drops. In modernc's
// libc that mutex is a Go sync.Mutex, so the writer and the four readers
// queue on it for every page; under Go's starvation hand-off each unlock
// sends the unlocking goroutine to the back of the run queue. With the
// portal's metrics lock gone (web/metrics.go), a mutex profile of the
// whole firm cycle at 68,000 firms put 88 % of the server's remaining lock
// waits on it (docs/PERFORMANCE.md, "lock waits in the cycle").
//
// A build of SQLite without that option gives each connection a cache of
// its own with no mutex at all ("mode 1" in pcache1.c): a connection is
// used by one goroutine at a time (database/sql), and every connection of
// the store sets its own cache_size anyway. No configuration call selects
// it (sqlite3_config has none), so separatePageCaches sets pcache1's flag
// itself, once, after sqlite3_initialize and before any connection opens,
// through go:linkname to modernc's variable. What the shared cache was for,
// sqlite3_release_memory and the soft heap limit taking pages from other
// connections' caches, the store does not use.
//
// This reaches into a dependency, which STYLE.md otherwise rules out; it is
// done because nothing else reaches the mutex (modernc's RegisterPageCache,
// a page cache written in Go, takes a lock of its own on every fetch), and
// it is held to:
//   - modernc.org/sqlite is pinned in go.mod, and TestSQLiteIsTheVersionReviewed
//     fails on any other version, so an upgrade is reviewed against this;
//   - the flag's type is modernc's own exported TPCacheGlobal;
//   - a linkname to a variable that a new version renamed or dropped still
//     links (to a zero value of its own), so separatePageCaches checks the
//     state it expects before changing it, and Open refuses to run with its
//     error (pageCacheErr): fail closed, never silently shared;
//   - TestEachConnectionHasItsOwnPageCache checks the flag after Open.
//
// Side effects, process-wide: SQLite is initialized when this package is,
// so a later sqlite3_config (modernc's RegisterPageCache among them) would
// fail; the store calls none. Each connection is now held to its own
// cache_size, where the shared cache let a busy connection borrow the idle
// ones' budget (the writer's 2 MB cache was measured under those rules).
// `dxready load` runs its raw SQLite baseline in the same process, so it
// has separate caches too.
//
//go:linkname pcache1 modernc.org/sqlite/lib._pcache1_g
var pcache1 sqlite3.TPCacheGlobal

// pageCacheErr is why the page caches could not be made separate; Open
// returns it.
var pageCacheErr = separatePageCaches()

// separatePageCaches initializes SQLite and switches pcache1 to a cache
// per connection. It runs at package initialization, before any
// connection of the process can be opened through this package, and is
// a no-op when the flag is already set.
func separatePageCaches() error {
	tls := libc.NewTLS()
	defer tls.Close()
	if rc := sqlite3.Xsqlite3_initialize(tls); rc != sqlite3.SQLITE_OK {
		return fmt.Errorf("store: initialize SQLite: %s", libc.GoString(sqlite3.Xsqlite3_errstr(tls, rc)))
	}
	switch {
	case pcache1.FisInit != 1:
		return fmt.Errorf("store: SQLite's page cache is not initialized after sqlite3_initialize (modernc.org/sqlite changed?)")
	case pcache1.FseparateCache == 1:
		return nil
	case pcache1.FseparateCache != 0 || pcache1.Fgrp.FnMaxPage != 0:
		return fmt.Errorf("store: SQLite's page cache is in an unexpected state (separate %d, shared pages %d): modernc.org/sqlite changed?",
			pcache1.FseparateCache, pcache1.Fgrp.FnMaxPage)
	}
	pcache1.FseparateCache = 1
	return nil
}
