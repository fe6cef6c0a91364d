package web

import (
	"sync"
	"time"

	"dxready/auth"
	"dxready/store"
)

// sessionCacheTTL is how long a looked-up session is trusted without asking
// the database again. Under steady writes every SQLite read transaction
// starts with a cold page cache, and the session lookup on every request
// was 40% of an autosave's CPU. Any change to a user's row or sessions
// made through this process's store (a lead moved, an account disabled, a
// password reset) drops that user's entries at once: the store announces
// every such change after its commit (store.OnUserChange). Only a change
// made by another process (a command beside the server) waits for this TTL.
const sessionCacheTTL = 10 * time.Second

type cachedSession struct {
	sess  *store.Session
	user  *auth.User
	until time.Time
}

// sessionCache maps a token hash to its session and user.
// gen counts invalidations: a lookup that read the database before an
// invalidation must not put what it read (the old user) back afterwards.
type sessionCache struct {
	mu  sync.Mutex
	m   map[string]cachedSession
	gen uint64
}

// generation is read before a lookup and handed to put.
func (c *sessionCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

func (c *sessionCache) get(hash []byte, now time.Time) (*store.Session, *auth.User, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[string(hash)]
	if !ok || now.After(e.until) {
		return nil, nil, false
	}
	return e.sess, e.user, true
}

// put caches sess and u unless an invalidation came after generation gen.
func (c *sessionCache) put(sess *store.Session, u *auth.User, now time.Time, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.m == nil || len(c.m) > 100_000 {
		c.m = map[string]cachedSession{} // bound memory; entries refill on demand
	}
	c.m[string(sess.TokenHash)] = cachedSession{sess: sess, user: u, until: now.Add(sessionCacheTTL)}
}

func (c *sessionCache) drop(hash []byte) {
	c.mu.Lock()
	delete(c.m, string(hash))
	c.gen++
	c.mu.Unlock()
}

// dropUsers forgets every cached session of the users ids; nil ids: of
// everyone. It is the store's OnUserChange listener.
func (c *sessionCache) dropUsers(ids []int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if ids == nil {
		c.m = nil
		return
	}
	gone := make(map[int64]bool, len(ids))
	for _, id := range ids {
		gone[id] = true
	}
	for k, e := range c.m {
		if gone[e.user.ID] {
			delete(c.m, k)
		}
	}
}
