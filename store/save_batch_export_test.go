package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"dxready/scoring"
	"dxready/survey"
)

// TraceSaves makes fn see each answer save's own outcome as its batch runs
// it, holding the writer, with the save's context; set it before saving.
func TraceSaves(s *Store, fn func(ctx context.Context, err error)) { s.saves.trace = fn }

// QueuedSaves is how many answer saves wait in the queue.
func QueuedSaves(s *Store) int {
	s.saves.mu.Lock()
	defer s.saves.mu.Unlock()
	return len(s.saves.queue)
}

// HoldWriter takes the writer connection until release is called, so that
// saves made meanwhile queue up and run as one batch.
func HoldWriter(s *Store) (release func(), err error) {
	c, err := s.w.DB.Conn(context.Background())
	if err != nil {
		return nil, err
	}
	return func() { c.Close() }, nil
}

// SaveAnswersSerial is SaveAnswers as it was before group commit: its own
// write transaction (inTx), with the same statements. It is the serial
// reference the batched saves are compared with.
func SaveAnswersSerial(ctx context.Context, s *Store, responseID, firmID int64, answers map[string]survey.Answer, userID int64) error {
	all, err := answersJSON(answers)
	if err != nil {
		return err
	}
	r := &saveReq{responseID: responseID, firmID: firmID, userID: userID, answers: all}
	return s.inTx(ctx, func(tx *sql.Tx) error { return saveAnswersIn(ctx, tx, r, s.now()) })
}

// SubmitTraced is SubmitResponse telling fn its outcome inside its
// transaction, holding the writer, so that a trace of saves (TraceSaves)
// puts it in the order the writer ran them.
func SubmitTraced(ctx context.Context, s *Store, responseID, firmID int64, version string, r scoring.Result, fn func(error)) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		err := s.submit(ctx, tx, responseID, firmID, 0, version, r, s.now())
		fn(err)
		return err
	})
}

// inTxOp runs op alone in its own write transaction, as StartDraft and
// SubmitResponse did before they joined the batches (the tests'
// serial reference).
func (s *Store) inTxOp(ctx context.Context, op notedOp) error {
	return s.inTxNoted(ctx, func(tx *sql.Tx) (*txNote, error) {
		bn := &batchNotes{}
		note, err := op(ctx, tx, bn)
		if err != nil {
			return nil, err
		}
		if note != nil {
			bn.notes = append(bn.notes, note)
		}
		return bn.note(), nil
	})
}

// StartDraftSerial is StartDraft as it was before it joined the batches:
// its own write transaction, with the same statements.
func StartDraftSerial(ctx context.Context, s *Store, firmID, owner int64, in *survey.Instrument, userID int64) (*survey.Response, error) {
	op, resp := s.startOp(firmID, owner, in, userID)
	if err := s.inTxOp(ctx, op); err != nil {
		return nil, mapErr("start draft", err)
	}
	return *resp, nil
}

// SubmitSerial is SubmitResponse as it was before it joined the batches.
func SubmitSerial(ctx context.Context, s *Store, responseID, firmID, userID int64, version string, r scoring.Result) error {
	return s.inTxOp(ctx, s.submitOp(responseID, firmID, userID, version, r))
}

// PanicDrainOf makes every batch's drain panic when its note says response
// id was submitted in it.
func PanicDrainOf(s *Store, id int64) {
	s.saves.drainHook = func(submitted []int64) {
		if slices.Contains(submitted, id) {
			panic(fmt.Sprintf("a drain told of response %d", id))
		}
	}
}
