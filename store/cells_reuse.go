package store

import "slices"

// txNote is what a writer tells the cells' drain about its transaction so
// that the drain reads again only what the transaction changed: without
// one (nil), every changed firm's inputs are read whole from its rows.
type txNote struct {
	// submitted names the only submitted responses whose scores (overall,
	// level, pillar scores) or answers the transaction may have written:
	// every other submitted result of a changed firm is as its stored
	// inputs have it, so its pillar scores and adoption facts are taken
	// from them instead of being read again, and what a submission reads
	// no longer grows with the firm's history.
	submitted []int64
	// funnel, when set, is the one change the transaction made to the
	// funnel's facts (funnelChange).
	funnel *funnelChange
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
