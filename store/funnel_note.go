package store

import (
	"context"
	"database/sql"
	"time"
)

// funnelChange is the one change a transaction made to its firm's funnel
// facts (funnel.Facts): response was created (a draft started) or
// submitted at at. Told by the writer (txNote), it lets the drain skip
// deriving the firm again when the change moves none of its marks, which
// is the rule after a firm's first assessment.
type funnelChange struct {
	firm, response int64
	at             time.Time
	submitted      bool // submitted at at; otherwise created at at
}

// logsWereEmpty reports whether nothing was waiting in either change log
// as tx began (firms changed behind the store's back, by hand, are named
// there and must be read whole): only then may a writer's txNote speak
// for everything the drain will find. Read first in tx, before its
// writes, so that no other writer can come between.
func logsWereEmpty(ctx context.Context, tx *sql.Tx) (bool, error) {
	var waiting bool
	err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM agg_dirty) OR EXISTS (SELECT 1 FROM funnel_dirty)").Scan(&waiting)
	return !waiting, mapErr("changed firms", err)
}

// utcWritten is the condition that a time column holds a time as the
// store writes it (a UTC time.Time, _time_format=sqlite), whose text order
// among such times is their time order.
const utcWritten = "LIKE '%+00:00'"

// keepsMarks reports whether c leaves every mark of its firm where it was
// (funnel.Marks, and so the journey funnel.Reach derives from them):
// another response was created at or before a draft created, or another
// submission was made at or before a submission and, when the firm had a
// consultation held before it, another submission after that one too. Each
// is one look through an index, however long the firm's history.
//
// The times are compared as text, which orders instants only among times
// of one form and zone: the store writes every time in UTC with
// _time_format=sqlite ("2006-01-02 15:04:05.999999999+00:00"), but a tool
// on another connection may write its own zone ("... -0400 EDT", or
// "...-04:00"), which can sort before a time it follows. So only a row of
// the store's own form counts as the other one (utcWritten); any other
// form makes the drain derive the firm whole, as before.
func keepsMarks(ctx context.Context, tx *sql.Tx, c *funnelChange) (bool, error) {
	at := c.at.UTC()
	var earlier bool
	var held sql.NullInt64
	q := `SELECT EXISTS (SELECT 1 FROM responses WHERE firm_id = ? AND id <> ? AND created_at <= ? AND created_at ` + utcWritten + `), NULL`
	if c.submitted {
		q = `SELECT EXISTS (SELECT 1 FROM responses WHERE firm_id = ? AND status = 'submitted' AND id <> ? AND submitted_at <= ?
			AND submitted_at ` + utcWritten + `),
			(SELECT MIN(start_at) FROM bookings WHERE firm_id = ? AND status = '` + BookingDone + `')`
	}
	args := []any{c.firm, c.response, at}
	if c.submitted {
		args = append(args, c.firm)
	}
	if err := tx.QueryRowContext(ctx, q, args...).Scan(&earlier, &held); err != nil || !earlier {
		return false, mapErr("funnel: marks", err)
	}
	heldAt := time.Unix(held.Int64, 0).UTC()
	if !held.Valid || !at.After(heldAt) {
		return true, nil
	}
	var after bool
	err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM responses WHERE firm_id = ? AND status = 'submitted' AND id <> ?
		AND submitted_at > ? AND submitted_at <= ? AND submitted_at `+utcWritten+`)`, c.firm, c.response, heldAt, at).Scan(&after)
	return after, mapErr("funnel: marks", err)
}
