package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"dxready/scoring"
	"dxready/survey"
)

// ErrSubmitted means a response is submitted and can no longer change.
var ErrSubmitted = errors.New("store: response already submitted")

// CheckInstruments verifies that every instrument version that responses
// use is among loaded (key -> file hash) with the same hash. The portal
// refuses to start otherwise: a used version must never change or vanish.
func (s *Store) CheckInstruments(ctx context.Context, loaded map[string]string) error {
	rows, err := s.r.QueryContext(ctx, "SELECT key, hash FROM instruments")
	if err != nil {
		return mapErr("check instruments", err)
	}
	defer rows.Close()
	var errs []error
	for rows.Next() {
		var key, hash string
		if err := rows.Scan(&key, &hash); err != nil {
			return err
		}
		switch got, ok := loaded[key]; {
		case !ok:
			errs = append(errs, fmt.Errorf("instrument %s is used by responses but no longer shipped", key))
		case got != hash:
			errs = append(errs, fmt.Errorf("instrument %s changed after responses used it (hash %.12s, was %.12s): restore the file and put changes in a new version", key, got, hash))
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return errors.Join(errs...)
}

// Draft returns the firm's open draft, or starts one on instrument in with
// the firm's current profile. Several users of a firm share the one draft.
func (s *Store) Draft(ctx context.Context, firmID int64, in *survey.Instrument, p survey.Profile, userID int64) (*survey.Response, error) {
	return s.DraftOf(ctx, firmID, 0, in, p, userID)
}

// DraftOf is Draft for owner's draft: 0 the firm's shared one, a user ID a
// claimant's private one (auth.DraftOwner).
//
// An open draft is found by a read; only a draft to create takes the
// writer, which looks again first: two tabs starting at once both miss
// the read, and the second to write finds the first one's draft.
func (s *Store) DraftOf(ctx context.Context, firmID, owner int64, in *survey.Instrument, p survey.Profile, userID int64) (*survey.Response, error) {
	if r, err := s.openDraft(ctx, firmID, owner); !errors.Is(err, ErrNotFound) {
		return r, err
	}
	var id int64
	var created time.Time
	err := s.inTxNoted(ctx, func(tx *sql.Tx) (note *txNote, err error) {
		id, created, note, err = s.createDraft(ctx, tx, firmID, owner, in, p, userID)
		return note, err
	})
	if err != nil {
		return nil, mapErr("draft", err)
	}
	if created.IsZero() { // another tab's, found by the look in the write: read with its answers
		return s.FindResponse(ctx, id)
	}
	// The draft this transaction created is what it wrote, without answers:
	// a read of it would give the same (TestACreatedDraftIsWhatAReadGives).
	return newDraft(id, firmID, owner, in, p, created), nil
}

// createDraft creates owner's draft of firmID in tx unless it finds one,
// and returns its ID, the time it created it (zero when it found one) and,
// when it created it and nothing else was waiting in the change logs, the
// note that this was the transaction's one change.
func (s *Store) createDraft(ctx context.Context, tx *sql.Tx, firmID, owner int64, in *survey.Instrument, p survey.Profile, userID int64) (int64, time.Time, *txNote, error) {
	var open sql.NullInt64
	var waiting, known bool
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT id FROM responses WHERE firm_id = ? AND COALESCE(owner_id, 0) = ? AND status = 'draft'),
		EXISTS (SELECT 1 FROM agg_dirty) OR EXISTS (SELECT 1 FROM funnel_dirty), EXISTS (SELECT 1 FROM instruments WHERE key = ?)`,
		firmID, owner, in.Key()).Scan(&open, &waiting, &known); err != nil || open.Valid {
		return open.Int64, time.Time{}, nil, err
	}
	return s.insertDraft(ctx, tx, firmID, owner, in, p, userID, waiting, known)
}

// insertDraft inserts owner's draft of firmID on in with profile p (and
// in, unless known), and returns it as createDraft does; waiting is
// whether the change logs held anything before.
func (s *Store) insertDraft(ctx context.Context, tx *sql.Tx, firmID, owner int64, in *survey.Instrument, p survey.Profile, userID int64,
	waiting, known bool) (int64, time.Time, *txNote, error) {
	now := s.now()
	if !known { // the instrument's first draft: a statement less for every other one
		if _, err := tx.ExecContext(ctx, "INSERT INTO instruments (key, hash, first_used_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
			in.Key(), in.Hash, now); err != nil {
			return 0, time.Time{}, nil, err
		}
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO responses (firm_id, instrument, status, section, size_class, created_by, created_at, updated_at, owner_id)
		VALUES (?, ?, 'draft', ?, ?, ?, ?, ?, ?)`, firmID, in.Key(), p.Section, p.Size, nullID(userID), now, now, nullID(owner))
	if err != nil {
		return 0, time.Time{}, nil, err
	}
	id, err := res.LastInsertId()
	if err != nil || waiting {
		return id, now, nil, err
	}
	return id, now, &txNote{funnel: []*funnelChange{{firm: firmID, response: id, at: now}}}, nil
}

// openDraft reads owner's open draft of firmID with its answers in one
// statement, or ErrNotFound.
func (s *Store) openDraft(ctx context.Context, firmID, owner int64) (*survey.Response, error) {
	return readOpenDraft(ctx, s.r, firmID, owner)
}

// FindResponse returns response id with all its answers, or ErrNotFound.
// Its Answers may be the map kept in memory for the next reader
// (answers_cache.go): a caller changes a copy, never the map itself.
func (s *Store) FindResponse(ctx context.Context, id int64) (*survey.Response, error) {
	return s.findResponse(ctx, id, nil)
}

// FindResponseWith returns response id with only the answers to questions:
// enough to check one autosaved answer, whose applicability depends on at
// most a few earlier ones, without reading all of them.
func (s *Store) FindResponseWith(ctx context.Context, id int64, questions []string) (*survey.Response, error) {
	if questions == nil {
		questions = []string{}
	}
	return s.findResponse(ctx, id, questions)
}

// findResponse reads the response and its answers in one statement: all,
// those kept in memory when they are still the response's
// (answers_cache.go), when questions is nil; otherwise those to
// questions (see readResponse).
func (s *Store) findResponse(ctx context.Context, id int64, questions []string) (*survey.Response, error) {
	if questions == nil {
		return s.answers.read(ctx, s.r, id)
	}
	return readResponse(ctx, s.r, id, questions)
}

// SaveAnswers stores answers to draft responseID of firm firmID, recording
// who changed what (an answer sent again unchanged records nothing). ErrNotFound if the response is not that firm's;
// ErrSubmitted if it is no longer a draft. Answers must already be valid.
//
// The answers go in as one JSON object (question → options) that two
// statements read, the changes recorded first: a step of seven questions
// was fourteen statements, a tenth of the server's CPU in the load
// tool's firm cycle.
//
// Saves made at once share one write transaction (save_batch.go): a save
// whose ctx ends before its batch reaches it is not written and returns
// ctx's error; one its batch ran returns the batch's outcome.
func (s *Store) SaveAnswers(ctx context.Context, responseID, firmID int64, answers map[string]survey.Answer, userID int64) error {
	all, err := answersJSON(answers)
	if err != nil {
		return fmt.Errorf("store: save answers: %w", err)
	}
	leaveView(ctx)       // no reader held while waiting for the writer
	defer leaveView(ctx) // and the next read sees this write (readview.go)
	err = s.saves.save(s, &saveReq{ctx: ctx, responseID: responseID, firmID: firmID, userID: userID, answers: all})
	if cerr := ctx.Err(); err != nil && cerr != nil && !errors.Is(err, cerr) {
		err = fmt.Errorf("%w: %w", cerr, err) // as inTx: a client that went away is told from a failure
	}
	return err
}

// answersJSON is answers as one JSON object, question → options.
func answersJSON(answers map[string]survey.Answer) (string, error) {
	byQuestion := make(map[string]string, len(answers))
	for q, a := range answers {
		opts := a.Options
		if opts == nil {
			opts = []string{}
		}
		js, _ := json.Marshal(opts)
		byQuestion[q] = string(js)
	}
	all, err := json.Marshal(byQuestion)
	return string(all), err
}

// saveAnswersIn writes save r in tx: the draft touched (and so checked),
// the changes recorded, the answers stored; a step save (SaveStep) reads
// and decides as well.
func saveAnswersIn(ctx context.Context, tx *sql.Tx, r *saveReq, now time.Time) error {
	if r.step != nil {
		return saveStepIn(ctx, tx, r, now)
	}
	if err := touchDraft(ctx, tx, r.responseID, r.firmID, now); err != nil {
		return err
	}
	_, err := insertAnswers(ctx, tx, r, now)
	return err
}

// insertAnswers records the changes r makes and stores its answers, in
// two statements that read them as one JSON object, and returns how many
// answers it inserted or changed.
func insertAnswers(ctx context.Context, tx *sql.Tx, r *saveReq, now time.Time) (changed int64, err error) {
	if _, err := tx.ExecContext(ctx, `INSERT INTO answer_events (response_id, question, options, user_id, at)
		SELECT ?, j.key, j.value, ?, ? FROM json_each(?) j WHERE NOT EXISTS
			(SELECT 1 FROM answers a WHERE a.response_id = ? AND a.question = j.key AND a.options = j.value)`,
		r.responseID, nullID(r.userID), now, r.answers, r.responseID); err != nil {
		return 0, mapErr("answer events", err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO answers (response_id, question, options, updated_by, updated_at)
		SELECT ?, j.key, j.value, ?, ? FROM json_each(?) j WHERE true
		ON CONFLICT (response_id, question) DO UPDATE SET options = excluded.options, updated_by = excluded.updated_by,
		updated_at = excluded.updated_at WHERE answers.options <> excluded.options`, r.responseID, nullID(r.userID), now, r.answers)
	if err != nil {
		return 0, mapErr("save answers", err)
	}
	if changed, err = res.RowsAffected(); err != nil {
		return 0, mapErr("save answers", err)
	}
	return changed, nil
}

// touchDraft marks draft responseID of firmID as changed at now, inside the
// write transaction, and so checks that it is one (one statement where a
// check and a write were two): ErrNotFound or ErrSubmitted otherwise.
func touchDraft(ctx context.Context, tx *sql.Tx, responseID, firmID int64, now time.Time) error {
	res, err := tx.ExecContext(ctx, "UPDATE responses SET updated_at = ? WHERE id = ? AND firm_id = ? AND status = 'draft'", now, responseID, firmID)
	if err != nil {
		return mapErr(fmt.Sprintf("response %d", responseID), err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	if err := lockDraft(ctx, tx, responseID, firmID); err != nil {
		return err
	}
	return fmt.Errorf("store: response %d: draft not changed: %w", responseID, ErrConflict)
}

// lockDraft checks, inside the write transaction, that responseID is a
// draft of firmID.
func lockDraft(ctx context.Context, tx *sql.Tx, responseID, firmID int64) error {
	var status string
	err := tx.QueryRowContext(ctx, "SELECT status FROM responses WHERE id = ? AND firm_id = ?", responseID, firmID).Scan(&status)
	if err != nil {
		return mapErr(fmt.Sprintf("response %d", responseID), err)
	}
	if status != survey.Draft {
		return ErrSubmitted
	}
	return nil
}

// SubmitResponse makes draft responseID of firmID final with its scores,
// and makes it the firm's current result — all in one transaction. version
// is the draft's Version that r was computed from and the user reviewed:
// when the stored draft is at another version (a colleague changed an
// answer since, or the firm's profile changed), nothing is written and the
// error is ErrConflict, so a stored score always matches the stored
// answers. ErrSubmitted if it is no longer a draft; ErrNotFound if it is
// not firmID's.
//
// Of the firm's submitted responses the transaction changes this one only,
// and says so to the drains (txNote): the cells' reads the scores and
// answers of this one and not of every earlier submission again, and the
// funnel's derives the firm again only when this submission moves one of
// its marks.
//
// It runs in the batched writer (save_batch.go, save_noted.go), in its own
// savepoint: a submit whose ctx ends before its batch reaches it is not
// run and returns ctx's error; of two submits of one draft, the second
// finds it submitted (ErrSubmitted) as it would in a transaction of its own.
func (s *Store) SubmitResponse(ctx context.Context, responseID, firmID, userID int64, version string, r scoring.Result) error {
	return s.writeNoted(ctx, s.submitOp(responseID, firmID, userID, version, r))
}

// submitOp is SubmitResponse's work for the batch.
func (s *Store) submitOp(responseID, firmID, userID int64, version string, r scoring.Result) notedOp {
	return func(ctx context.Context, tx *sql.Tx, bn *batchNotes) (*txNote, error) {
		clean, err := bn.logsClean(ctx, tx)
		if err != nil {
			return nil, err
		}
		now := s.now()
		answers, err := s.submitDraft(ctx, tx, responseID, firmID, userID, version, r, now)
		if err != nil || !clean {
			return nil, err
		}
		return &txNote{submitted: []int64{responseID}, submittedBy: map[int64][]int64{firmID: {responseID}},
			written: map[int64]*writtenResult{responseID: {response: responseID, pillars: r.Pillars, answers: answers}},
			funnel:  []*funnelChange{{firm: firmID, response: responseID, at: now, submitted: true}}}, nil
	}
}

// submit makes draft responseID final at now inside tx, as SubmitResponse
// does (for callers that do not keep its answers).
func (s *Store) submit(ctx context.Context, tx *sql.Tx, responseID, firmID, userID int64, version string, r scoring.Result, now time.Time) error {
	_, err := s.submitDraft(ctx, tx, responseID, firmID, userID, version, r, now)
	return err
}

// submitDraft makes draft responseID final at now inside tx
// (SubmitResponse), and returns its answers as stored.
func (s *Store) submitDraft(ctx context.Context, tx *sql.Tx, responseID, firmID, userID int64, version string, r scoring.Result, now time.Time) (map[string]survey.Answer, error) {
	// The draft's row and answers in one statement, which also says
	// whose it is and whether it is still a draft (lockDraft's look).
	stored, err := readResponse(ctx, tx, responseID, nil)
	switch {
	case err != nil:
		return nil, err
	case stored.FirmID != firmID:
		return nil, fmt.Errorf("store: response %d: %w", responseID, ErrNotFound)
	case stored.Status != survey.Draft:
		return nil, ErrSubmitted
	}
	if stored.Version() != version {
		return nil, fmt.Errorf("store: submit response %d: the draft changed since version %.12s: %w", responseID, version, ErrConflict)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE responses SET status = 'submitted', submitted_by = ?, submitted_at = ?, updated_at = ?,
		overall = ?, level = ? WHERE id = ?`, nullID(userID), now, now, r.Overall, r.Level, responseID); err != nil {
		return nil, mapErr("submit", err)
	}
	if err := insertPillarScores(ctx, tx, responseID, r); err != nil {
		return nil, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO current_results (firm_id, response_id, instrument, submitted_at, overall, level)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (firm_id) DO UPDATE SET response_id = excluded.response_id,
		instrument = excluded.instrument, submitted_at = excluded.submitted_at, overall = excluded.overall, level = excluded.level`,
		firmID, responseID, r.Instrument, now, r.Overall, r.Level)
	return stored.Answers, mapErr("current result", err)
}

// Submission is a submitted response's headline figures.
type Submission struct {
	ResponseID  int64
	Instrument  string
	SubmittedAt time.Time
	Overall     float64
	Level       int
	Pillars     map[string]float64 // scored pillars only
}

// Submissions returns firm firmID's submitted responses, newest first.
func (s *Store) Submissions(ctx context.Context, firmID int64) ([]Submission, error) {
	rows, err := s.r.QueryContext(ctx, submissionSelect+`
		WHERE r.firm_id = ? AND r.status = 'submitted' ORDER BY r.submitted_at DESC, r.id DESC`, firmID)
	if err != nil {
		return nil, mapErr("submissions", err)
	}
	defer rows.Close()
	return collectSubmissions(rows)
}

// collectSubmissions reads rows of submissionSelect, ordered by response,
// into one Submission a response with its pillars.
func collectSubmissions(rows *sql.Rows) ([]Submission, error) {
	var out []Submission
	err := scanSubmissions(rows, func(sub Submission) *Submission {
		if n := len(out); n == 0 || out[n-1].ResponseID != sub.ResponseID {
			sub.Pillars = map[string]float64{}
			out = append(out, sub)
		}
		return &out[len(out)-1]
	})
	return out, err
}

// scanSubmissions reads rows of submissionSelect, one per response and
// pillar; into returns the submission a row's pillar score belongs to.
func scanSubmissions(rows *sql.Rows, into func(Submission) *Submission) error {
	for rows.Next() {
		var sub Submission
		var pillar sql.NullString
		var score sql.NullFloat64
		var scored sql.NullBool
		if err := rows.Scan(&sub.ResponseID, &sub.Instrument, &sub.SubmittedAt, &sub.Overall, &sub.Level, &pillar, &score, &scored); err != nil {
			return err
		}
		if got := into(sub); pillar.Valid && scored.Bool {
			got.Pillars[pillar.String] = score.Float64
		}
	}
	return rows.Err()
}

// submissionSelect reads submitted responses with their pillar scores.
const submissionSelect = `SELECT r.id, r.instrument, r.submitted_at, r.overall, r.level, p.pillar, p.score, p.scored
		FROM responses r LEFT JOIN pillar_scores p ON p.response_id = r.id `

// PastSubmission is a submitted response loaded in bulk (the demo province,
// or a migration from another system), with its own submission time.
type PastSubmission struct {
	FirmID      int64
	Profile     survey.Profile
	Answers     map[string]survey.Answer
	Result      scoring.Result
	SubmittedAt time.Time
}

// LoadSubmissions inserts many submitted responses to in, in one
// transaction, and points each firm's current result at its latest one.
func (s *Store) LoadSubmissions(ctx context.Context, in *survey.Instrument, subs []PastSubmission) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		l, err := newSubmissionLoader(ctx, tx, in, s.now())
		if err != nil {
			return err
		}
		defer l.close()
		for _, sub := range subs {
			if err := l.load(ctx, sub); err != nil {
				return err
			}
		}
		return l.flush(ctx)
	})
}

// AssessmentCounts returns how many firms have a current result and how
// many responses were submitted in all, from the counters their triggers
// keep (migration 0017).
func (s *Store) AssessmentCounts(ctx context.Context) (firmsAssessed, submitted int, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT (SELECT n FROM counters WHERE name = 'assessed'),
		(SELECT n FROM counters WHERE name = 'submitted')`).Scan(&firmsAssessed, &submitted)
	return firmsAssessed, submitted, mapErr("assessment counts", err)
}

// StoredScores is what was stored for a submitted response.
type StoredScores struct {
	Response *survey.Response
	Overall  float64
	Level    int
	Pillars  map[string]float64 // scored pillars
}

// EachSubmitted calls fn for every submitted response to instrument, in id
// order, with what was stored for it. It reads in pages, so memory stays flat.
func (s *Store) EachSubmitted(ctx context.Context, instrument string, fn func(StoredScores) error) error {
	var after int64
	for {
		ids, err := s.submittedPage(ctx, instrument, after, 500)
		if err != nil || len(ids) == 0 {
			return err
		}
		for _, id := range ids {
			resp, err := readResponse(ctx, s.r, id, nil) // each once: keeping them would only push the drafts out
			if err != nil {
				return err
			}
			st := StoredScores{Response: resp, Pillars: map[string]float64{}}
			if err := s.r.QueryRowContext(ctx, "SELECT overall, level FROM responses WHERE id = ?", id).Scan(&st.Overall, &st.Level); err != nil {
				return mapErr("stored scores", err)
			}
			if err := s.storedPillars(ctx, id, st.Pillars); err != nil {
				return err
			}
			if err := fn(st); err != nil {
				return err
			}
			after = id
		}
	}
}

func (s *Store) submittedPage(ctx context.Context, instrument string, after int64, n int) ([]int64, error) {
	return queryIDs(ctx, s.r, "submitted page",
		"SELECT id FROM responses WHERE instrument = ? AND status = 'submitted' AND id > ? ORDER BY id"+limitSQL(n), instrument, after)
}

func (s *Store) storedPillars(ctx context.Context, id int64, into map[string]float64) error {
	rows, err := s.r.QueryContext(ctx, "SELECT pillar, score FROM pillar_scores WHERE response_id = ? AND scored = 1", id)
	if err != nil {
		return mapErr("stored pillars", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		var v float64
		if err := rows.Scan(&p, &v); err != nil {
			return err
		}
		into[p] = v
	}
	return rows.Err()
}

// UpdateScores replaces a submitted response's stored scores (a rescore
// after a scoring fix), and its firm's current result if it is that one.
func (s *Store) UpdateScores(ctx context.Context, responseID int64, r scoring.Result) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE responses SET overall = ?, level = ? WHERE id = ? AND status = 'submitted'", r.Overall, r.Level, responseID)
		if err != nil {
			return mapErr("update scores", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: update scores of %d: %w", responseID, ErrNotFound)
		}
		if err := insertPillarScores(ctx, tx, responseID, r); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE current_results SET overall = ?, level = ? WHERE response_id = ?", r.Overall, r.Level, responseID)
		return mapErr("update current result", err)
	})
}

// AnswerChange is one recorded change to a draft's answers.
type AnswerChange struct {
	Question string
	Options  []string
	UserName string
	At       time.Time
}

// answerChangesSQL reads a response's changes newest first: by the index
// answer_events_latest_idx (response_id, then the row ID), so a LIMIT reads
// only the rows it returns, never all of them sorted (AnswerChangesPlan).
const answerChangesSQL = `SELECT e.question, e.options, COALESCE(u.name, ''), e.at FROM answer_events e
		LEFT JOIN users u ON u.id = e.user_id WHERE e.response_id = ? ORDER BY e.id DESC`

// AnswerChanges returns the latest limit changes to response id's answers,
// newest first, with who made them.
func (s *Store) AnswerChanges(ctx context.Context, id int64, limit int) ([]AnswerChange, error) {
	rows, err := s.r.QueryContext(ctx, answerChangesSQL+limitSQL(limit), id)
	if err != nil {
		return nil, mapErr("answer changes", err)
	}
	defer rows.Close()
	var out []AnswerChange
	for rows.Next() {
		var c AnswerChange
		var opts string
		if err := rows.Scan(&c.Question, &opts, &c.UserName, &c.At); err != nil {
			return nil, err
		}
		var null bool
		if c.Options, null, err = appendOptions(nil, opts); err != nil {
			return nil, fmt.Errorf("store: answer change of %d/%s: %w", id, c.Question, err)
		}
		if c.Options == nil && !null { // "[]": none ticked, as json.Unmarshal gives it
			c.Options = []string{}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// FindDraft returns firm firmID's open shared draft with its answers, or ErrNotFound.
func (s *Store) FindDraft(ctx context.Context, firmID int64) (*survey.Response, error) {
	return s.FindDraftOf(ctx, firmID, 0)
}

// FindDraftOf returns owner's open draft of firmID (owner 0: the firm's
// shared one) with its answers, or ErrNotFound.
func (s *Store) FindDraftOf(ctx context.Context, firmID, owner int64) (*survey.Response, error) {
	return s.openDraft(ctx, firmID, owner)
}

// SubmissionsByID returns the submitted responses among ids with their
// scored pillars, by response ID: one query for a page of bookings.
func (s *Store) SubmissionsByID(ctx context.Context, ids []int64) (map[int64]*Submission, error) {
	out := map[int64]*Submission{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.r.QueryContext(ctx, submissionSelect+`
		WHERE r.id IN (SELECT value FROM json_each(?)) AND r.status = 'submitted'`, jsonList(ids))
	if err != nil {
		return nil, mapErr("submissions by id", err)
	}
	defer rows.Close()
	err = scanSubmissions(rows, func(sub Submission) *Submission {
		got := out[sub.ResponseID]
		if got == nil {
			sub.Pillars = map[string]float64{}
			got = &sub
			out[sub.ResponseID] = got
		}
		return got
	})
	return out, err
}
