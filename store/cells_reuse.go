package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"dxready/scoring"
	"dxready/survey"
)

// txNote is what a writer tells the drains about its transaction so that
// they read again only what it changed: without one (nil), every changed
// firm is derived whole from its rows. A writer gives one only when both
// change logs were empty as its transaction began (logsWereEmpty), so the
// kept inputs and funnel rows were exact then.
type txNote struct {
	// submitted names the only submitted responses whose scores (overall,
	// level, pillar scores) or answers the transaction may have written:
	// every other submitted result of a changed firm is as its stored
	// inputs have it, so its pillar scores and adoption facts are taken
	// from them instead of being read again, and what a submission reads
	// no longer grows with the firm's history.
	submitted []int64
	// submittedBy, when not 0, is the firm whose responses in submitted
	// became submitted in the transaction, its one change to any firm's
	// inputs: the firm's kept inputs with those results added are its
	// inputs now (appendSubmitted).
	submittedBy int64
	// written, when set, is what the transaction wrote of the one response
	// in submitted: appendSubmitted takes its pillar scores and adoption
	// answers from it rather than read back what was just written.
	written *writtenResult
	// funnel is every change the transaction made to the funnel's facts
	// (funnelChange): one a start or a submit, several in a batch of them.
	funnel []*funnelChange
}

// writtenResult is a submission as its transaction wrote it: the pillar
// scores bound to pillar_scores' rows and the answers it found stored.
type writtenResult struct {
	response int64
	pillars  []scoring.PillarScore
	answers  map[string]survey.Answer
}

// take sets res's pillar scores and adoption facts (of response id) as
// readPillars and readAdoption would read them back from w's rows, and
// says whether it could: w must be id's. A stored REAL has no negative
// zero (SQLite writes a whole REAL as an integer), so -0 is read as 0.
func (w *writtenResult) take(id int64, res *resultInputs, idx map[string]int) bool {
	if w == nil || w.response != id || res == nil {
		return false
	}
	for _, p := range w.pillars {
		if j, ok := idx[p.PillarID]; ok && p.Scored {
			res.Pillars[j] = p.Score
			if p.Score == 0 {
				res.Pillars[j] = 0 // not -0
			}
		}
	}
	var chosen map[string][]string // as readAdoption: only the adoption questions answered
	for _, q := range scoring.AdoptionQuestions() {
		if a, ok := w.answers[q]; ok {
			if chosen == nil {
				chosen = map[string][]string{}
			}
			chosen[q] = a.Options
		}
	}
	if chosen != nil {
		instrument, _, _ := strings.Cut(res.Instrument, "@")
		res.Adoption = scoring.AdoptionBits(instrument, chosen)
	}
	return true
}

// resultID tells one of a firm's results from its others as its stored
// inputs hold them: by instrument, submission time (ns), secret key (drawn
// once for each response) and scores.
type resultID struct {
	firm       int64
	instrument string
	at         int64
	key        uint32
	overall    float64
	level      int
}

func idOf(firm int64, r *resultInputs) resultID {
	return resultID{firm, r.Instrument, r.At.UnixNano(), r.Key, r.Overall, r.Level}
}

// knownResults indexes the results of the stored inputs olds; a result
// that two share is left out, and so read again.
func knownResults(olds map[int64]*firmInputs) map[resultID]*resultInputs {
	known := map[resultID]*resultInputs{}
	twice := map[resultID]bool{}
	for id, in := range olds {
		for i := range in.Results {
			k := idOf(id, &in.Results[i])
			if known[k] != nil {
				twice[k] = true
			}
			known[k] = &in.Results[i]
		}
	}
	for k := range twice {
		delete(known, k)
	}
	return known
}

// reuseKnown takes from r.known the pillar scores and adoption facts of
// each result read that the note does not name and the stored inputs
// hold, and returns the responses left to read, in id order.
func (r *inputsReader) reuseKnown(byResponse map[int64]*resultInputs) []int64 {
	need := []int64{}
	for id, res := range byResponse {
		old := r.known[idOf(r.firmOf[id], res)]
		if old == nil || len(old.Pillars) != len(res.Pillars) || slices.Contains(r.note.submitted, id) {
			need = append(need, id)
			continue
		}
		copy(res.Pillars, old.Pillars)
		res.Adoption = old.Adoption
	}
	slices.Sort(need)
	return need
}

// appendSubmitted is the inputs of the firm note.submittedBy names when
// the dirty firms ids are that firm alone: its kept inputs with the
// results of note's responses added in time order, those read by id, so
// that a submission reads what it changed and not the firm's history.
// ok is false when that cannot be told (no note, no kept inputs, a new
// result at the very time of another) and the firms are read whole.
func (s *Store) appendSubmitted(ctx context.Context, tx *sql.Tx, ids []int64, stored map[int64][]byte, note *txNote) (*firmInputs, bool, error) {
	if note == nil || note.submittedBy == 0 || len(ids) != 1 || ids[0] != note.submittedBy || stored[ids[0]] == nil {
		return nil, false, nil
	}
	kept, err := decodeInputs(ids[0], stored[ids[0]])
	if err != nil {
		return nil, false, nil // read whole: reconcileFirm reports it
	}
	r := &inputsReader{q: tx, pillars: s.cells.pillarIdx, resultIDs: note.submitted}
	added := map[int64]*firmInputs{}
	byResponse, err := r.readResults(ctx, added)
	if err == nil && !r.takeWritten(byResponse, note) {
		err = r.readPillars(ctx, byResponse, note.submitted)
		if err == nil {
			err = r.readAdoption(ctx, byResponse, note.submitted)
		}
	}
	if err != nil || len(added) > 1 || len(added) == 1 && added[kept.ID] == nil {
		return nil, false, err
	}
	now := *kept
	now.Results = slices.Clone(kept.Results)
	for _, res := range added[kept.ID].results() {
		i, same := slices.BinarySearchFunc(now.Results, res.At, func(e resultInputs, t time.Time) int { return e.At.Compare(t) })
		if same {
			return nil, false, nil // the order of equal times is the responses' ids, which inputs do not keep
		}
		now.Results = slices.Insert(now.Results, i, res)
	}
	return &now, true, nil
}

// takeWritten sets the pillar scores and adoption facts of the one result
// read from what note says its transaction wrote (writtenResult.take),
// and says whether it could.
func (r *inputsReader) takeWritten(byResponse map[int64]*resultInputs, note *txNote) bool {
	if len(note.submitted) != 1 || len(byResponse) != 1 {
		return false
	}
	id := note.submitted[0]
	res := byResponse[id]
	return res != nil && note.written.take(id, res, r.pillars[res.Instrument])
}

// results is in's results, none when in is nil.
func (in *firmInputs) results() []resultInputs {
	if in == nil {
		return nil
	}
	return in.Results
}
