package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"dxready/survey"
)

// A step post read its draft (a read transaction), decided what the form
// changes, then saved it (a write transaction): five statements in two
// transactions, and the draft it decided on could have been submitted in
// between. SaveStep reads the draft inside the batched write, in the
// statement that touches it (UPDATE ... RETURNING), and lets the caller
// decide there: four statements (the touch, the two INSERTs, the drains'
// look) in one transaction.

// Decide says, given the draft as it is read inside the write, which
// answers to store: none stores nothing; an error stores nothing and is
// SaveStep's outcome as it is. It runs while the batch holds the writer,
// maybe on another request's goroutine: it must be quick, must not block,
// and must not touch the database.
type Decide func(*survey.Response) (map[string]survey.Answer, error)

// stepSave is what a save made by SaveStep carries on top of a saveReq.
type stepSave struct {
	questions string      // the answers decide is given: a JSON list of questions
	asked     []string    // the same questions
	kept      keptAnswers // the draft's answers kept in memory as the save began (none: zero)
	onKept    bool        // it was decided on them
	decide    Decide
	resp      *survey.Response // the draft as decide saw it
	wrote     *wroteAnswers    // what it wrote, for the answers kept (nil: nothing)
}

// wroteAnswers is what a step save wrote: answers, over the draft's
// answers at version from, making version to.
type wroteAnswers struct {
	from, to answersVersion
	answers  map[string]survey.Answer
}

// errNothingToSave is a step whose decision stores nothing: its savepoint
// (the touch) is undone and SaveStep returns nil, as a save of no answers
// always did.
var errNothingToSave = errors.New("store: nothing to save")

// stepTouch touches draft ?2 (still a draft) at ?1 and returns it as
// readSome reads it, with its answers to the questions of the JSON list
// ?3 as they were before this save; they are packed only when the draft
// is not at record key ?4 and version ?5, the answers kept in memory
// (answers_cache.go), which then are its answers.
// (RETURNING names the table, never an alias, so responseSelect's r. is
// spelled out.)
var stepTouch = `UPDATE responses SET updated_at = ?1 WHERE id = ?2 AND status = 'draft' RETURNING ` +
	spellTable(strings.TrimPrefix(responseHead, "SELECT ")) +
	`CASE WHEN responses.record_key = ?4 AND responses.answers_rev = ?5 THEN NULL ELSE ` + spellTable(answersPacked) +
	` AND a.question IN (SELECT value FROM json_each(?3))) END, id`

// spellTable is sql with responseSelect's alias r. spelled out as the
// table's name.
func spellTable(sql string) string {
	return regexp.MustCompile(`\br\.`).ReplaceAllString(sql, "responses.")
}

// SaveStep reads response responseID, with only its answers to questions,
// inside the batched write transaction (save_batch.go) and stores the
// answers decide returns for it, as SaveAnswers does (recorded as
// userID's). decide is given any response found, a submitted one or
// another firm's too: it does the checks a read would have been followed
// by (who may answer it, what the form may change), and its error is
// returned as it is, with nothing written. Answers to store on a response
// that is no longer a draft fail with ErrSubmitted; no response at all is
// ErrNotFound, without decide. The response is returned as decide saw it
// (its answers those from before this save), or nil.
//
// A save whose ctx ends before its batch reaches it is not decided, not
// written, and returns ctx's error.
func (s *Store) SaveStep(ctx context.Context, responseID, userID int64, questions []string, decide Decide) (*survey.Response, error) {
	if questions == nil {
		questions = []string{}
	}
	js, err := json.Marshal(questions)
	if err != nil {
		return nil, fmt.Errorf("store: save step: %w", err)
	}
	leaveView(ctx)       // no reader held while waiting for the writer
	defer leaveView(ctx) // and the next read sees this write (readview.go)
	step := &stepSave{questions: string(js), asked: questions, decide: decide}
	err = s.saves.save(s, &saveReq{ctx: ctx, responseID: responseID, userID: userID, step: step})
	if errors.Is(err, errNothingToSave) {
		err = nil
	}
	if cerr := ctx.Err(); err != nil && cerr != nil && !errors.Is(err, cerr) {
		err = fmt.Errorf("%w: %w", cerr, err) // as inTx: a client that went away is told from a failure
	}
	return step.resp, err
}

// saveStepIn writes step save r in tx: the draft touched and read in one
// statement (or, when it is not an open draft, read as it is), decided,
// and the answers decided on stored.
func saveStepIn(ctx context.Context, tx *sql.Tx, r *saveReq, now time.Time) error {
	st := r.step
	st.wrote, st.onKept = nil, false // a save run again (save_batch.go) starts afresh
	open := true
	resp, from, err := st.touch(ctx, tx, r.responseID, now)
	if errors.Is(err, ErrNotFound) { // not a draft, or no such response: read what there is
		open = false
		resp, err = readSomeJSON(ctx, tx, r.responseID, st.questions)
	}
	if err != nil {
		return err
	}
	st.resp = resp
	answers, err := st.decideSafely(resp)
	switch {
	case err != nil:
		return err
	case len(answers) == 0:
		return errNothingToSave
	case !open:
		return ErrSubmitted
	}
	if r.answers, err = answersJSON(answers); err != nil {
		return fmt.Errorf("store: save step: %w", err)
	}
	changed, err := insertAnswers(ctx, tx, r, now)
	if err != nil {
		return err
	}
	// Each answer inserted or changed moves the draft's answers_rev by one
	// (migration 0032's triggers), and nothing else in this transaction
	// moves it: the statement's count of rows changed gives the version
	// written, without a statement to read it.
	to := answersVersion{key: from.key, rev: from.rev + changed}
	st.wrote = &wroteAnswers{from: from, to: to, answers: answers}
	return nil
}

// touch runs stepTouch for draft id at now and returns the draft with its
// answers to the questions asked: packed by SQLite, or, when the draft is
// at the version kept as the save began, taken from those kept.
func (st *stepSave) touch(ctx context.Context, tx *sql.Tx, id int64, now time.Time) (*survey.Response, answersVersion, error) {
	var key, rev any // NULL when nothing is kept: the answers are packed
	if st.kept.answers != nil {
		key, rev = st.kept.v.key, st.kept.v.rev
	}
	resp, v, packed, err := scanResponseRow(tx.QueryRowContext(ctx, stepTouch, now, id, st.questions, key, rev), "save step of response", id)
	switch {
	case err != nil:
		return nil, v, err
	case !packed.Valid:
		st.onKept = true
		resp.Answers = make(map[string]survey.Answer, len(st.asked))
		for _, q := range st.asked {
			if a, ok := st.kept.answers[q]; ok {
				resp.Answers[q] = a
			}
		}
		return resp, v, nil
	}
	if resp.Answers, err = unpackAnswers(packed.String); err != nil {
		return nil, v, fmt.Errorf("store: answers of response %d: %w", resp.ID, err)
	}
	return resp, v, nil
}

// decideSafely runs the save's Decide, its panic turned into this save's
// error: Decide runs on the batch leader's goroutine, perhaps another
// request's, and a panic there would fail every save of the batch and
// surface in that other request.
func (st *stepSave) decideSafely(resp *survey.Response) (answers map[string]survey.Answer, err error) {
	defer func() {
		if v := recover(); v != nil {
			answers, err = nil, fmt.Errorf("store: save step: deciding the answers panicked: %v\n%s", v, debug.Stack())
		}
	}()
	return st.decide(resp)
}

// readSomeJSON is readResponse of the answers to the questions of the
// JSON list questions.
func readSomeJSON(ctx context.Context, q rowQuerier, id int64, questions string) (*survey.Response, error) {
	return scanResponse(q.QueryRowContext(ctx, readSome, questions, id), "find response", id)
}
