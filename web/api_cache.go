package web

import (
	"sync"
	"sync/atomic"

	"dxready/opendata"
)

// apiBodyLimit bounds the feed's cache of serialised answers: a client
// that walks every group of every dimension with every range cannot grow
// it past this.
const apiBodyLimit = 4096

// apiEvictSample is how many entries a full cache looks at to find the one
// used longest ago (an approximate LRU, as Redis does it): one client
// walking new queries then evicts what nobody asks for, not everyone's
// answers at once (ATTACK16 row 10).
const apiEvictSample = 8

// apiBody is one serialised answer and its entity tag.
type apiBody struct {
	body []byte
	etag string
}

// apiBodyEntry is a kept answer with when it was last used (a tick of
// apiBodies.clock).
type apiBodyEntry struct {
	apiBody
	used atomic.Int64
}

// apiBodies keeps the feed's answers for the current publication only:
// a new publication (new figures, or the same ones recomputed with a new
// computed_at) empties it.
type apiBodies struct {
	mu    sync.RWMutex
	pub   *opendata.Publication
	m     map[string]*apiBodyEntry
	clock atomic.Int64
}

func (c *apiBodies) get(p *opendata.Publication, key string) (apiBody, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.pub != p {
		return apiBody{}, false
	}
	e, ok := c.m[key]
	if !ok {
		return apiBody{}, false
	}
	e.used.Store(c.clock.Add(1))
	return e.apiBody, true
}

func (c *apiBodies) put(p *opendata.Publication, key string, b apiBody) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pub != nil && c.pub != p && p.ComputedAt.Before(c.pub.ComputedAt) {
		return // a late answer of the publication before: not worth a place
	}
	if c.pub != p {
		c.pub, c.m = p, map[string]*apiBodyEntry{}
	}
	if _, ok := c.m[key]; !ok && len(c.m) >= apiBodyLimit {
		c.evictOne()
	}
	e := &apiBodyEntry{apiBody: b}
	e.used.Store(c.clock.Add(1))
	c.m[key] = e
}

// evictOne drops the entry used longest ago among apiEvictSample of them
// (Go's map iteration starts at a random place). The caller holds mu.
func (c *apiBodies) evictOne() {
	victim, oldest, n := "", int64(0), 0
	for k, e := range c.m {
		if u := e.used.Load(); n == 0 || u < oldest {
			victim, oldest = k, u
		}
		if n++; n == apiEvictSample {
			break
		}
	}
	delete(c.m, victim)
}
