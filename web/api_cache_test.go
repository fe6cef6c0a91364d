package web

import (
	"fmt"
	"testing"
	"time"

	"dxready/opendata"
)

// One client walking ever new queries (ATTACK16 row 10) evicts what
// nobody asks for: an answer others keep asking for stays, and the cache
// never holds more than apiBodyLimit answers. The cache before emptied
// itself whenever it was full.
func TestAPICacheKeepsWhatIsUsedWhileOneClientWalks(t *testing.T) {
	p := &opendata.Publication{ComputedAt: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)}
	var c apiBodies
	c.put(p, "hot", apiBody{etag: "hot"})
	for i := range 3 * apiBodyLimit {
		c.put(p, fmt.Sprint("walk-", i), apiBody{etag: "walk"})
		if i%64 == 0 {
			if _, ok := c.get(p, "hot"); !ok {
				t.Fatalf("after %d new queries the answer others use was evicted", i+1)
			}
		}
		if len(c.m) > apiBodyLimit {
			t.Fatalf("%d answers kept, the limit is %d", len(c.m), apiBodyLimit)
		}
	}
	// A new publication starts afresh; a late answer of the old one is not kept.
	next := &opendata.Publication{ComputedAt: p.ComputedAt.Add(time.Minute)}
	c.put(next, "a", apiBody{etag: "a"})
	c.put(p, "late", apiBody{etag: "late"})
	if _, ok := c.get(next, "hot"); ok || len(c.m) != 1 {
		t.Errorf("a new publication kept %d answers of the old one", len(c.m)-1)
	}
}
