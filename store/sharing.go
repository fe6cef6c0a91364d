package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// SetSharing records whether firm firmID shares its results (level and
// scores) with association assocID, and who decided. A change is logged as
// an event; setting the current state again records nothing. ErrNotFound
// when the firm is not a member.
func (s *Store) SetSharing(ctx context.Context, firmID, assocID int64, share bool, userID int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var member int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM firm_associations WHERE firm_id = ? AND association_id = ?",
			firmID, assocID).Scan(&member); err != nil {
			return err
		}
		if member == 0 {
			return fmt.Errorf("store: firm %d is not a member of association %d: %w", firmID, assocID, ErrNotFound)
		}
		now := s.now()
		q, event := "DELETE FROM result_sharing WHERE firm_id = ? AND association_id = ?", "withdrawn"
		args := []any{firmID, assocID}
		if share {
			q, event = "INSERT INTO result_sharing (firm_id, association_id, since, user_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", "shared"
			args = append(args, now, nullID(userID))
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return mapErr("set sharing", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO sharing_events (firm_id, association_id, event, user_id, at) VALUES (?, ?, ?, ?, ?)",
			firmID, assocID, event, nullID(userID), now)
		return mapErr("sharing event", err)
	})
}

// Sharing is one of a firm's memberships with its consent state.
type Sharing struct {
	AssociationID  int64
	NameVI, NameEN string
	Shared         bool
}

// SharingOf lists the associations firm firmID belongs to and whether it
// shares its results with each.
func (s *Store) SharingOf(ctx context.Context, firmID int64) ([]Sharing, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT a.id, a.name_vi, a.name_en, sh.firm_id IS NOT NULL
		FROM firm_associations m JOIN associations a ON a.id = m.association_id
		LEFT JOIN result_sharing sh ON sh.firm_id = m.firm_id AND sh.association_id = m.association_id
		WHERE m.firm_id = ? ORDER BY a.code`, firmID)
	if err != nil {
		return nil, mapErr("sharing of firm", err)
	}
	defer rows.Close()
	var out []Sharing
	for rows.Next() {
		var sh Sharing
		if err := rows.Scan(&sh.AssociationID, &sh.NameVI, &sh.NameEN, &sh.Shared); err != nil {
			return nil, err
		}
		out = append(out, sh)
	}
	return out, rows.Err()
}

// SharingFirms returns the members that share their results with assocID
// now. It is read on every use, never cached: a withdrawal takes effect at
// the next page view.
func (s *Store) SharingFirms(ctx context.Context, assocID int64) (map[int64]bool, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT firm_id FROM result_sharing WHERE association_id = ?", assocID)
	if err != nil {
		return nil, mapErr("sharing firms", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// AddSharing records in bulk that firmIDs (members of assocID) share their
// results with it: the demo province, or a migration from another system.
func (s *Store) AddSharing(ctx context.Context, assocID int64, firmIDs []int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		for _, id := range firmIDs {
			if _, err := addSharing(ctx, tx, id, assocID, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// addSharing records that member firmID shares its results with assocID,
// with its event, and reports whether it did: not when the firm is not a
// member, or shares already.
func addSharing(ctx context.Context, tx *sql.Tx, firmID, assocID int64, now time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO result_sharing (firm_id, association_id, since)
		SELECT firm_id, association_id, ? FROM firm_associations WHERE firm_id = ? AND association_id = ?
		ON CONFLICT DO NOTHING`, now, firmID, assocID)
	if err != nil {
		return false, mapErr("add sharing", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO sharing_events (firm_id, association_id, event, at) VALUES (?, ?, 'shared', ?)",
		firmID, assocID, now)
	return err == nil, mapErr("sharing event", err)
}
