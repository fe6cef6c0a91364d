package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"dxready/auth"
	"dxready/firms"
)

// CreateAssociation inserts a and sets its ID; a taken code is ErrConflict.
func (s *Store) CreateAssociation(ctx context.Context, a *firms.Association) error {
	res, err := s.w.ExecContext(ctx, `INSERT INTO associations (code, name_vi, name_en, demo, created_at) VALUES (?, ?, ?, ?, ?)`,
		a.Code, a.NameVI, a.NameEN, a.Demo, s.now())
	if err != nil {
		return mapErr("create association "+a.Code, err)
	}
	a.ID, err = res.LastInsertId()
	return err
}

// Associations returns every association, by code.
func (s *Store) Associations(ctx context.Context) ([]firms.Association, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT id, code, name_vi, name_en, demo FROM associations ORDER BY code")
	if err != nil {
		return nil, mapErr("list associations", err)
	}
	defer rows.Close()
	var out []firms.Association
	for rows.Next() {
		var a firms.Association
		if err := rows.Scan(&a.ID, &a.Code, &a.NameVI, &a.NameEN, &a.Demo); err != nil {
			return nil, mapErr("scan association", err)
		}
		out = append(out, a)
	}
	return out, mapErr("list associations", rows.Err())
}

// FindAssociationByID returns the association with id, or ErrNotFound.
func (s *Store) FindAssociationByID(ctx context.Context, id int64) (*firms.Association, error) {
	var a firms.Association
	err := s.r.QueryRowContext(ctx, "SELECT id, code, name_vi, name_en, demo FROM associations WHERE id = ?", id).
		Scan(&a.ID, &a.Code, &a.NameVI, &a.NameEN, &a.Demo)
	return &a, mapErr(fmt.Sprintf("find association %d", id), err)
}

// FirmAssociationIDs returns the IDs of the associations firm id belongs to.
func (s *Store) FirmAssociationIDs(ctx context.Context, id int64) ([]int64, error) {
	return firmAssociationIDs(ctx, s.r, id)
}

type querier interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}

func firmAssociationIDs(ctx context.Context, q querier, id int64) ([]int64, error) {
	return queryIDs(ctx, q, "firm associations", "SELECT association_id FROM firm_associations WHERE firm_id = ? ORDER BY association_id", id)
}

// insertMembershipSQL records a membership, keeping one that exists.
const insertMembershipSQL = `INSERT INTO firm_associations (firm_id, association_id, since) VALUES (?, ?, ?)
	ON CONFLICT DO NOTHING`

// AddMemberships records that each firm belongs to association assoc;
// existing memberships are kept as they are.
func (s *Store) AddMemberships(ctx context.Context, assoc int64, firmIDs []int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, insertMembershipSQL)
		if err != nil {
			return err
		}
		defer stmt.Close()
		now := s.now()
		for _, id := range firmIDs {
			if _, err := stmt.ExecContext(ctx, id, assoc, now); err != nil {
				return mapErr("add membership", err)
			}
		}
		return nil
	})
}

// setMemberships replaces firm id's memberships with assocs inside tx.
func setMemberships(ctx context.Context, tx *sql.Tx, id int64, assocs []int64, now time.Time) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM firm_associations WHERE firm_id = ? AND association_id NOT IN (SELECT value FROM json_each(?))",
		id, int64sJSON(assocs)); err != nil {
		return err
	}
	for _, a := range assocs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO firm_associations (firm_id, association_id, since) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, id, a, now); err != nil {
			return err
		}
	}
	return nil
}

func int64sJSON(ids []int64) string {
	b := []byte{'['}
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = fmt.Appendf(b, "%d", id)
	}
	return string(append(b, ']'))
}

// FindAssociationByCode returns the association with code, or ErrNotFound.
func (s *Store) FindAssociationByCode(ctx context.Context, code string) (*firms.Association, error) {
	var a firms.Association
	err := s.r.QueryRowContext(ctx, "SELECT id, code, name_vi, name_en, demo FROM associations WHERE code = ?", code).
		Scan(&a.ID, &a.Code, &a.NameVI, &a.NameEN, &a.Demo)
	return &a, mapErr("find association "+code, err)
}

// MembershipImport is what importing a membership list did, or would have
// done: nothing is written when Errors is not empty.
type MembershipImport struct {
	Added, Kept, Removed int
	Errors               []firms.RowError // tax codes not in the registry, by line
}

func (m *MembershipImport) counts() string {
	return fmt.Sprintf("added=%d kept=%d removed=%d", m.Added, m.Kept, m.Removed)
}

// ImportMemberships makes the firms on lines members of association
// assocID, all or nothing. With replace, members not on the list stop
// being members (their sharing consent with it ends too). The audit
// entries given are written with the import, its counts appended to their
// detail.
func (s *Store) ImportMemberships(ctx context.Context, assocID int64, lines []firms.MemberLine, replace bool, audit ...AuditEntry) (*MembershipImport, error) {
	res := &MembershipImport{}
	errNothing := errors.New("nothing written")
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		ids := make([]int64, 0, len(lines))
		for _, l := range lines {
			var id int64
			err := tx.QueryRowContext(ctx, "SELECT id FROM firms WHERE tax_code = ?", string(l.TaxCode)).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				res.Errors = append(res.Errors, firms.RowError{Line: l.Line, Column: "tax_code", Problem: firms.ErrMemberUnknownFirm, Value: string(l.TaxCode)})
				continue
			}
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		if len(res.Errors) > 0 {
			return errNothing
		}
		now := s.now()
		for _, id := range ids {
			r, err := tx.ExecContext(ctx, "INSERT INTO firm_associations (firm_id, association_id, since) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", id, assocID, now)
			if err != nil {
				return mapErr("import membership", err)
			}
			if n, _ := r.RowsAffected(); n == 1 {
				res.Added++
			} else {
				res.Kept++
			}
		}
		if !replace {
			return writeAudit(ctx, tx, now, withDetail(audit, res.counts()))
		}
		keep := int64sJSON(ids)
		if _, err := tx.ExecContext(ctx, `DELETE FROM result_sharing WHERE association_id = ?
			AND firm_id NOT IN (SELECT value FROM json_each(?))`, assocID, keep); err != nil {
			return err
		}
		r, err := tx.ExecContext(ctx, "DELETE FROM firm_associations WHERE association_id = ? AND firm_id NOT IN (SELECT value FROM json_each(?))", assocID, keep)
		if err != nil {
			return err
		}
		n, _ := r.RowsAffected()
		res.Removed = int(n)
		return writeAudit(ctx, tx, now, withDetail(audit, res.counts()))
	})
	if errors.Is(err, errNothing) {
		return res, nil
	}
	return res, err
}

// Leads returns the users who lead association assocID.
func (s *Store) Leads(ctx context.Context, assocID int64) ([]*auth.User, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+userColumns+" FROM users WHERE role = 'lead' AND association_id = ? ORDER BY email", assocID)
	return scanUsers(rows, err, "leads")
}

// AssignLead makes user u (a lead already, of any association) lead
// association assocID. Other roles are refused with ErrConflict: a firm
// user or advisor does not become a lead by accident. The audit entries
// given are written with the change.
func (s *Store) AssignLead(ctx context.Context, userID, assocID int64, audit ...AuditEntry) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE users SET association_id = ? WHERE id = ? AND role = 'lead'", assocID, userID)
		if err != nil {
			return mapErr("assign lead", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: user %d is not a lead: %w", userID, ErrConflict)
		}
		return writeAudit(ctx, tx, s.now(), audit)
	})
}
