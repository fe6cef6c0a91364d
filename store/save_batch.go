package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// Group commit for SaveAnswers. Every step posted and every autosave is a
// write transaction on the one writer connection, and with many clients
// many wait for it at once. A commit costs much the same however little it
// wrote (WAL frames, the WAL index, locks, the drains' look, the page
// cache's work), and concurrent saves to new drafts change the same
// right-most pages of answers, answer_events and responses: one commit for
// several saves writes far fewer frames than one each.
//
// So a save joins a queue, and whoever holds the batcher's lead takes the
// writer and runs the saves queued by then (at most maxBatch) in one
// transaction, each inside its own savepoint so that a save that fails
// undoes only its own changes and gets its own error, then commits once.
// There is no timer and no goroutine of its own: a lone save leads at once
// (a batch of one, as before), and when a batch is done the lead passes to
// the oldest save still queued, so no caller serves others for ever and
// nothing is left running when the store closes.

// maxBatch is the most saves one transaction runs: it bounds how long a
// batch holds the writer and how much a failed COMMIT takes with it.
const maxBatch = 32

// maxQueued is the most saves queued at once; a caller beyond it waits
// (cancellably) for room, so the queue's memory is bounded whatever the
// number of requests.
const maxQueued = 1024

// errNotRun is the outcome of a save of a batch not yet run.
var errNotRun = errors.New("store: save not run")

// saveBatcher queues SaveAnswers calls and runs them in batches.
type saveBatcher struct {
	mu      sync.Mutex
	queue   []*saveReq    // oldest first; under mu
	leading bool          // a caller holds the lead (the queue is not empty, or a batch runs); under mu
	room    chan struct{} // one token a queued save (maxQueued)

	batches, saves atomic.Int64 // batches run and the saves they held (SaveBatches)

	// trace, when a test sets it, sees each save's own outcome as its batch
	// runs it, in the order the batch runs them, while the batch holds the
	// writer: the order a serial replay must follow.
	trace func(ctx context.Context, err error)
	// drainHook, when a test sets it, runs before each batch's drain with
	// the responses its note says were submitted (none without a note).
	drainHook func(submitted []int64)
}

func newSaveBatcher() *saveBatcher {
	return &saveBatcher{room: make(chan struct{}, maxQueued)}
}

// saveReq is one SaveAnswers call, queued or in a batch.
type saveReq struct {
	ctx                        context.Context
	responseID, firmID, userID int64
	answers                    string    // question → options, JSON
	step                       *stepSave // SaveStep's: the draft read and decided on in the batch
	noted                      notedOp   // a start's or a submit's work (save_noted.go), instead of a save

	// Under saveBatcher.mu: what happened to it so far.
	state reqState
	lead  bool          // it was handed the lead and must run a batch
	err   error         // its outcome, once state is reqDone
	wake  chan struct{} // capacity 1: the lead was handed to it, or it is done
}

type reqState int

const (
	reqQueued reqState = iota // in the queue: may still be cancelled
	reqTaken                  // in the running batch: waits for its outcome
	reqDone                   // err is its outcome
)

// SaveBatches returns how many batches of answer saves the store has run
// and how many saves they held: saves/batches is the mean batch size.
func (s *Store) SaveBatches() (batches, saves int64) {
	return s.saves.batches.Load(), s.saves.saves.Load()
}

// save queues r and returns its outcome: its own error, the batch's
// (its BEGIN's or COMMIT's), or r.ctx's when it ended before r's batch
// reached it (nothing of r is then written).
func (b *saveBatcher) save(s *Store, r *saveReq) error {
	select {
	case b.room <- struct{}{}:
	case <-r.ctx.Done():
		return r.ctx.Err()
	}
	r.wake = make(chan struct{}, 1)
	b.mu.Lock()
	b.queue = append(b.queue, r)
	if !b.leading {
		b.leading, r.lead = true, true
	}
	b.mu.Unlock()
	return b.wait(s, r)
}

// wait waits for r's outcome, running a batch whenever the lead is handed
// to r, and takes r out of the queue if its context ends first.
func (b *saveBatcher) wait(s *Store, r *saveReq) error {
	done := r.ctx.Done()
	for {
		b.mu.Lock()
		state, lead := r.state, r.lead
		b.mu.Unlock()
		switch {
		case state == reqDone:
			return r.err
		case lead:
			b.lead(s, r)
			continue
		}
		select {
		case <-r.wake:
		case <-done:
			done = nil // once taken, r waits for its batch's outcome
			b.cancel(r)
		}
	}
}

// cancel takes r, whose context ended, out of the queue if it is still
// there (handing the lead on if it held it); a save already taken into a
// batch keeps the batch's outcome.
func (b *saveBatcher) cancel(r *saveReq) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if r.state != reqQueued {
		return
	}
	b.dropLocked(r)
	if r.lead {
		r.lead = false
		b.handOnLocked()
	}
}

// dropLocked takes queued r out of the queue, unwritten, with its
// context's error.
func (b *saveBatcher) dropLocked(r *saveReq) {
	for i, q := range b.queue {
		if q == r {
			b.queue = append(b.queue[:i], b.queue[i+1:]...)
			break
		}
	}
	<-b.room
	b.finishLocked(r, r.ctx.Err())
}

// lead runs one batch for the caller of r, which holds the lead, then
// hands the lead on. It waits for the writer with r's context, so that a
// leader whose client went away leaves at once, its save not taken; the
// batch itself runs without any caller's context (batchCtx).
func (b *saveBatcher) lead(s *Store, r *saveReq) {
	conn, err := s.w.DB.Conn(r.ctx)
	b.mu.Lock()
	r.lead = false
	if err != nil && r.ctx.Err() != nil {
		b.dropLocked(r)
		b.handOnLocked()
		b.mu.Unlock()
		return
	}
	batch := b.takeLocked()
	b.mu.Unlock()
	defer b.finishBatch(batch) // on a panic too: the queue never waits on a dead lead
	if err != nil {
		failSaves(batch, err) // no writer (the store closed): every save says why
		return
	}
	defer func() {
		if err := conn.Close(); err != nil { // after the COMMIT: the outcomes stand
			s.opts.Logger.Error("store: give the writer back after a batch of saves", "err", err)
		}
	}()
	s.runSaves(conn, batch)
}

// finishBatch gives each save of batch its outcome and hands the lead on.
// When the batch panicked (its transaction rolled back, nothing of it
// written), every save of it fails with that panic, and the panic goes on
// to the leader's caller (a request's recoverer).
func (b *saveBatcher) finishBatch(batch []*saveReq) {
	p := recover()
	if p != nil {
		for _, q := range batch {
			q.err = fmt.Errorf("store: a batch of answer saves panicked: %v", p)
		}
	}
	b.batches.Add(1)
	b.saves.Add(int64(len(batch)))
	b.mu.Lock()
	for _, q := range batch {
		b.finishLocked(q, q.err)
	}
	b.handOnLocked()
	b.mu.Unlock()
	if p != nil {
		panic(p)
	}
}

// takeLocked takes the oldest queued saves, at most maxBatch, for a batch.
func (b *saveBatcher) takeLocked() []*saveReq {
	n := min(len(b.queue), maxBatch)
	batch := make([]*saveReq, n)
	copy(batch, b.queue)
	b.queue = append(b.queue[:0], b.queue[n:]...)
	for _, q := range batch {
		q.state, q.err = reqTaken, errNotRun
		<-b.room
	}
	return batch
}

// handOnLocked hands the lead to the oldest queued save, or drops it when
// none waits.
func (b *saveBatcher) handOnLocked() {
	if len(b.queue) == 0 {
		b.leading = false
		return
	}
	next := b.queue[0]
	next.lead = true
	wakeUp(next)
}

// finishLocked gives r its outcome and wakes its caller.
func (b *saveBatcher) finishLocked(r *saveReq, err error) {
	r.state, r.err = reqDone, err
	wakeUp(r)
}

func wakeUp(r *saveReq) {
	select {
	case r.wake <- struct{}{}:
	default: // already woken: it looks at its state when it runs
	}
}

// batchCtx is the context of a batch's statements: no caller's, since a
// context that ends interrupts SQLite's statement, and an interrupted
// write rolls back the whole transaction, everyone's saves with it. Each
// caller's context is looked at before its own save starts.
var batchCtx = context.Background()

// runSaves runs batch in one write transaction on conn, the writer, and
// sets each save's outcome: its own error, or the batch's when the batch
// fails as a whole (its BEGIN, a savepoint that cannot be undone, the
// drains or the COMMIT), in which case nothing of it is written.
//
// A drain that fails (or panics) may be one call's doing: a submit of a
// firm whose kept inputs cannot be read fails the drain of any batch it is
// in. So when it fails in a batch of several, the batch is rolled back and
// each save runs again alone, in a transaction and with a drain of its own:
// only the culprit fails, as when every start and submit had its own
// transaction, at a cost on that error path only. A save runs again from
// the start (a step decides again on the draft as it then is; each
// caller's context is looked at again).
func (s *Store) runSaves(conn *sql.Conn, batch []*saveReq) {
	if err := s.runBatch(conn, batch, len(batch) > 1); err != nil {
		s.opts.Logger.Warn("store: the drain of a batch of saves failed: each runs again alone", "saves", len(batch), "err", err)
		for _, q := range batch {
			s.runBatch(conn, []*saveReq{q}, false)
		}
	}
}

// runBatch is runSaves' one transaction. When again is true and the drain
// fails, it rolls back, leaves every outcome unset (errNotRun) and returns
// the drain's error, for the saves to run again alone; otherwise it
// returns nil, each save's outcome set.
func (s *Store) runBatch(conn *sql.Conn, batch []*saveReq, again bool) error {
	tx, err := conn.BeginTx(batchCtx, nil)
	if err != nil {
		failSaves(batch, err)
		return nil
	}
	defer s.w.afterCommit() // after the commit (or rollback) below
	defer tx.Rollback()
	bn := &batchNotes{}
	written, err := s.applySaves(tx, batch, bn)
	if err == nil && !written {
		return nil // every save failed on its own: nothing to commit, as before
	}
	var ch *cellChange
	if err == nil && s.cells.suspend.Load() == 0 {
		if ch, err = s.drainSafely(tx, bn.note()); err != nil && again {
			for _, q := range batch {
				q.err = errNotRun
			}
			return err
		}
	}
	if err == nil {
		err = s.commit(tx, ch)
	}
	if err != nil {
		failSaves(batch, err)
		return nil
	}
	for _, q := range batch { // in the batch's order: a draft saved twice moves on twice
		if q.err == nil && q.step != nil && q.step.onKept {
			s.answers.decided.Add(1)
		}
		if q.err == nil && q.step != nil && q.step.wrote != nil {
			w := q.step.wrote
			s.answers.advance(q.responseID, w.from, w.to, w.answers)
		}
	}
	return nil
}

// drainSafely is drainAll with a panic turned into its error: the drain
// runs on the batch leader's goroutine, perhaps another request's, for
// saves that may be of other firms (see runSaves).
func (s *Store) drainSafely(tx *sql.Tx, note *txNote) (ch *cellChange, err error) {
	defer func() {
		if v := recover(); v != nil {
			ch, err = nil, fmt.Errorf("store: the drain of a batch of saves panicked: %v\n%s", v, debug.Stack())
		}
	}()
	if s.saves.drainHook != nil {
		var submitted []int64
		if note != nil {
			submitted = note.submitted
		}
		s.saves.drainHook(submitted)
	}
	return s.drainAll(batchCtx, tx, note)
}

// failSaves gives err to every save of a batch that failed as a whole:
// nothing of any was written. A save that had failed on its own gets it
// too, since its own error may have come from a save of the batch now
// undone (a second submit of a draft told ErrSubmitted by the first): a
// try again then meets the true state. Only a save not run because its
// caller went away keeps that account.
func failSaves(batch []*saveReq, err error) {
	for _, q := range batch {
		if cerr := q.ctx.Err(); cerr == nil || !errors.Is(q.err, cerr) {
			q.err = err
		}
	}
}

// applySaves runs each save of batch in tx, inside its own savepoint when
// there are several, and sets its own outcome (nil: written, unless the
// batch fails); bn gathers the notes of the starts and submits written.
// It reports whether any was written, or the error that fails the whole
// batch: a savepoint that cannot be undone (SQLite rolls the whole
// transaction back on some errors, I/O or a full disk).
func (s *Store) applySaves(tx *sql.Tx, batch []*saveReq, bn *batchNotes) (written bool, err error) {
	alone := len(batch) == 1 // its failure rolls the transaction back: no savepoint needed
	for _, r := range batch {
		if r.err = r.ctx.Err(); r.err == nil { // a caller gone before its turn is not written
			if alone {
				r.err = s.applyOne(tx, r, bn)
			} else if r.err, err = s.saveInSavepoint(tx, r, bn); err != nil {
				return false, err
			}
		}
		if s.saves.trace != nil {
			s.saves.trace(r.ctx, r.err)
		}
		written = written || r.err == nil
	}
	return written, nil
}

// saveInSavepoint runs save r in its own savepoint of tx and undoes it if
// it fails: own is r's outcome, fatal an error that fails the batch.
func (s *Store) saveInSavepoint(tx *sql.Tx, r *saveReq, bn *batchNotes) (own, fatal error) {
	if _, err := tx.ExecContext(batchCtx, "SAVEPOINT save"); err != nil {
		return err, err
	}
	if own = s.applyOne(tx, r, bn); own != nil {
		if _, err := tx.ExecContext(batchCtx, "ROLLBACK TO save"); err != nil {
			// every save of the batch is told this: own is named, not
			// wrapped, so that none of them matches its sentinel
			// (ErrSubmitted, ErrConflict) by errors.Is
			return own, fmt.Errorf("store: undo a save of the batch (%v): %w", own, err)
		}
	}
	if _, err := tx.ExecContext(batchCtx, "RELEASE save"); err != nil {
		return own, err
	}
	return own, nil
}

// applyOne runs save r in tx: a start's or submit's work, its note kept in
// bn when it succeeds (a failed one's savepoint is undone, and its note
// with it), or an answer save.
func (s *Store) applyOne(tx *sql.Tx, r *saveReq, bn *batchNotes) error {
	if r.noted == nil {
		if r.step != nil {
			r.step.kept = s.answers.keptFor(r.responseID)
		}
		return saveAnswersIn(batchCtx, tx, r, s.now())
	}
	note, err := runNoted(r.noted, tx, bn)
	if err == nil && note != nil {
		bn.notes = append(bn.notes, note)
	}
	return err
}
