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
// was 40% of an autosave's CPU. A logout or a new login drops the entry at
// once; a status change made elsewhere (a disabled account) takes effect
// within this time.
const sessionCacheTTL = 10 * time.Second

type cachedSession struct {
	sess  *store.Session
	user  *auth.User
	until time.Time
}

// sessionCache maps a token hash to its session and user.
type sessionCache struct {
	mu sync.Mutex
	m  map[string]cachedSession
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

func (c *sessionCache) put(sess *store.Session, u *auth.User, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 100_000 {
		c.m = map[string]cachedSession{} // bound memory; entries refill on demand
	}
	c.m[string(sess.TokenHash)] = cachedSession{sess: sess, user: u, until: now.Add(sessionCacheTTL)}
}

func (c *sessionCache) drop(hash []byte) {
	c.mu.Lock()
	delete(c.m, string(hash))
	c.mu.Unlock()
}

// dropUser forgets every cached session of user id (after their account
// changed: language, status).
func (c *sessionCache) dropUser(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.m {
		if e.user.ID == id {
			delete(c.m, k)
		}
	}
}
