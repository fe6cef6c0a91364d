package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"dxready/scoring"
)

// querier is what reading inputs needs: a transaction or a pool.
// inputsReader reads the inputs of the firms with IDs in [lo, hi], of all of
// them or of those agg_dirty names, in five set-based queries (no query per
// firm), each walking an index in firm order.
type inputsReader struct {
	q         querier
	lo, hi    int64
	dirtyOnly bool
	pillars   map[string]map[string]int // instrument → pillar ID → index

	// note, when set, says which results the transaction may have changed
	// (txNote): the others' pillar scores and adoption facts are taken from
	// known, the firms' stored inputs, and only the rest read by id.
	note   *txNote
	known  map[resultID]*resultInputs
	firmOf map[int64]int64 // response → firm, of the results read

	// firms, when set, are the only firms read (of those in range the
	// other settings select): a drain's firms not taken from their kept
	// inputs (appendSubmitted).
	firms []int64

	// resultIDs, when set, are the only responses readResults reads,
	// whatever their firms.
	resultIDs []int64
}

// where restricts a query's firm column col to the reader's firms.
func (r *inputsReader) where(col string) (string, []any) {
	// Only the IN list, not also the range: dirty firms may lie far apart,
	// and a range would tempt the planner to walk every row between them.
	if r.firms != nil {
		return col + " IN (SELECT value FROM json_each(?))", []any{jsonList(r.firms)}
	}
	if r.dirtyOnly {
		return col + " IN (SELECT firm_id FROM agg_dirty WHERE firm_id BETWEEN ? AND ?)", []any{r.lo, r.hi}
	}
	return col + " BETWEEN ? AND ?", []any{r.lo, r.hi}
}

// read returns the inputs of every firm in range with a submitted result;
// the others contribute nothing and are absent. Each firm's results are in
// time order (equal times in the order read: by text, then response id).
// The query orders them by submitted_at as text, which is their time
// order for every time the store writes (UTC, _time_format=sqlite) but
// not for one another tool wrote in its own zone; appendSubmitted inserts
// by time, and the two must agree.
func (r *inputsReader) read(ctx context.Context) (map[int64]*firmInputs, error) {
	out, err := r.readUnordered(ctx)
	for _, in := range out {
		if cmp := func(a, b resultInputs) int { return a.At.Compare(b.At) }; !slices.IsSortedFunc(in.Results, cmp) {
			slices.SortStableFunc(in.Results, cmp)
		}
		in.Results = compactResults(in.Results)
	}
	return out, err
}

// readUnordered is read with each firm's results in submitted_at's text
// order.
func (r *inputsReader) readUnordered(ctx context.Context) (map[int64]*firmInputs, error) {
	out := map[int64]*firmInputs{}
	byResponse, err := r.readResults(ctx, out)
	if err != nil || len(out) == 0 {
		return out, err
	}
	steps := []func(context.Context, map[int64]*firmInputs) error{r.readFirms, r.readMemberships, r.readConsent}
	for _, step := range steps {
		if err := step(ctx, out); err != nil {
			return nil, err
		}
	}
	var ids []int64 // nil: every result of the firms in range
	if r.note != nil {
		if ids = r.reuseKnown(byResponse); len(ids) == 0 {
			return out, nil
		}
	}
	if err := r.readPillars(ctx, byResponse, ids); err != nil {
		return nil, err
	}
	return out, r.readAdoption(ctx, byResponse, ids)
}

// ofResponses is the FROM and WHERE of a query of table t (with a
// response_id column) restricted to responses ids, or when ids is nil to
// every submitted response of the reader's firms.
func (r *inputsReader) ofResponses(t string, ids []int64) (from, where string, args []any) {
	if ids != nil {
		return t, t + ".response_id IN (SELECT value FROM json_each(?))", []any{jsonList(ids)}
	}
	w, args := r.where("r.firm_id")
	return "responses r JOIN " + t + " ON " + t + ".response_id = r.id", w + " AND r.status = 'submitted'", args
}

// readResults reads the submitted results, creating each firm's inputs;
// results of instruments the store does not know are left out (nobody can
// view figures of an instrument the portal does not load).
func (r *inputsReader) readResults(ctx context.Context, out map[int64]*firmInputs) (map[int64]*resultInputs, error) {
	w, args := r.where("firm_id")
	if r.resultIDs != nil {
		w, args = "id IN (SELECT value FROM json_each(?))", []any{jsonList(r.resultIDs)}
	}
	rows, err := r.q.QueryContext(ctx, `SELECT id, firm_id, instrument, submitted_at, record_key, overall, level
		FROM responses WHERE `+w+` AND status = 'submitted' ORDER BY firm_id, submitted_at, id`, args...)
	if err != nil {
		return nil, mapErr("cells: results", err)
	}
	defer rows.Close()
	type ref struct{ firm, i int64 }
	refs := map[int64]ref{}
	for rows.Next() {
		var id, firm int64
		var res resultInputs
		var at time.Time
		if err := rows.Scan(&id, &firm, &res.Instrument, &at, &res.Key, &res.Overall, &res.Level); err != nil {
			return nil, err
		}
		idx, known := r.pillars[res.Instrument]
		if !known {
			continue
		}
		res.At = at.UTC()
		res.Pillars = make([]float64, len(idx))
		for j := range res.Pillars {
			res.Pillars[j] = math.NaN()
		}
		in := out[firm]
		if in == nil {
			in = &firmInputs{ID: firm}
			out[firm] = in
		}
		refs[id] = ref{firm, int64(len(in.Results))}
		if r.note != nil {
			r.firmOf[id] = firm
		}
		in.Results = append(in.Results, res)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	byResponse := make(map[int64]*resultInputs, len(refs))
	for id, rf := range refs {
		byResponse[id] = &out[rf.firm].Results[rf.i]
	}
	return byResponse, nil
}

// readPillars reads the scored pillars of responses ids (nil: of every
// result read).
func (r *inputsReader) readPillars(ctx context.Context, byResponse map[int64]*resultInputs, ids []int64) error {
	from, w, args := r.ofResponses("pillar_scores", ids)
	rows, err := r.q.QueryContext(ctx, `SELECT pillar_scores.response_id, pillar_scores.pillar, pillar_scores.score FROM `+from+`
		WHERE `+w+` AND pillar_scores.scored = 1`, args...)
	if err != nil {
		return mapErr("cells: pillar scores", err)
	}
	defer rows.Close()
	var id int64
	var pillar sql.RawBytes
	var score float64
	for rows.Next() {
		if err := rows.Scan(&id, &pillar, &score); err != nil {
			return err
		}
		res := byResponse[id]
		if res == nil {
			continue
		}
		if j, ok := r.pillars[res.Instrument][string(pillar)]; ok {
			res.Pillars[j] = score
		}
	}
	return rows.Err()
}

// readAdoption reads the answers the adoption facts look at
// (scoring.AdoptionQuestions) of responses ids (nil: of every result
// read) and sets each result's facts.
func (r *inputsReader) readAdoption(ctx context.Context, byResponse map[int64]*resultInputs, ids []int64) error {
	qs := scoring.AdoptionQuestions()
	if len(qs) == 0 {
		return nil
	}
	from, w, args := r.ofResponses("answers", ids)
	marks := strings.Repeat(",?", len(qs))[1:]
	for _, q := range qs {
		args = append(args, q)
	}
	rows, err := r.q.QueryContext(ctx, `SELECT answers.response_id, answers.question, answers.options FROM `+from+`
		WHERE `+w+` AND answers.question IN (`+marks+`)`, args...)
	if err != nil {
		return mapErr("cells: adoption answers", err)
	}
	defer rows.Close()
	answers := map[int64]map[string][]string{}
	var id int64
	var question string
	var options []byte
	for rows.Next() {
		if err := rows.Scan(&id, &question, &options); err != nil {
			return err
		}
		if byResponse[id] == nil {
			continue
		}
		var chosen []string
		if err := json.Unmarshal(options, &chosen); err != nil {
			return fmt.Errorf("store: cells: answer %s of response %d: %w", question, id, err)
		}
		if answers[id] == nil {
			answers[id] = map[string][]string{}
		}
		answers[id][question] = chosen
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for id, a := range answers {
		res := byResponse[id]
		instrument, _, _ := strings.Cut(res.Instrument, "@")
		res.Adoption = scoring.AdoptionBits(instrument, a)
	}
	return nil
}

func (r *inputsReader) readFirms(ctx context.Context, out map[int64]*firmInputs) error {
	w, args := r.where("id")
	rows, err := r.q.QueryContext(ctx, `SELECT id, record_key, COALESCE(substr(vsic_code, 1, 2), ''), COALESCE(section, ''),
		COALESCE(size_class, ''), COALESCE(ward_code, ''), COALESCE(park_code, '') FROM firms WHERE `+w, args...)
	if err != nil {
		return mapErr("cells: firms", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f firmInputs
		if err := rows.Scan(&f.ID, &f.Key, &f.Division, &f.Section, &f.Size, &f.Ward, &f.Park); err != nil {
			return err
		}
		if in := out[f.ID]; in != nil {
			in.Key, in.Division, in.Section, in.Size, in.Ward, in.Park = f.Key, f.Division, f.Section, f.Size, f.Ward, f.Park
		}
	}
	return rows.Err()
}

func (r *inputsReader) readMemberships(ctx context.Context, out map[int64]*firmInputs) error {
	w, args := r.where("firm_id")
	rows, err := r.q.QueryContext(ctx, "SELECT firm_id, association_id FROM firm_associations WHERE "+w+" ORDER BY firm_id, association_id", args...)
	if err != nil {
		return mapErr("cells: memberships", err)
	}
	defer rows.Close()
	for rows.Next() {
		var firm, assoc int64
		if err := rows.Scan(&firm, &assoc); err != nil {
			return err
		}
		if in := out[firm]; in != nil {
			in.Memberships = append(in.Memberships, membershipInputs{AssociationID: assoc})
		}
	}
	return rows.Err()
}

// readConsent reads each membership's consent history as its state at the
// end of each quarter in which it changed; changes that a later one in the
// same quarter undid leave no trace.
func (r *inputsReader) readConsent(ctx context.Context, out map[int64]*firmInputs) error {
	w, args := r.where("firm_id")
	rows, err := r.q.QueryContext(ctx, "SELECT firm_id, association_id, event, at FROM sharing_events WHERE "+w+" ORDER BY firm_id, at, id", args...)
	if err != nil {
		return mapErr("cells: consent", err)
	}
	defer rows.Close()
	for rows.Next() {
		var firm, assoc int64
		var event string
		var at time.Time
		if err := rows.Scan(&firm, &assoc, &event, &at); err != nil {
			return err
		}
		if m := out[firm].membership(assoc); m != nil {
			m.consentChanged(quarterIndex(scoring.QuarterOf(at)), event == "shared")
		}
	}
	return rows.Err()
}

func (in *firmInputs) membership(assoc int64) *membershipInputs {
	if in == nil {
		return nil
	}
	for i := range in.Memberships {
		if in.Memberships[i].AssociationID == assoc {
			return &in.Memberships[i]
		}
	}
	return nil
}

// consentChanged records that consent became shared in quarter q (the
// events come in time order).
func (m *membershipInputs) consentChanged(q int, shared bool) {
	if n := len(m.Consent); n > 0 && m.Consent[n-1].Q == q {
		m.Consent = m.Consent[:n-1]
	}
	before := false
	if n := len(m.Consent); n > 0 {
		before = m.Consent[n-1].Shared
	}
	if shared != before {
		m.Consent = append(m.Consent, consentAt{Q: q, Shared: shared})
	}
}
