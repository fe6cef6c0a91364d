package web

import (
	"fmt"
	"hash/fnv"
	"maps"
	"net/url"
	"slices"
	"sync"

	"dxready/firms"
	"dxready/locale"
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

// provinceKey names the figures a request asks for (a cacheable query;
// its language is l, so the lang parameter is left out).
func provinceKey(q url.Values, l string, snap *store.Snapshot, assocs []firms.Association) string {
	q = maps.Clone(q)
	delete(q, "lang")
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

// cacheable reports whether the page for query q may be kept: every
// parameter one the page reads, given once, with a value the form offers
// (a quarter that parses). Anything else is computed and not kept, so the
// cache holds at most one page per choice of the form, never the bytes a
// client sends (a query of a megabyte, different each time, would
// otherwise keep a megabyte a page: its key, and its selection's name).
func (s *Server) cacheable(q url.Values, assocs []firms.Association, loc *locale.Localizer, l string) bool {
	for k, vs := range q {
		if len(vs) != 1 {
			return false
		}
		v := vs[0]
		switch {
		case k == "lang", v == "" && k != "by": // the form sends a filter left empty as ""
		case k == "quarter":
			if _, ok := scoring.ParseQuarter(v); !ok || len(v) > len("2026-Q4") {
				return false
			}
		case k == "by":
			if !slices.Contains(provinceDims, v) {
				return false
			}
		case slices.Contains(provinceDims, k):
			if !slices.ContainsFunc(s.dimValues(k, assocs, loc, l), func(o option) bool { return o.Value == v }) {
				return false
			}
		default:
			return false
		}
	}
	return true
}
