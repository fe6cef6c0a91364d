package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"dxready/advisors"
)

// ActionItem is one step of the action plan agreed in a consultation.
type ActionItem struct {
	ID        int64
	BookingID int64
	FirmID    int64
	FirmName  string
	AdvisorID int64
	Pillar    string
	Text      string
	Owner     string // "firm" or "advisor"
	Due       string // local date 2006-01-02
	DoneAt    sql.NullTime
	CreatedAt time.Time
}

// Done reports whether the item is ticked off.
func (a ActionItem) Done() bool { return a.DoneAt.Valid }

// AddActionItem adds an item to the plan of a consultation by may add
// to (advisors.CanChange, OpActions: one marked held); the refusal is an
// advisors.Refusal.
func (s *Store) AddActionItem(ctx context.Context, it *ActionItem, by Actor) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		b, err := forChange(ctx, tx, it.BookingID, advisors.OpActions, by, now)
		if err != nil {
			return err
		}
		it.FirmID, it.CreatedAt = b.FirmID, now
		res, err := tx.ExecContext(ctx, `INSERT INTO action_items (booking_id, firm_id, pillar, text, owner, due, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, it.BookingID, it.FirmID, it.Pillar, it.Text, it.Owner, it.Due, nullID(by.UserID), it.CreatedAt)
		if err != nil {
			return mapErr("action item", err)
		}
		it.ID, err = res.LastInsertId()
		return err
	})
}

// SetActionItemDone ticks an item off or on again. firmID guards that the
// item belongs to the firm the caller may act for.
func (s *Store) SetActionItemDone(ctx context.Context, id, firmID, userID int64, done bool) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var at, by any
		if done {
			at, by = s.now(), nullID(userID)
		}
		res, err := tx.ExecContext(ctx, "UPDATE action_items SET done_at = ?, done_by = ? WHERE id = ? AND firm_id = ?", at, by, id, firmID)
		if err != nil {
			return mapErr("tick action item", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: action item %d: %w", id, ErrNotFound)
		}
		return nil
	})
}

// FindActionItem returns one item, or ErrNotFound.
func (s *Store) FindActionItem(ctx context.Context, id int64) (*ActionItem, error) {
	items, err := s.actionItems(ctx, "i.id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("store: action item %d: %w", id, ErrNotFound)
	}
	return &items[0], nil
}

// ActionItemsOfFirm returns the firm's action plan: open items first, by
// due date.
func (s *Store) ActionItemsOfFirm(ctx context.Context, firmID int64) ([]ActionItem, error) {
	return s.actionItems(ctx, "i.firm_id = ?", firmID)
}

// ActionItemsOfBooking returns the plan agreed in one consultation.
func (s *Store) ActionItemsOfBooking(ctx context.Context, bookingID int64) ([]ActionItem, error) {
	return s.actionItems(ctx, "i.booking_id = ?", bookingID)
}

// OpenActionItemsOfAdvisor returns the open items of the advisor's
// consultations.
func (s *Store) OpenActionItemsOfAdvisor(ctx context.Context, advisorID int64) ([]ActionItem, error) {
	return s.actionItems(ctx, "b.advisor_id = ? AND i.done_at IS NULL", advisorID)
}

func (s *Store) actionItems(ctx context.Context, where string, args ...any) ([]ActionItem, error) {
	return actionItemsOn(ctx, s.r, where, args...)
}

// actionItemsOn reads the action items where selects on q, a pool or a
// transaction.
func actionItemsOn(ctx context.Context, q querier, where string, args ...any) ([]ActionItem, error) {
	rows, err := q.QueryContext(ctx, `SELECT i.id, i.booking_id, i.firm_id, f.name, b.advisor_id, i.pillar, i.text, i.owner, i.due,
		i.done_at, i.created_at FROM action_items i JOIN bookings b ON b.id = i.booking_id JOIN firms f ON f.id = i.firm_id
		WHERE `+where+` ORDER BY i.done_at IS NOT NULL, i.due, i.id`, args...)
	if err != nil {
		return nil, mapErr("action items", err)
	}
	defer rows.Close()
	var out []ActionItem
	for rows.Next() {
		var it ActionItem
		if err := rows.Scan(&it.ID, &it.BookingID, &it.FirmID, &it.FirmName, &it.AdvisorID, &it.Pillar, &it.Text, &it.Owner, &it.Due,
			&it.DoneAt, &it.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}
