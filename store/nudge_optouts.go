package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// NudgeOptOuts returns the kinds of nudges user id opted out of.
func (s *Store) NudgeOptOuts(ctx context.Context, id int64) (map[string]bool, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT kind FROM nudge_optouts WHERE user_id = ?", id)
	if err != nil {
		return nil, mapErr("nudge opt-outs", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out[k] = true
	}
	return out, rows.Err()
}

// SetNudgeOptOuts records which kinds of nudges user id does not want
// (out[kind]; kinds not named are left as they are), with the audit
// entries given.
func (s *Store) SetNudgeOptOuts(ctx context.Context, id int64, out map[string]bool, audit ...AuditEntry) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		for kind, stop := range out {
			if err := setOptOut(ctx, tx, id, kind, stop, now); err != nil {
				return err
			}
		}
		return writeAudit(ctx, tx, now, audit)
	})
}

func setOptOut(ctx context.Context, tx *sql.Tx, id int64, kind string, stop bool, now time.Time) error {
	q, args := "DELETE FROM nudge_optouts WHERE user_id = ? AND kind = ?", []any{id, kind}
	if stop {
		q, args = "INSERT INTO nudge_optouts (user_id, kind, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", append(args, now)
	}
	_, err := tx.ExecContext(ctx, q, args...)
	return mapErr("nudge opt-out", err)
}

// OptedOut reports whether user id opted out of nudges of kind.
func (s *Store) OptedOut(ctx context.Context, id int64, kind string) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM nudge_optouts WHERE user_id = ? AND kind = ?", id, kind).Scan(&n)
	return n > 0, mapErr("nudge opt-out", err)
}

// NudgeLinkState is what an opt-out link stops and whether it was used.
type NudgeLinkState struct {
	UserID int64
	Kind   string
	Used   bool
}

// FindNudgeLink returns the opt-out link whose token hashes to hash;
// ErrNotFound when there is none (a forged or mistyped link).
func (s *Store) FindNudgeLink(ctx context.Context, hash []byte) (*NudgeLinkState, error) {
	var l NudgeLinkState
	err := s.r.QueryRowContext(ctx, "SELECT user_id, kind, used_at IS NOT NULL FROM nudge_links WHERE hash = ?", hash).Scan(&l.UserID, &l.Kind, &l.Used)
	if err != nil {
		return nil, mapErr("nudge link", err)
	}
	return &l, nil
}

// UseNudgeLink spends the opt-out link whose token hashes to hash and
// opts its user out of its kind, in one transaction, with an audit entry.
// ErrNotFound for a link that does not exist, ErrLinkUsed for one used
// before: a link works once.
func (s *Store) UseNudgeLink(ctx context.Context, hash []byte) (*NudgeLinkState, error) {
	var l NudgeLinkState
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		err := tx.QueryRowContext(ctx, "SELECT user_id, kind, used_at IS NOT NULL FROM nudge_links WHERE hash = ?", hash).Scan(&l.UserID, &l.Kind, &l.Used)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("store: nudge link: %w", ErrNotFound)
		case err != nil:
			return mapErr("nudge link", err)
		case l.Used:
			return ErrLinkUsed
		}
		if _, err := tx.ExecContext(ctx, "UPDATE nudge_links SET used_at = ? WHERE hash = ?", now, hash); err != nil {
			return mapErr("spend nudge link", err)
		}
		if err := setOptOut(ctx, tx, l.UserID, l.Kind, true, now); err != nil {
			return err
		}
		return writeAudit(ctx, tx, now, []AuditEntry{{UserID: l.UserID, Action: "nudge.optout", Subject: fmt.Sprintf("user:%d", l.UserID), Detail: l.Kind}})
	})
	return &l, err
}
