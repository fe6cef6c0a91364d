package store

import "strconv"

// limitSQL is " LIMIT n" with n written into the statement's text rather
// than bound. SQLite's planner reads a bound LIMIT's value, and so marks
// the statement to be prepared again whenever that parameter is bound:
// a kept statement (stmtcache.go) with "LIMIT ?" was parsed and planned
// again on every run, 3.6% of the server's CPU in the load tool's cycle
// (the drains, a result's submissions and bookings, the review's changes).
// Each distinct n is a statement of its own, so n should be one of the
// code's constants (a chunk, a page size), not any number a request sends:
// a stream of distinct numbers would fill a connection's cache and drop
// the cycle's statements with it (stmtCacheMax). Every list's size today
// is a constant of its caller (web's membersPerPage, firmsPerPage,
// usersPerPage, auditPerPage, outboxLimit, claimsLimit, nudgeBatch,
// composeBatch, the funnel's 50; mail's Batch; CountCap+1 and the like),
// and the pages clamp theirs to 1…200. OFFSET ? (FindFirms, FindMembers)
// stays bound: the planner does not read it. So is a LIKE pattern built
// in SQL ('%' || ? || '%'), where a bound "LIKE ?" is read (for a prefix
// to seek) and prepared again on every run too.
func limitSQL(n int) string { return " LIMIT " + strconv.Itoa(n) }
