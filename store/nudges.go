package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The kinds of nudges, as the store records them (package nudge's Kind).
const (
	NudgeDraft  = "draft"
	NudgeAction = "action"
	NudgeNoShow = "noshow"
)

// NudgeCandidate is one subject a nudge may be about: a draft, an action
// item or a missed consultation, with what its message says.
type NudgeCandidate struct {
	Kind      string
	SubjectID int64
	FirmID    int64
	FirmName  string
	OwnerID   int64     // a claimant's private draft: its owner; an advisor's item: the advisor; else 0 (the firm's users)
	At        time.Time // drafts: last answer; no-shows: when it was marked; action items: zero
	Due       string    // action items: the due date (local, 2006-01-02)
	Text      string    // action items: the item
	BookingID int64     // action items: the consultation that agreed it; no-shows: the missed one
	Start     time.Time // no-shows: when the consultation was to start
	Advisor   string    // no-shows: the advisor's name
}

// NudgeWindow bounds a search for candidates: drafts last answered and
// no-shows marked from Since (or the kind's cursor, when later) until
// Before; action items due from SinceDue until DueBy.
type NudgeWindow struct {
	Since, Before   time.Time
	SinceDue, DueBy string
}

// nudgeQueries are the candidates of each kind, in the order of their
// index (migration 0023), from a position; one query each.
var nudgeQueries = map[string]string{
	NudgeDraft: `SELECT r.id, r.firm_id, f.name, COALESCE(r.owner_id, 0), r.updated_at, '', '', 0, '', 0
		FROM responses r JOIN firms f ON f.id = r.firm_id
		WHERE r.status = 'draft' AND (r.updated_at, r.id) > (?, ?) AND r.updated_at <= ? ORDER BY r.updated_at, r.id`,
	NudgeNoShow: `SELECT b.id, b.firm_id, f.name, 0, b.updated_at, '', '', b.start_at, u.name, b.id
		FROM bookings b JOIN firms f ON f.id = b.firm_id JOIN users u ON u.id = b.advisor_id
		WHERE b.status = 'no_show' AND (b.updated_at, b.id) > (?, ?) AND b.updated_at <= ? ORDER BY b.updated_at, b.id`,
	// Action items have no cursor: one may be added due in the past. The
	// window (Lookback of overdue items to DueWithin) bounds the walk, and
	// the decided ones are left out by the cap's own key.
	NudgeAction: `SELECT i.id, i.firm_id, f.name, CASE i.owner WHEN 'advisor' THEN b.advisor_id ELSE 0 END, NULL, i.due, i.text, 0, '', i.booking_id
		FROM action_items i JOIN bookings b ON b.id = i.booking_id JOIN firms f ON f.id = i.firm_id
		WHERE i.done_at IS NULL AND (i.due, i.id) > (?, ?) AND i.due <= ?
		AND NOT EXISTS (SELECT 1 FROM nudges_sent n WHERE n.kind = 'action' AND n.subject_id = i.id)
		ORDER BY i.due, i.id`,
}

// NudgeCandidates returns up to limit subjects of kind that may be due a
// nudge, after the kind's cursor (or w's start, whichever is later), in
// order. For action items, after is where the previous page of this run
// ended (0 to start).
func (s *Store) NudgeCandidates(ctx context.Context, kind string, w NudgeWindow, after int64, limit int) ([]NudgeCandidate, error) {
	q, ok := nudgeQueries[kind]
	if !ok {
		return nil, fmt.Errorf("store: nudge kind %q: %w", kind, ErrNotFound)
	}
	var args []any
	if kind == NudgeAction {
		args = []any{w.SinceDue, after, w.DueBy}
	} else {
		at, id, err := s.nudgeCursor(ctx, kind)
		if err != nil {
			return nil, err
		}
		if at.Before(w.Since) {
			at, id = w.Since, 0
		}
		args = []any{at, id, w.Before}
	}
	rows, err := s.r.QueryContext(ctx, q+limitSQL(limit), args...)
	if err != nil {
		return nil, mapErr("nudge candidates", err)
	}
	defer rows.Close()
	var out []NudgeCandidate
	for rows.Next() {
		c := NudgeCandidate{Kind: kind}
		var at sql.NullTime
		var start int64
		if err := rows.Scan(&c.SubjectID, &c.FirmID, &c.FirmName, &c.OwnerID, &at, &c.Due, &c.Text, &start, &c.Advisor, &c.BookingID); err != nil {
			return nil, err
		}
		c.At = at.Time
		if start != 0 {
			c.Start = time.Unix(start, 0).UTC()
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Store) nudgeCursor(ctx context.Context, kind string) (time.Time, int64, error) {
	var at sql.NullTime
	var id int64
	err := s.r.QueryRowContext(ctx, "SELECT at, id FROM nudge_cursors WHERE kind = ?", kind).Scan(&at, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, 0, nil
	}
	return at.Time, id, mapErr("nudge cursor", err)
}

// NudgeLink is the opt-out link of one nudge message: the hash of its
// token, whose, and which kind it stops.
type NudgeLink struct {
	Hash   []byte
	UserID int64
	Kind   string
}

// Nudge is a decision about one candidate: the messages to queue (none:
// it is skipped) and, beside each, its opt-out link.
type Nudge struct {
	Candidate NudgeCandidate
	Messages  []*Message
	Links     []NudgeLink
}

// DecideNudge records, in one transaction, the decision about n's subject:
// it queues n's messages and their opt-out links when allowed (the cap,
// nudge.Allowed) lets one more go and the subject is still due at now (a
// draft not submitted nor answered since, an item not done), and moves the
// kind's cursor past it in any case. It returns how many messages it
// queued; ErrDuplicate when a nudge about the subject was decided before
// (another run, a restart, a second server).
func (s *Store) DecideNudge(ctx context.Context, n *Nudge, staleBefore time.Time, allowed func(sent int) bool) (int, error) {
	queued := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now, c := s.now(), n.Candidate
		if err := advanceNudgeCursor(ctx, tx, c); err != nil {
			return err
		}
		var sent int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM nudges_sent WHERE kind = ? AND subject_id = ?", c.Kind, c.SubjectID).Scan(&sent); err != nil {
			return mapErr("nudges sent", err)
		}
		if !allowed(sent) {
			return ErrDuplicate
		}
		if due, err := stillDue(ctx, tx, c, staleBefore); err != nil || !due {
			return err
		}
		var err error
		if queued, err = queueNudge(ctx, tx, n, now); err != nil {
			return err
		}
		outcome := "sent"
		if queued == 0 {
			outcome = "skipped"
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO nudges_sent (kind, subject_id, outcome, decided_at) VALUES (?, ?, ?, ?)",
			c.Kind, c.SubjectID, outcome, now)
		return mapErr("nudge decided", err)
	})
	if errors.Is(err, ErrDuplicate) {
		// The cursor still moves past a subject decided before.
		if aerr := s.inTx(ctx, func(tx *sql.Tx) error { return advanceNudgeCursor(ctx, tx, n.Candidate) }); aerr != nil {
			return 0, aerr
		}
	}
	return queued, err
}

// queueNudge queues n's messages with their links in tx; a recipient whose
// address is not verified is left out, as is a message queued before.
func queueNudge(ctx context.Context, tx *sql.Tx, n *Nudge, now time.Time) (int, error) {
	queued := 0
	for i, m := range n.Messages {
		switch err := queue(ctx, tx, m, now); {
		case errors.Is(err, ErrUnverifiedRecipient), errors.Is(err, ErrDuplicate):
			continue
		case err != nil:
			return 0, err
		}
		l := n.Links[i]
		if _, err := tx.ExecContext(ctx, "INSERT INTO nudge_links (hash, user_id, kind, created_at) VALUES (?, ?, ?, ?)",
			l.Hash, l.UserID, l.Kind, now); err != nil {
			return 0, mapErr("nudge link", err)
		}
		queued++
	}
	return queued, nil
}

// stillDue re-reads c's subject in tx: a draft still a draft and not
// answered after staleBefore, an item still open. No-shows stay due.
func stillDue(ctx context.Context, tx *sql.Tx, c NudgeCandidate, staleBefore time.Time) (bool, error) {
	var due bool
	var err error
	switch c.Kind {
	case NudgeDraft:
		err = tx.QueryRowContext(ctx, "SELECT status = 'draft' AND updated_at <= ? FROM responses WHERE id = ?", staleBefore, c.SubjectID).Scan(&due)
	case NudgeAction:
		err = tx.QueryRowContext(ctx, "SELECT done_at IS NULL FROM action_items WHERE id = ?", c.SubjectID).Scan(&due)
	default:
		return true, nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return due, mapErr("nudge subject", err)
}

// advanceNudgeCursor moves kind's cursor to c, never back. Action items
// have none.
func advanceNudgeCursor(ctx context.Context, tx *sql.Tx, c NudgeCandidate) error {
	if c.Kind == NudgeAction {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO nudge_cursors (kind, at, id) VALUES (?, ?, ?)
		ON CONFLICT (kind) DO UPDATE SET at = excluded.at, id = excluded.id
		WHERE (excluded.at, excluded.id) > (nudge_cursors.at, nudge_cursors.id)`, c.Kind, c.At, c.SubjectID)
	return mapErr("nudge cursor", err)
}
