package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"dxready/store"
	"dxready/store/storetest"
)

// The writer keeps a small page cache and the readers a large one
// (writerPragmas: at each commit SQLite walks the writer's whole cache
// after a b-tree split parked a page past the end of the file); a bulk
// build's one writer keeps its large cache.
func TestTheWriterKeepsASmallCacheAndABulkBuildALargeOne(t *testing.T) {
	s, _ := storetest.Open(t)
	w, r, err := store.CacheSizes(s)
	if err != nil || w != -2000 || r != -16000 {
		t.Fatalf("cache_size: writer %d, reader %d (%v); want -2000 and -16000", w, r, err)
	}
	b, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "bulk.db"), store.Options{Clock: func() time.Time { return storetest.Clock }, Bulk: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if w, _, err := store.CacheSizes(b); err != nil || w != -32000 {
		t.Fatalf("bulk writer's cache_size %d (%v), want -32000", w, err)
	}
}
