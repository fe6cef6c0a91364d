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
	// submittedBy names, for each firm whose responses in submitted became
	// submitted in the transaction, those responses, when that was the
	// transaction's one change to that firm's inputs: the firm's kept
	// inputs with those results added are its inputs now
	// (appendSubmitted). A batch of submits of several firms names each.
	submittedBy map[int64][]int64
	// written is what the transaction wrote of responses in submitted, by
	// response: appendSubmitted takes their pillar scores and adoption
	// answers from it rather than read back what was just written.
	written map[int64]*writtenResult
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

// appendSubmitted is the inputs now of each firm of ids that
// note.submittedBy names and whose inputs are kept: its kept inputs with
// the results of its responses in the note added in time order, those read
// by id, so that a submission reads what it changed and not the firm's
// history, and a batch of submits of several firms reads only theirs. A
// firm missing from the map is read whole: no note, no kept inputs (or
// inputs that do not decode, which reconcileFirm reports), or a new result
// at the very time of another. When a firm of ids is not one the note
// names, something else changed it, and every firm is read whole.
func (s *Store) appendSubmitted(ctx context.Context, tx *sql.Tx, ids []int64, stored map[int64][]byte, note *txNote) (map[int64]*firmInputs, error) {
	if note == nil || len(note.submittedBy) == 0 {
		return nil, nil
	}
	for _, id := range ids {
		if note.submittedBy[id] == nil { // a change the note does not speak for: read them all whole
			return nil, nil
		}
	}
	kept := map[int64]*firmInputs{}
	var responses []int64
	for _, id := range ids {
		if stored[id] == nil {
			continue
		}
		in, err := decodeInputs(id, stored[id])
		if err != nil {
			continue
		}
		kept[id] = in
		responses = append(responses, note.submittedBy[id]...)
	}
	if len(kept) == 0 {
		return nil, nil
	}
	r := &inputsReader{q: tx, pillars: s.cells.pillarIdx, resultIDs: responses}
	added := map[int64]*firmInputs{}
	byResponse, err := r.readResults(ctx, added)
	if err != nil {
		return nil, err
	}
	for firm := range added {
		if kept[firm] == nil { // a response of a firm the note did not say: read them all whole
			return nil, nil
		}
	}
	if need := r.takeWritten(byResponse, note); len(need) > 0 {
		if err := r.readPillars(ctx, byResponse, need); err != nil {
			return nil, err
		}
		if err := r.readAdoption(ctx, byResponse, need); err != nil {
			return nil, err
		}
	}
	out := make(map[int64]*firmInputs, len(kept))
	for id, k := range kept {
		if now, ok := appendResults(k, added[id].results()); ok {
			out[id] = now
		}
	}
	return out, nil
}

// appendResults is kept with results added in time order; ok is false
// when one has the very time of another (the order of equal times is the
// responses' ids, which inputs do not keep).
func appendResults(kept *firmInputs, results []resultInputs) (*firmInputs, bool) {
	now := *kept
	now.Results = slices.Clone(kept.Results)
	for _, res := range results {
		i, same := slices.BinarySearchFunc(now.Results, res.At, func(e resultInputs, t time.Time) int { return e.At.Compare(t) })
		if same {
			return nil, false
		}
		now.Results = slices.Insert(now.Results, i, res)
	}
	now.Results = compactResults(now.Results) // as read derives them
	return &now, true
}

// takeWritten sets the pillar scores and adoption facts of each result
// read that note says its transaction wrote (writtenResult.take), and
// returns the responses whose it could not, in id order, to be read.
func (r *inputsReader) takeWritten(byResponse map[int64]*resultInputs, note *txNote) []int64 {
	var need []int64
	for id, res := range byResponse {
		if !note.written[id].take(id, res, r.pillars[res.Instrument]) {
			need = append(need, id)
		}
	}
	slices.Sort(need)
	return need
}

// results is in's results, none when in is nil.
func (in *firmInputs) results() []resultInputs {
	if in == nil {
		return nil
	}
	return in.Results
}
