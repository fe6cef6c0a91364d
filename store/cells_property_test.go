package store_test

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"dxready/disclosure"
	"dxready/firms"
	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// The cells that writes keep up to date equal a full recomputation from
// the rows, written here from the definition and not from the store's
// code, after every step of random sequences of registrations,
// submissions (through the survey and in bulk), rescores, consent
// changes, membership imports and profile changes, with the clock moving
// over several quarters; and so do the cells loaded again from the
// database (a restart) and the cells rebuilt from scratch.
func TestCellsEqualAFullRecomputation(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { cellsProperty(t, seed, storetest.Iterations(60)) })
	}
}

// TestCellsEqualAFullRecomputationWhenFirmsSubmitOften: the same with
// the clock moving at most a day a step, so that firms submit many times
// a quarter and their kept inputs keep only the first and last of each
// (compactResults), incrementally and in the recomputation alike.
func TestCellsEqualAFullRecomputationWhenFirmsSubmitOften(t *testing.T) {
	for seed := range uint64(2) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { cellsPropertyPaced(t, seed+40, storetest.Iterations(60), 24) })
	}
}

func cellsProperty(t *testing.T, seed uint64, steps int) { cellsPropertyPaced(t, seed, steps, 30*24) }

// cellsPropertyPaced is cellsProperty with the clock moving up to
// maxHours a step.
func cellsPropertyPaced(t *testing.T, seed uint64, steps, maxHours int) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	w := &cellsWorld{t: t, s: s, fx: fx, in: in, rng: rand.New(rand.NewPCG(seed, 7)), maxHours: maxHours}
	for range 6 {
		w.register()
	}
	start := fx.Clock.Now()
	for step := range steps {
		op := w.step()
		w.check(fmt.Sprintf("step %d (%s)", step, op), start)
	}
	store.DropCellsMemory(s)
	w.check("after reloading", start)
	if err := s.RebuildAggregates(ctx); err != nil {
		t.Fatal(err)
	}
	w.check("after a rebuild", start)
	if w.counted < steps {
		t.Fatalf("only %d non-empty tallies were compared", w.counted)
	}
}

type cellsWorld struct {
	t     *testing.T
	s     *store.Store
	fx    *storetest.Fixtures
	in    *survey.Instrument
	rng   *rand.Rand
	firms []int64
	subs  []int64 // submitted responses
	n     int
	// counted is how many group tallies checked were not empty.
	counted int
	// maxHours bounds how far the clock moves a step (0: a month).
	maxHours int
}

var (
	cellsVSIC  = []string{"3100", "1629", "5210"}
	cellsWards = []string{"25760", "25813", "25942"}
)

// step makes one random change and names it.
func (w *cellsWorld) step() string {
	h := w.maxHours
	if h == 0 {
		h = 30 * 24
	}
	w.fx.Clock.Add(time.Duration(w.rng.IntN(h)) * time.Hour)
	switch k := w.rng.IntN(10); {
	case k < 1:
		w.register()
		return "registration"
	case k < 4:
		w.submit()
		return "submission"
	case k < 5:
		w.rescore()
		return "rescore"
	case k < 7:
		w.consent()
		return "consent"
	case k < 9:
		w.members()
		return "memberships"
	default:
		w.profile()
		return "profile"
	}
}

func (w *cellsWorld) firm() int64 { return w.firms[w.rng.IntN(len(w.firms))] }

func (w *cellsWorld) register() {
	w.n++
	f := &firms.Firm{TaxCode: storetest.TaxCodeFrom(381000000 + 10*w.n), Name: fmt.Sprintf("Công ty Thử %d", w.n),
		VSICCode: cellsVSIC[w.rng.IntN(3)], WardCode: cellsWards[w.rng.IntN(3)],
		Size: firms.SizeInputs{Employees: 1 + w.rng.IntN(300), RevenueVND: 1e9, CapitalVND: 1e9, Year: 2025}}
	if ps := f.Validate(w.fx.Ref, w.fx.Clock.Now()); len(ps) > 0 {
		w.t.Fatal(ps)
	}
	if err := w.s.CreateFirm(ctx, f); err != nil {
		w.t.Fatal(err)
	}
	w.firms = append(w.firms, f.ID)
}

func (w *cellsWorld) result() scoring.Result {
	r := scoring.Result{Instrument: w.in.Key(), Overall: math.Round(w.rng.Float64()*1000) / 10}
	r.Level = int(r.Overall / 20)
	for i, p := range w.in.Pillars {
		r.Pillars = append(r.Pillars, scoring.PillarScore{PillarID: p.ID, Score: w.rng.Float64() * 100, Scored: i%3 != 2 || w.rng.IntN(2) == 0})
	}
	return r
}

// adoptionAnswers answers each question an adoption fact reads, most of
// them, with any of its options (several for a question of several).
func (w *cellsWorld) adoptionAnswers() map[string]survey.Answer {
	out := map[string]survey.Answer{}
	for _, a := range scoring.Adoptions(w.in.ID) {
		q, ok := w.in.Question(a.Question)
		if !ok || w.rng.IntN(5) == 0 {
			continue
		}
		var opts []string
		for _, o := range q.Options {
			if w.rng.IntN(2) == 0 {
				opts = append(opts, o.ID)
			}
		}
		if len(opts) == 0 || (q.Type == survey.Single && len(opts) > 1) {
			opts = []string{q.Options[w.rng.IntN(len(q.Options))].ID}
		}
		out[a.Question] = survey.Answer{Options: opts}
	}
	return out
}

// submit submits through the survey (a draft, then its submission) or in
// bulk, dated up to a quarter back.
func (w *cellsWorld) submit() {
	id := w.firm()
	if w.rng.IntN(2) == 0 {
		d, err := w.s.Draft(ctx, id, w.in, survey.Profile{Section: "C", Size: "small"}, 0)
		if err != nil {
			w.t.Fatal(err)
		}
		if err := w.s.SaveAnswers(ctx, d.ID, id, w.adoptionAnswers(), 0); err != nil {
			w.t.Fatal(err)
		}
		if d, err = w.s.Draft(ctx, id, w.in, survey.Profile{Section: "C", Size: "small"}, 0); err != nil {
			w.t.Fatal(err)
		}
		if err := w.s.SubmitResponse(ctx, d.ID, id, 0, d.Version(), w.result()); err != nil {
			w.t.Fatal(err)
		}
	} else {
		at := w.fx.Clock.Now().Add(-time.Duration(w.rng.IntN(90*24)) * time.Hour)
		if err := w.s.LoadSubmissions(ctx, w.in, []store.PastSubmission{{FirmID: id, Result: w.result(), SubmittedAt: at,
			Answers: w.adoptionAnswers()}}); err != nil {
			w.t.Fatal(err)
		}
	}
	subs, err := w.s.Submissions(ctx, id)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, sub := range subs {
		w.subs = append(w.subs, sub.ResponseID)
	}
}

func (w *cellsWorld) rescore() {
	if len(w.subs) == 0 {
		return
	}
	if err := w.s.UpdateScores(ctx, w.subs[w.rng.IntN(len(w.subs))], w.result()); err != nil {
		w.t.Fatal(err)
	}
}

func (w *cellsWorld) consent() {
	assoc := []int64{w.fx.Wood.ID, w.fx.Logistics.ID}[w.rng.IntN(2)]
	err := w.s.SetSharing(ctx, w.firm(), assoc, w.rng.IntN(3) > 0, 0)
	if err != nil && !errors.Is(err, store.ErrNotFound) { // not a member
		w.t.Fatal(err)
	}
}

// members imports a random membership list, replacing the old one or
// adding to it.
func (w *cellsWorld) members() {
	assoc := []int64{w.fx.Wood.ID, w.fx.Logistics.ID}[w.rng.IntN(2)]
	var lines []firms.MemberLine
	for i, id := range w.firms {
		if w.rng.IntN(2) == 0 {
			f, err := w.s.FindFirmByID(ctx, id)
			if err != nil {
				w.t.Fatal(err)
			}
			lines = append(lines, firms.MemberLine{Line: i + 2, TaxCode: f.TaxCode})
		}
	}
	if _, err := w.s.ImportMemberships(ctx, assoc, lines, w.rng.IntN(2) == 0); err != nil {
		w.t.Fatal(err)
	}
}

func (w *cellsWorld) profile() {
	f, err := w.s.FindFirmByID(ctx, w.firm())
	if err != nil {
		w.t.Fatal(err)
	}
	f.VSICCode, f.WardCode = cellsVSIC[w.rng.IntN(3)], cellsWards[w.rng.IntN(3)]
	f.Size.Employees = 1 + w.rng.IntN(300)
	if ps := f.Validate(w.fx.Ref, w.fx.Clock.Now()); len(ps) > 0 {
		w.t.Fatal(ps)
	}
	if err := w.s.UpdateFirm(ctx, f); err != nil {
		w.t.Fatal(err)
	}
}

// check compares every group's cells, at the end of every quarter since
// start and the quarter after now, with the recomputation.
func (w *cellsWorld) check(when string, start time.Time) {
	w.t.Helper()
	rows := readRows(w.t, w.s)
	w.checkRegistry(when, rows)
	last := scoring.QuarterOf(w.fx.Clock.Now()).Next()
	for q := scoring.QuarterOf(start).Prev().Prev(); q != last.Next(); q = q.Next() {
		want := recompute(rows, w.in, q)
		groups := []string{"p", fmt.Sprintf("a:%d", w.fx.Wood.ID), fmt.Sprintf("a:%d", w.fx.Logistics.ID), "d:31", "d:16", "d:52",
			"s:C", "s:H", "z:micro", "z:small", "z:medium", "z:large", "w:25760", "w:25813", "w:25942", "k:vsip2", "k:songthan1",
			"x:C|micro", "x:C|small", "x:C|medium", "x:H|micro", "x:H|small", "x:H|medium"}
		for g := range want {
			groups = append(groups, g)
		}
		for _, g := range groups {
			st := want[g]
			if st[0].N+st[1].N > 0 {
				w.counted++
			}
			for stratum := range 2 {
				got, err := store.CellTally(w.s, w.in.Key(), g, stratum, q)
				if err != nil {
					w.t.Fatal(err)
				}
				if msg := tallyDiff(got, st[stratum]); msg != "" {
					w.t.Fatalf("%s: group %s stratum %d at the end of %s: %s", when, g, stratum, q, msg)
				}
			}
		}
	}
}

// cellRows is the database as the definition reads it.
type cellRows struct {
	firms   map[int64]*cellFirm
	results map[int64][]cellResult // by firm, in time order
	consent map[[2]int64][]cellEvent
}

type cellFirm struct {
	key                                 uint32
	division, section, size, ward, park string
	assocs                              []int64
}

type cellResult struct {
	at  time.Time
	rec disclosure.Record
}

type cellEvent struct {
	at     time.Time
	shared bool
}

func readRows(t *testing.T, s *store.Store) *cellRows {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?mode=ro&_time_format=sqlite")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r := &cellRows{firms: map[int64]*cellFirm{}, results: map[int64][]cellResult{}, consent: map[[2]int64][]cellEvent{}}
	query(t, db, `SELECT id, record_key, COALESCE(substr(vsic_code, 1, 2), ''), COALESCE(section, ''), COALESCE(size_class, ''),
		COALESCE(ward_code, ''), COALESCE(park_code, '') FROM firms`, func(rs *sql.Rows) error {
		var id int64
		f := &cellFirm{}
		err := rs.Scan(&id, &f.key, &f.division, &f.section, &f.size, &f.ward, &f.park)
		r.firms[id] = f
		return err
	})
	query(t, db, "SELECT firm_id, association_id FROM firm_associations", func(rs *sql.Rows) error {
		var firm, assoc int64
		err := rs.Scan(&firm, &assoc)
		r.firms[firm].assocs = append(r.firms[firm].assocs, assoc)
		return err
	})
	query(t, db, "SELECT firm_id, association_id, event, at FROM sharing_events ORDER BY at, id", func(rs *sql.Rows) error {
		var k [2]int64
		var e cellEvent
		var event string
		err := rs.Scan(&k[0], &k[1], &event, &e.at)
		e.shared = event == "shared"
		r.consent[k] = append(r.consent[k], e)
		return err
	})
	r.readResults(t, db)
	return r
}

func (r *cellRows) readResults(t *testing.T, db *sql.DB) {
	pillars := map[int64]map[string]float64{}
	query(t, db, "SELECT response_id, pillar, score FROM pillar_scores WHERE scored = 1", func(rs *sql.Rows) error {
		var id int64
		var p string
		var v float64
		err := rs.Scan(&id, &p, &v)
		if pillars[id] == nil {
			pillars[id] = map[string]float64{}
		}
		pillars[id][p] = v
		return err
	})
	in := storetest.Instrument(t)
	answers := map[int64]map[string][]string{}
	query(t, db, "SELECT response_id, question, options FROM answers", func(rs *sql.Rows) error {
		var id int64
		var q, opts string
		if err := rs.Scan(&id, &q, &opts); err != nil {
			return err
		}
		if answers[id] == nil {
			answers[id] = map[string][]string{}
		}
		var chosen []string
		err := json.Unmarshal([]byte(opts), &chosen)
		answers[id][q] = chosen
		return err
	})
	query(t, db, "SELECT id, firm_id, submitted_at, record_key, overall, level FROM responses WHERE status = 'submitted' ORDER BY submitted_at, id",
		func(rs *sql.Rows) error {
			var id, firm int64
			var res cellResult
			var key uint32
			if err := rs.Scan(&id, &firm, &res.at, &key, &res.rec.Overall, &res.rec.Level); err != nil {
				return err
			}
			for _, p := range in.Pillars {
				v, ok := pillars[id][p.ID]
				if !ok {
					v = math.NaN()
				}
				res.rec.Pillars = append(res.rec.Pillars, v)
			}
			res.rec.Key, res.rec.FirmKey = disclosure.ScoredKey(key, res.rec.Entry), r.firms[firm].key
			res.rec.Adoption = scoring.AdoptionBits(in.ID, answers[id])
			r.results[firm] = append(r.results[firm], res)
			return nil
		})
}

func query(t *testing.T, db *sql.DB, q string, each func(*sql.Rows) error) {
	t.Helper()
	rs, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	for rs.Next() {
		if err := each(rs); err != nil {
			t.Fatal(err)
		}
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
}

// recompute is the definition: at the end of quarter q, each firm counts
// its last result submitted before then, in the province, in the groups
// of its current dimensions, and in each association it is a member of,
// in the stratum of its consent at q's start.
func recompute(r *cellRows, in *survey.Instrument, q scoring.Quarter) map[string][2]disclosure.Tally {
	out := map[string][2]disclosure.Tally{}
	add := func(g string, stratum int, rec disclosure.Record) {
		st, ok := out[g]
		if !ok {
			st = [2]disclosure.Tally{disclosure.NewTally(len(in.Pillars)), disclosure.NewTally(len(in.Pillars))}
		}
		st[stratum].Add(rec)
		out[g] = st
	}
	for id, f := range r.firms {
		var cur *cellResult
		for i, res := range r.results[id] {
			if res.at.Before(q.End()) {
				cur = &r.results[id][i]
			}
		}
		if cur == nil {
			continue
		}
		add("p", 1, cur.rec)
		for _, g := range []string{"d:" + f.division, "s:" + f.section, "z:" + f.size, "w:" + f.ward, "k:" + f.park} {
			if len(g) > 2 {
				add(g, 1, cur.rec)
			}
		}
		if f.section != "" && f.size != "" {
			add("x:"+f.section+"|"+f.size, 1, cur.rec)
		}
		for _, a := range f.assocs {
			stratum := 1
			for _, e := range r.consent[[2]int64{id, a}] {
				if e.at.Before(q.Start()) {
					stratum = map[bool]int{true: 0, false: 1}[e.shared]
				}
			}
			add(fmt.Sprintf("a:%d", a), stratum, cur.rec)
		}
	}
	return out
}

// tallyDiff says how got differs from want: counts and keys exactly, sums
// within rounding.
func tallyDiff(got, want disclosure.Tally) string {
	if want.Pillars == nil {
		want = disclosure.NewTally(len(got.Pillars))
	}
	if got.Adopt != want.Adopt {
		return fmt.Sprintf("adoption counts %v, want %v", got.Adopt, want.Adopt)
	}
	if got.N != want.N || got.Key != want.Key || got.FirmKey != want.FirmKey || got.Levels != want.Levels || got.Bands != want.Bands {
		return fmt.Sprintf("got n=%d keys %d/%d levels %v bands %v, want n=%d keys %d/%d levels %v bands %v",
			got.N, got.Key, got.FirmKey, got.Levels, got.Bands, want.N, want.Key, want.FirmKey, want.Levels, want.Bands)
	}
	if math.Abs(got.Sum-want.Sum) > 1e-6 {
		return fmt.Sprintf("sum %v, want %v", got.Sum, want.Sum)
	}
	for i := range want.Pillars {
		if got.Pillars[i].N != want.Pillars[i].N || math.Abs(got.Pillars[i].Sum-want.Pillars[i].Sum) > 1e-6 {
			return fmt.Sprintf("pillar %d: %+v, want %+v", i, got.Pillars[i], want.Pillars[i])
		}
	}
	return ""
}

// VerifyAggregates finds cells written behind the store's back, and a
// rebuild mends them.
func TestVerifyAggregatesFindsTamperingAndRebuildMendsIt(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	storetest.SevenWoodFirms(t, s, fx, in)
	c, err := s.VerifyAggregates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Firms != 7 || c.Cells == 0 || c.BadCells != 0 || c.BadInputs != 0 {
		t.Fatalf("a store kept by its own writes: %+v", c)
	}
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Behind the store's back: the province's last change moved to the next
	// quarter, and a firm's kept contribution deleted.
	if _, err := db.Exec(`UPDATE agg_cells SET quarter = quarter + 1 WHERE grp = 'p' AND quarter = (SELECT MAX(quarter) FROM agg_cells WHERE grp = 'p')`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DELETE FROM agg_inputs WHERE firm_id = (SELECT MIN(firm_id) FROM agg_inputs)`); err != nil {
		t.Fatal(err)
	}
	if c, err = s.VerifyAggregates(ctx); err != nil || c.BadCells != 2 || c.BadInputs != 1 {
		t.Fatalf("tampered cells: %+v, %v", c, err)
	}
	if err := s.RebuildAggregates(ctx); err != nil {
		t.Fatal(err)
	}
	if c, err = s.VerifyAggregates(ctx); err != nil || c.BadCells != 0 || c.BadInputs != 0 || c.Firms != 7 {
		t.Fatalf("after a rebuild: %+v, %v", c, err)
	}
}

// checkRegistry compares the registry's counts by group (migration 0019)
// with the firms counted one by one.
func (w *cellsWorld) checkRegistry(when string, rows *cellRows) {
	w.t.Helper()
	want := map[string]int{}
	for _, f := range rows.firms {
		want["p"]++
		for _, g := range []string{"d:" + f.division, "s:" + f.section, "z:" + f.size, "w:" + f.ward, "k:" + f.park} {
			if len(g) > 2 {
				want[g]++
			}
		}
		if f.section != "" && f.size != "" {
			want["x:"+f.section+"|"+f.size]++
		}
	}
	got, err := w.s.RegistryCounts(ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	for g, n := range want {
		if got[g] != n {
			w.t.Fatalf("%s: the registry holds %d firms in %s, its counter says %d", when, n, g, got[g])
		}
	}
	for g, n := range got {
		if n != want[g] && !strings.HasPrefix(g, "a:") {
			w.t.Fatalf("%s: counter %s says %d, the registry holds %d", when, g, n, want[g])
		}
	}
}
