package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime/debug"
)

// Starts and submits in the batched writer. StartDraft and SubmitResponse
// ran their own write transaction each (inTxNoted): their commits were
// 6.3 % of the server's CPU in the load tool's firm cycle, and each
// submission drained the cells alone. They now queue with the step saves
// (save_batch.go), each in its own savepoint with its own outcome, so that
// the starts, steps and submits queued together share one commit and one
// drain, told what they changed by the notes of those that were written
// (batchNotes.note).

// notedOp is the work of a start or a submit in the batch's transaction
// tx: the txNote of what it changed (nil: it changed neither change log,
// when the logs were clean), or its error. It reads whether the logs were
// clean through bn before it writes anything.
type notedOp func(ctx context.Context, tx *sql.Tx, bn *batchNotes) (*txNote, error)

// batchNotes is what the starts and submits of one batch tell its drain.
type batchNotes struct {
	// clean is whether the change logs were empty before the batch's first
	// start or submit wrote (nil until one looked). Step saves change
	// neither log (they write drafts only, which no trigger names), so it
	// is whether they were empty as the batch began: only then may the
	// notes speak for everything the drain will find (logsWereEmpty).
	clean *bool
	notes []*txNote // those of the written starts and submits, in order
}

// cleanAs records, when no one has looked yet, that the logs were clean
// (as its caller just read them, before any write of the batch's starts
// and submits), and returns what was recorded.
func (bn *batchNotes) cleanAs(clean bool) bool {
	if bn.clean == nil {
		bn.clean = &clean
	}
	return *bn.clean
}

// logsClean is whether the logs were clean, read in tx if no one has yet.
func (bn *batchNotes) logsClean(ctx context.Context, tx *sql.Tx) (bool, error) {
	if bn.clean != nil {
		return *bn.clean, nil
	}
	clean, err := logsWereEmpty(ctx, tx)
	if err != nil {
		return false, err
	}
	return bn.cleanAs(clean), nil
}

// note is the one note for the batch's drain: nil when the logs were not
// clean, or nothing written left a note; the one note; or the notes
// merged (mergeNotes).
func (bn *batchNotes) note() *txNote {
	switch {
	case bn.clean == nil || !*bn.clean || len(bn.notes) == 0:
		return nil
	case len(bn.notes) == 1:
		return bn.notes[0]
	}
	return mergeNotes(bn.notes)
}

// mergeNotes is what several starts and submits changed together: every
// response submitted; for each firm that submitted, its responses
// (appendSubmitted); what was written of each; and every funnel change
// (skipFunnel takes only the firms changed once). Each submit's note says
// it was its transaction's one change to its firm's inputs, and starts and
// step saves change none, so together they were each firm's one change.
func mergeNotes(notes []*txNote) *txNote {
	m := &txNote{}
	for _, n := range notes {
		m.submitted = append(m.submitted, n.submitted...)
		m.funnel = append(m.funnel, n.funnel...)
		for firm, responses := range n.submittedBy {
			if m.submittedBy == nil {
				m.submittedBy = map[int64][]int64{}
			}
			m.submittedBy[firm] = append(m.submittedBy[firm], responses...)
		}
		for id, w := range n.written {
			if m.written == nil {
				m.written = map[int64]*writtenResult{}
			}
			m.written[id] = w
		}
	}
	return m
}

// runNoted runs op in tx with its panic turned into its own error: a
// start or submit runs on the batch leader's goroutine, perhaps another
// request's, and a panic there would fail every save of the batch and
// surface in that other request (as decideSafely).
func runNoted(op notedOp, tx *sql.Tx, bn *batchNotes) (note *txNote, err error) {
	defer func() {
		if v := recover(); v != nil {
			note, err = nil, fmt.Errorf("store: a start or submit panicked: %v\n%s", v, debug.Stack())
		}
	}()
	return op(batchCtx, tx, bn)
}

// writeNoted queues op with the step saves and returns its outcome as
// inTxNoted would: its own error, the batch's, or ctx's when ctx ended
// before the batch reached it (nothing of it is then written).
func (s *Store) writeNoted(ctx context.Context, op notedOp) error {
	leaveView(ctx)       // no reader held while waiting for the writer
	defer leaveView(ctx) // and the next read sees this write (readview.go)
	err := s.saves.save(s, &saveReq{ctx: ctx, noted: op})
	if cerr := ctx.Err(); err != nil && cerr != nil && !errors.Is(err, cerr) {
		err = fmt.Errorf("%w: %w", cerr, err) // as inTx: a client that went away is told from a failure
	}
	return err
}
