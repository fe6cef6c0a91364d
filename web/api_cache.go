package web

import (
	"sync"

	"dxready/opendata"
)

// apiBodyLimit bounds the feed's cache of serialised answers: a client
// that walks every group of every dimension with every range cannot grow
// it past this; when full it starts again empty.
const apiBodyLimit = 4096

// apiBody is one serialised answer and its entity tag.
type apiBody struct {
	body []byte
	etag string
}

// apiBodies keeps the feed's answers for the current publication only:
// a new publication (new figures, or the same ones recomputed with a new
// computed_at) empties it.
type apiBodies struct {
	mu  sync.RWMutex
	pub *opendata.Publication
	m   map[string]apiBody
}

func (c *apiBodies) get(p *opendata.Publication, key string) (apiBody, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.pub != p {
		return apiBody{}, false
	}
	e, ok := c.m[key]
	return e, ok
}

func (c *apiBodies) put(p *opendata.Publication, key string, e apiBody) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pub != nil && c.pub != p && p.ComputedAt.Before(c.pub.ComputedAt) {
		return // a late answer of the publication before: not worth a place
	}
	if c.pub != p || len(c.m) >= apiBodyLimit {
		c.pub, c.m = p, map[string]apiBody{}
	}
	c.m[key] = e
}
