package store

import (
	"context"
	"database/sql"
	"time"

	"dxready/survey"
)

// Starting an assessment read the firm (its profile) and its open draft
// in a read transaction, then took the writer to create the draft, which
// looked for an open draft again: three statements before the insert, in
// two transactions. StartDraft reads the profile and the open draft in the
// write, in the statement that looks: two starts at once queue for the
// writer, and the second finds the first one's draft.

// startLook reads, for firm ?3: its profile, owner ?1's open draft, whether
// the change logs hold anything and whether instrument ?2 is recorded.
const startLook = `SELECT f.section, f.size_class,
	(SELECT id FROM responses WHERE firm_id = f.id AND COALESCE(owner_id, 0) = ?1 AND status = 'draft'),
	EXISTS (SELECT 1 FROM agg_dirty) OR EXISTS (SELECT 1 FROM funnel_dirty), EXISTS (SELECT 1 FROM instruments WHERE key = ?2)
	FROM firms f WHERE f.id = ?3`

// StartDraft returns owner's open draft of firm firmID (owner 0: the
// firm's shared one) with its answers, or starts one on instrument in with
// the firm's profile, all in one write transaction: ErrNotFound when there
// is no such firm. A draft begun on another instrument continues on it.
//
// It runs in the batched writer (save_batch.go, save_noted.go), in its
// own savepoint: a start whose ctx ends before its batch reaches it is not
// run and returns ctx's error.
func (s *Store) StartDraft(ctx context.Context, firmID, owner int64, in *survey.Instrument, userID int64) (*survey.Response, error) {
	op, resp := s.startOp(firmID, owner, in, userID)
	if err := s.writeNoted(ctx, op); err != nil {
		return nil, mapErr("start draft", err)
	}
	return *resp, nil
}

// startOp is StartDraft's work for the batch, and where it puts the draft.
func (s *Store) startOp(firmID, owner int64, in *survey.Instrument, userID int64) (notedOp, **survey.Response) {
	var resp *survey.Response
	return func(ctx context.Context, tx *sql.Tx, bn *batchNotes) (note *txNote, err error) {
		resp, note, err = s.startDraftIn(ctx, tx, firmID, owner, in, userID, bn)
		return note, err
	}, &resp
}

// startDraftIn is StartDraft's work in tx. Its look reads whether the
// change logs hold anything, which tells bn whether they were clean when
// no start or submit of the batch has looked before it.
func (s *Store) startDraftIn(ctx context.Context, tx *sql.Tx, firmID, owner int64, in *survey.Instrument, userID int64, bn *batchNotes) (*survey.Response, *txNote, error) {
	var section, size sql.NullString
	var open sql.NullInt64
	var waiting, known bool
	if err := tx.QueryRowContext(ctx, startLook, owner, in.Key(), firmID).Scan(&section, &size, &open, &waiting, &known); err != nil {
		return nil, nil, mapErr("start draft of firm", err)
	}
	waiting = !bn.cleanAs(!waiting)
	if open.Valid { // another tab's: read whole in the same transaction
		r, err := readResponse(ctx, tx, open.Int64, nil)
		return r, nil, err
	}
	p := survey.Profile{Section: section.String, Size: size.String}
	id, created, note, err := s.insertDraft(ctx, tx, firmID, owner, in, p, userID, waiting, known)
	if err != nil {
		return nil, nil, err
	}
	return newDraft(id, firmID, owner, in, p, created), note, nil
}

// newDraft is the draft an insert just made, as a read would give it
// (TestACreatedDraftIsWhatAReadGives).
func newDraft(id, firmID, owner int64, in *survey.Instrument, p survey.Profile, created time.Time) *survey.Response {
	return &survey.Response{ID: id, FirmID: firmID, Instrument: in.Key(), Status: survey.Draft, Profile: p,
		Answers: map[string]survey.Answer{}, CreatedAt: created, UpdatedAt: created, OwnerID: owner}
}
