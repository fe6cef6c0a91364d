package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"time"

	"dxready/auth"
	"dxready/firms"
)

// ImportResult says what an import did, or why it wrote nothing.
type ImportResult struct {
	Rows     int // data rows read
	Created  int
	Updated  int
	Errors   []firms.RowError // the first MaxImportErrors problems
	Problems int              // every problem found
	Written  bool             // false: the file had problems and nothing was saved
	// Reopened are the users whose claims went back to open: their firm,
	// created by registration, got its first registry record (tell them).
	Reopened []*auth.User
}

// MaxImportErrors bounds how many row problems are kept for display; all
// are counted.
const MaxImportErrors = 5000

// ImportFirms reads every row of rd inside one write transaction, inserting
// new firms and updating existing ones by tax code. If any row has a
// problem, the transaction is rolled back: nothing is written, and the
// result lists the problems. progress, if set, is called every 1,000 rows.
// Rows are written without touching the search index, which is rebuilt
// once at the end (see the note in migration 0001). The audit entries
// given are written with the rows, the counts appended to their detail.
func (s *Store) ImportFirms(ctx context.Context, rd *firms.ImportReader, progress func(rows int), audit ...AuditEntry) (*ImportResult, error) {
	assocIDs, err := s.associationIDsByCode(ctx)
	if err != nil {
		return nil, err
	}
	res := &ImportResult{}
	errRollback := errors.New("rollback")
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		imp := &importer{tx: tx, now: s.now(), assocIDs: assocIDs}
		if err := imp.prepare(ctx); err != nil {
			return err
		}
		defer imp.close()
		for {
			row, probs, err := rd.Next()
			if err == io.EOF {
				break
			}
			if probs != nil {
				res.addProblems(probs)
			}
			if errors.Is(err, firms.ErrStop) {
				break
			}
			if err != nil {
				return err
			}
			res.Rows++
			if progress != nil && res.Rows%1000 == 0 {
				progress(res.Rows)
			}
			if row == nil || res.Problems > 0 {
				continue // keep validating, stop writing
			}
			created, err := imp.upsert(ctx, row)
			if err != nil {
				return err
			}
			if res.Reopened, err = imp.claimsAndContact(ctx, row, created, res.Reopened); err != nil {
				return err
			}
			if created {
				res.Created++
			} else {
				res.Updated++
			}
		}
		if res.Problems > 0 {
			return errRollback
		}
		if err := rebuildSearch(ctx, tx); err != nil {
			return err
		}
		return writeAudit(ctx, tx, imp.now, withDetail(audit, fmt.Sprintf("rows=%d created=%d updated=%d", res.Rows, res.Created, res.Updated)))
	})
	if errors.Is(err, errRollback) {
		res.Created, res.Updated = 0, 0
		return res, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: import firms: %w", err)
	}
	res.Written = true
	return res, nil
}

func (r *ImportResult) addProblems(ps []firms.RowError) {
	r.Problems += len(ps)
	if room := MaxImportErrors - len(r.Errors); room > 0 {
		r.Errors = append(r.Errors, ps[:min(room, len(ps))]...)
	}
}

// ImportAssociationCodes returns the set of association codes an import
// file may name.
func (s *Store) ImportAssociationCodes(ctx context.Context) (map[string]bool, error) {
	ids, err := s.associationIDsByCode(ctx)
	known := make(map[string]bool, len(ids))
	for c := range ids {
		known[c] = true
	}
	return known, err
}

func (s *Store) associationIDsByCode(ctx context.Context) (map[string]int64, error) {
	as, err := s.Associations(ctx)
	out := make(map[string]int64, len(as))
	for _, a := range as {
		out[a.Code] = a.ID
	}
	return out, err
}

type importer struct {
	tx       *sql.Tx
	now      time.Time
	assocIDs map[string]int64
	find     *sql.Stmt
	insert   *sql.Stmt
	// selfRegistered: the firm upsert just updated was created by
	// registration (read with its ID, so claims cost no extra query).
	selfRegistered bool
}

func (im *importer) prepare(ctx context.Context) (err error) {
	if im.find, err = im.tx.PrepareContext(ctx, "SELECT id, self_registered FROM firms WHERE tax_code = ?"); err != nil {
		return err
	}
	im.insert, err = im.tx.PrepareContext(ctx, insertFirmSQL)
	return err
}

func (im *importer) close() {
	im.find.Close()
	im.insert.Close()
}

// upsert writes one row and reports whether it created a firm.
func (im *importer) upsert(ctx context.Context, row *firms.ImportRow) (bool, error) {
	f := &row.Firm
	im.selfRegistered = false
	err := im.find.QueryRowContext(ctx, string(f.TaxCode)).Scan(&f.ID, &im.selfRegistered)
	created := errors.Is(err, sql.ErrNoRows)
	switch {
	case created:
		f.CreatedAt, f.UpdatedAt = im.now, im.now
		res, err := im.insert.ExecContext(ctx, firmInsertArgs(f)...)
		if err != nil {
			return false, mapErr("import firm "+string(f.TaxCode), err)
		}
		f.ID, _ = res.LastInsertId()
	case err != nil:
		return false, err
	default:
		if err := updateFirmRow(ctx, im.tx, f, im.now); err != nil {
			return false, err
		}
	}
	if row.HasAssociations {
		ids := make([]int64, 0, len(row.Associations))
		for _, c := range row.Associations {
			ids = append(ids, im.assocIDs[c])
		}
		if err := setMemberships(ctx, im.tx, f.ID, ids, im.now); err != nil {
			return false, err
		}
	}
	return created, nil
}

// claimsAndContact stores row's registry contact (when the file has the
// columns) and, when the row is the first registry record of a firm that
// was created by registration, reopens its users' claims (appended to
// reopened).
func (im *importer) claimsAndContact(ctx context.Context, row *firms.ImportRow, created bool, reopened []*auth.User) ([]*auth.User, error) {
	f := &row.Firm
	if row.HasContact {
		if _, err := im.tx.ExecContext(ctx, `INSERT INTO firm_registry_contacts (firm_id, email, phone, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (firm_id) DO UPDATE SET email = excluded.email, phone = excluded.phone, updated_at = excluded.updated_at`,
			f.ID, row.Email, row.Phone, im.now); err != nil {
			return reopened, mapErr("registry contact", err)
		}
	}
	if created || !im.selfRegistered {
		return reopened, nil
	}
	us, err := reopenClaims(ctx, im.tx, f.ID, im.now)
	return append(reopened, us...), err
}
