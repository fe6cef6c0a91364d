package store

import "strconv"

// limitSQL is " LIMIT n" with n written into the statement's text rather
// than bound. SQLite's planner reads a bound LIMIT's value, and so marks
// the statement to be prepared again whenever that parameter is bound:
// a kept statement (stmtcache.go) with "LIMIT ?" was parsed and planned
// again on every run, 3.6% of the server's CPU in the load tool's cycle
// (the drains, a result's submissions and bookings, the review's changes).
// Each distinct n is a statement of its own, so n should be one of the
// code's constants (a chunk, a page size), not any number a request sends.
func limitSQL(n int) string { return " LIMIT " + strconv.Itoa(n) }
