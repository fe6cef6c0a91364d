package web

import (
	"fmt"
	"hash/fnv"
	"net/url"
	"sync"

	"dxready/firms"
	"dxready/scoring"
	"dxready/store"
)

// maxProvincePages bounds the province dashboard's kept figures: past it,
// a new query's figures are computed but not kept, so enumerating filter
// combinations costs time, never memory.
const maxProvincePages = 2048

// provinceCache keeps the province dashboard's figures by query, language
// and snapshot. A snapshot's Seq moves with every write that changes a
// figure or a registry count, so a kept page is never stale; the
// associations' names are in the key too (renaming one moves no Seq).
type provinceCache struct {
	mu    sync.Mutex
	seq   int64
	pages map[string]*provinceData
}

// provinceKey names the figures a request asks for.
func provinceKey(q url.Values, l string, snap *store.Snapshot, assocs []firms.Association) string {
	h := fnv.New64a()
	for _, a := range assocs {
		fmt.Fprintf(h, "%d\x00%s\x00%s\x00", a.ID, a.NameVI, a.NameEN)
	}
	return fmt.Sprintf("%d|%s|%s|%x|%s", snap.Seq, scoring.QuarterOf(snap.BuiltAt), l, h.Sum64(), q.Encode())
}

func (c *provinceCache) get(key string) *provinceData {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pages[key]
}

// put keeps d, computed from a snapshot at seq; a newer seq drops every
// page kept for an older one.
func (c *provinceCache) put(seq int64, key string, d *provinceData) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if seq > c.seq || c.pages == nil {
		c.seq, c.pages = seq, map[string]*provinceData{}
	}
	if seq == c.seq && len(c.pages) < maxProvincePages {
		c.pages[key] = d
	}
}
