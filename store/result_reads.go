package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"dxready/firms"
)

// ResultReads is what a firm's result page reads besides the response
// itself, read by ReadResult in one read transaction: the page's figures
// come from one state of the database, and its reads share one page cache
// (SQLite drops a connection's cache at the start of each read
// transaction after another connection's commit).
type ResultReads struct {
	Latest   bool        // the response is the firm's newest submission
	Previous *Submission // the firm's submission before the response; nil if none
	Firm     *firms.Firm
	// Associations are the firm's, by ID; read only for comparisons.
	Associations []*firms.Association
	// Inputs are what the firm contributes to the figures now, for
	// Snapshot.CompareFirm; read only for comparisons.
	Inputs  FirmInputs
	Actions []ActionItem // the firm's action plan (ActionItemsOfFirm)
	// LastDone is the firm's latest completed consultation, for the
	// progress since it; read only for the newest submission (nil if none).
	LastDone *Booking
}

// ResultQuery says whose result page ReadResult reads for.
type ResultQuery struct {
	FirmID, ResponseID int64
	Comparisons        bool // read the firm's associations and inputs too
}

// ReadResult reads q's result page data in one read transaction; an error
// names what failed (ErrNotFound for a firm or association that is gone).
// Its limits are literal: SQLite re-prepares a kept statement on every run
// whose LIMIT is a bound parameter (its plan depends on the value).
func (s *Store) ReadResult(ctx context.Context, q ResultQuery) (*ResultReads, error) {
	// In the request's read view (readview.go) its reads are already one
	// read transaction; otherwise they get one of their own.
	var tx readQuerier = s.r
	if s.r.connFor(ctx) == nil {
		own, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return nil, mapErr("result reads", err)
		}
		defer own.Rollback()
		tx = own
	}
	var err error
	rr := &ResultReads{}
	if rr.Latest, rr.Previous, err = latestAndPrevious(ctx, tx, q.FirmID, q.ResponseID); err != nil {
		return nil, err
	}
	f, err := scanFirm(tx.QueryRowContext(ctx, "SELECT "+firmColumns+" FROM firms f WHERE f.id = ?", q.FirmID))
	if err != nil {
		return nil, mapErr(fmt.Sprintf("find firm %d", q.FirmID), err)
	}
	rr.Firm = f
	if q.Comparisons {
		if err := rr.readComparisons(ctx, tx, q.FirmID); err != nil {
			return nil, err
		}
	}
	if rr.Actions, err = actionItemsOn(ctx, tx, "i.firm_id = ?", q.FirmID); err != nil {
		return nil, err
	}
	if !rr.Latest {
		return rr, nil
	}
	b, err := scanBooking(tx.QueryRowContext(ctx, "SELECT "+bookingCols+bookingFrom+
		"WHERE b.firm_id = ? AND b.status = 'done' ORDER BY b.start_at DESC LIMIT 1", q.FirmID))
	switch {
	case err == nil:
		rr.LastDone = b
	case !errors.Is(err, sql.ErrNoRows):
		return nil, mapErr("last consultation", err)
	}
	return rr, nil
}

// readQuerier is what the result's reads run on: a read transaction, or
// the read pool in a request's view.
type readQuerier interface {
	querier
	rowQuerier
}

// latestAndPrevious reads whether submitted response id is firmID's newest
// submission, and the submission after it in the order of Submissions
// (newest first), however long the firm's history: in one statement
// (latestAndPreviousSQL), where the newest and the previous were two.
func latestAndPrevious(ctx context.Context, tx readQuerier, firmID, id int64) (bool, *Submission, error) {
	rows, err := tx.QueryContext(ctx, latestAndPreviousSQL, firmID, firmID, id)
	if err != nil {
		return false, nil, mapErr("newest and previous submission", err)
	}
	defer rows.Close()
	var newest sql.NullInt64
	var prev *Submission
	for rows.Next() {
		var sub struct {
			id, level          sql.NullInt64
			instrument, pillar sql.NullString
			at                 sql.NullTime
			overall, score     sql.NullFloat64
			scored             sql.NullBool
		}
		if err := rows.Scan(&newest, &sub.id, &sub.instrument, &sub.at, &sub.overall, &sub.level, &sub.pillar, &sub.score, &sub.scored); err != nil {
			return false, nil, mapErr("newest and previous submission", err)
		}
		if !sub.id.Valid {
			continue
		}
		if prev == nil {
			prev = &Submission{ResponseID: sub.id.Int64, Instrument: sub.instrument.String, SubmittedAt: sub.at.Time,
				Overall: sub.overall.Float64, Level: int(sub.level.Int64), Pillars: map[string]float64{}}
		}
		if sub.pillar.Valid && sub.scored.Bool {
			prev.Pillars[sub.pillar.String] = sub.score.Float64
		}
	}
	if err := rows.Err(); err != nil {
		return false, nil, mapErr("newest and previous submission", err)
	}
	if !newest.Valid { // no submission at all
		return false, nil, nil
	}
	return newest.Int64 == id, prev, nil
}

// latestAndPreviousSQL is one row of the firm's newest submission's ID
// (NULL when it has none), joined to the submission before response ? and
// its pillar scores (NULLs when there is none): a row a pillar.
const latestAndPreviousSQL = `SELECT n.newest, r.id, r.instrument, r.submitted_at, r.overall, r.level, p.pillar, p.score, p.scored
	FROM (SELECT (SELECT id FROM responses WHERE firm_id = ? AND status = 'submitted'
		ORDER BY submitted_at DESC, id DESC LIMIT 1) AS newest) n
	LEFT JOIN responses r ON r.id = (SELECT id FROM responses
		WHERE firm_id = ? AND status = 'submitted' AND (submitted_at, id) < (SELECT submitted_at, id FROM responses WHERE id = ?)
		ORDER BY submitted_at DESC, id DESC LIMIT 1)
	LEFT JOIN pillar_scores p ON p.response_id = r.id`

// readComparisons reads the firm's associations (in ID order, as
// FirmAssociationIDs) and its inputs to the figures.
func (rr *ResultReads) readComparisons(ctx context.Context, tx readQuerier, firmID int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT m.association_id, a.id, a.code, a.name_vi, a.name_en, a.demo
		FROM firm_associations m LEFT JOIN associations a ON a.id = m.association_id WHERE m.firm_id = ? ORDER BY m.association_id`, firmID)
	if err != nil {
		return mapErr("firm associations", err)
	}
	defer rows.Close()
	for rows.Next() {
		var member int64
		var id sql.NullInt64
		var a firms.Association
		var code, vi, en sql.NullString
		var demo sql.NullBool
		if err := rows.Scan(&member, &id, &code, &vi, &en, &demo); err != nil {
			return mapErr("firm associations", err)
		}
		if !id.Valid { // a membership of an association deleted by hand
			return mapErr(fmt.Sprintf("find association %d", member), sql.ErrNoRows)
		}
		a.ID, a.Code, a.NameVI, a.NameEN, a.Demo = id.Int64, code.String, vi.String, en.String, demo.Bool
		rr.Associations = append(rr.Associations, &a)
	}
	if err := rows.Err(); err != nil {
		return mapErr("firm associations", err)
	}
	in, err := readFirmInputs(ctx, tx, firmID)
	rr.Inputs = FirmInputs{in: in, read: err == nil}
	return err
}
