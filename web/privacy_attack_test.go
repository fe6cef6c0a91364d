package web

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"dxready/firms"
	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// The attack of issue 11, played over HTTP by association leads with every
// view they can open: the dashboard at every period and filter, the
// figures and member downloads, the member list. In each association,
// eight members submitted in the third quarter of 2026 (half of them
// sharing with the association, or all eight) and one member that does not
// share, the target, submitted in the fourth. The lead differences the
// whole association's figures between the end of Q3 and now, overall and
// by pillar, subtracts every result shared with it, and takes the level
// count that grew. With exact figures this recovers every target (the
// control at the end); here it must not: the share of targets put within
// ±5 points, or given their level, stays near what a guess from the
// published average alone achieves. docs/PRIVACY.md describes the method;
// package disclosure's tests measure it over thousands of associations.
func TestLeadCannotRecoverANonSharingResult(t *testing.T) {
	in := storetest.Instrument(t)
	rng := rand.New(rand.NewPCG(2026, 11))
	var score, level, baseScore, baseLevel, n int
	e := newEnv(t) // one portal: successful sign-ins do not count against the address
	var scenarios []attackScenario
	for i := range 40 {
		scenarios = append(scenarios, newAttackScenario(t, e, in, i, rng))
	}
	storetest.FixRecordKeys(t, e.st, 0xd15c105e)
	for _, sc := range scenarios {
		est := sc.play(t, e, in)
		n++
		if math.Abs(est.score-sc.target.Overall) <= 5 {
			score++
		}
		if est.level == sc.target.Level {
			level++
		}
		if math.Abs(est.published-sc.target.Overall) <= 5 {
			baseScore++
		}
		if in.LevelFor(est.published).Level == sc.target.Level {
			baseLevel++
		}
		// The control: the same arithmetic on exact figures is exact.
		if ex := sc.exactEstimate(); math.Abs(ex.score-sc.target.Overall) > 1e-6 || ex.level != sc.target.Level {
			t.Fatalf("the attack itself is wrong: on exact figures it gives %.3f level %d for %.3f level %d", ex.score, ex.level, sc.target.Overall, sc.target.Level)
		}
	}
	t.Logf("%d targets: score within ±5 points %d (from the published average alone %d), level right %d (%d)", n, score, baseScore, level, baseLevel)
	if score > baseScore+n/8 || score > n*2/5 {
		t.Errorf("differencing put %d of %d targets within ±5 points; the published average alone, %d", score, n, baseScore)
	}
	if level > baseLevel+n/8 {
		t.Errorf("differencing gave %d of %d targets their level; the published average alone, %d", level, n, baseLevel)
	}
}

// attackScenario is one association: its lead, eight earlier results
// (shared ones first) and the target's.
type attackScenario struct {
	assocID int64
	lead    string
	name    string
	shared  int
	earlier []scoring.Result
	target  scoring.Result
	firm    *firms.Firm // the target
}

type attackEstimate struct {
	score, published float64 // the attacker's estimate, and the published average
	level            int
}

func newAttackScenario(t *testing.T, e *env, in *survey.Instrument, i int, rng *rand.Rand) attackScenario {
	t.Helper()
	a := firms.Association{Code: fmt.Sprintf("atk%02d", i), NameVI: fmt.Sprintf("Hiệp hội thử %02d", i), NameEN: fmt.Sprintf("Test association %02d", i)}
	if err := e.st.CreateAssociation(ctx, &a); err != nil {
		t.Fatal(err)
	}
	sc := attackScenario{assocID: a.ID, lead: fmt.Sprintf("lead%02d@attack.local", i), name: a.NameVI, shared: 4}
	if i%2 == 1 {
		sc.shared = 8 // the target is the only member that does not share
	}
	storetest.Lead(t, e.st, sc.lead, a.ID)
	var ids []int64
	var subs []store.PastSubmission
	q3 := time.Date(2026, 8, 15, 3, 0, 0, 0, time.UTC)
	for j := range 9 {
		f := *e.fx.NoiThat
		f.ID, f.TaxCode, f.Name = 0, storetest.TaxCodeFrom(380000000+i*1000+j*10), fmt.Sprintf("Công ty %02d-%d", i, j)
		f.WardCode = []string{"25813", "25760", "25942"}[j%3]
		if err := e.st.CreateFirm(ctx, &f); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, f.ID)
		res := randomResult(in, rng)
		at := q3.Add(time.Duration(j) * time.Hour)
		if j == 8 {
			sc.target, sc.firm, at = res, &f, time.Date(2026, 11, 10, 3, 0, 0, 0, time.UTC)
		} else {
			sc.earlier = append(sc.earlier, res)
		}
		subs = append(subs, store.PastSubmission{FirmID: f.ID, Result: res, SubmittedAt: at})
	}
	if err := e.st.LoadSubmissions(ctx, in, subs); err != nil {
		t.Fatal(err)
	}
	if err := e.st.AddMemberships(ctx, a.ID, ids); err != nil {
		t.Fatal(err)
	}
	if err := e.st.AddSharing(ctx, a.ID, ids[:sc.shared]); err != nil {
		t.Fatal(err)
	}
	return sc
}

// randomResult is a result shaped like the demo's: pillars around a firm's
// own base, overall their mean, level by the instrument.
func randomResult(in *survey.Instrument, rng *rand.Rand) scoring.Result {
	base := 50 + rng.NormFloat64()*16
	res := scoring.Result{Instrument: in.Key()}
	for _, p := range in.Pillars {
		v := math.Round(max(0, min(100, base+rng.NormFloat64()*10))*10) / 10
		res.Pillars = append(res.Pillars, scoring.PillarScore{PillarID: p.ID, Score: v, Scored: true})
		res.Overall += v / float64(len(in.Pillars))
	}
	res.Level = in.LevelFor(res.Overall).Level
	return res
}

// wholeRow is the whole association's row of a figures download.
type wholeRow struct {
	n       int
	mean    float64
	levels  []int
	pillars []float64
}

// play is the lead's attack; it also checks that every view of the same
// figures agrees, that no filter narrows them, and that no view dates the
// target's submission finer than its quarter.
func (sc attackScenario) play(t *testing.T, e *env, in *survey.Instrument) attackEstimate {
	t.Helper()
	lead := e.client().login(sc.lead)
	now, trendQ3 := sc.wholeRows(t, lead, "")
	q3, _ := sc.wholeRows(t, lead, "quarter=2026-Q3")
	if q3.mean != trendQ3.mean || q3.n != 8 || now.n != 9 {
		t.Fatalf("%s: the end of Q3 reads %.1f (n=%d) in its own download and %.1f in the trend; now n=%d", sc.name, q3.mean, q3.n, trendQ3.mean, now.n)
	}
	page := lead.get(assocPath(sc.assocID, ""))
	if got := dashboardMean(t, page.body); got != now.mean {
		t.Fatalf("%s: the dashboard shows %.1f, the download %.1f", sc.name, got, now.mean)
	}
	for _, filter := range []string{"ward=" + sc.firm.WardCode, "size=" + string(sc.firm.SizeClass), "section=" + sc.firm.Section, "division=" + sc.firm.VSICCode[:2]} {
		if f, _ := sc.wholeRows(t, lead, filter); f.n != now.n || f.mean != now.mean {
			t.Fatalf("%s: filter %s changed the whole association's figures", sc.name, filter)
		}
		if got := dashboardMean(t, lead.get(assocPath(sc.assocID, "?"+filter)).body); got != now.mean {
			t.Fatalf("%s: filter %s moved the dashboard's average to %.1f", sc.name, filter, got)
		}
	}
	members := lead.get(assocPath(sc.assocID, "/members.csv")).body
	if strings.Contains(members, "10/11/2026") || strings.Contains(members, "2026-11-10") || !strings.Contains(members, "2026-Q4") {
		t.Fatalf("%s: the member list dates the target's submission finer than its quarter", sc.name)
	}
	sharedSum, sharedPillars := sc.sharedFromMemberList(t, readCSV(t, members), len(in.Pillars))
	return attack(now, q3, sc.shared, sharedSum, sharedPillars)
}

// attack estimates the target from two whole-association figures that
// differ by it: the overall sums, the pillar sums (their mean is the
// overall score), weighed 1:6 by their noise, and when the target is the
// only member not sharing, the total minus every shared result.
func attack(now, q3 wholeRow, shared int, sharedSum float64, sharedPillars []float64) attackEstimate {
	direct := float64(now.n)*now.mean - float64(q3.n)*q3.mean
	pill := 0.0
	for i := range now.pillars {
		pill += float64(now.n)*now.pillars[i] - float64(q3.n)*q3.pillars[i]
	}
	pill /= float64(len(now.pillars))
	est := (direct + 6*pill) / 7
	if shared == now.n-1 { // everyone else shares: subtract them too
		sub, subP := float64(now.n)*now.mean-sharedSum, 0.0
		for i := range now.pillars {
			subP += float64(now.n)*now.pillars[i] - sharedPillars[i]
		}
		est = (est + (sub+6*subP/float64(len(now.pillars)))/7) / 2
	}
	grew, best := 0, 0
	for l := range now.levels {
		if d := now.levels[l] - q3.levels[l]; d > grew || l == 0 {
			grew, best = d, l
		}
	}
	return attackEstimate{score: max(0, min(100, est)), published: now.mean, level: best}
}

// exactEstimate plays the same attack on the exact figures.
func (sc attackScenario) exactEstimate() attackEstimate {
	row := func(rs []scoring.Result) wholeRow {
		w := wholeRow{n: len(rs), levels: make([]int, scoring.Levels), pillars: make([]float64, len(rs[0].Pillars))}
		for _, r := range rs {
			w.mean += r.Overall / float64(len(rs))
			w.levels[r.Level]++
			for i, p := range r.Pillars {
				w.pillars[i] += p.Score / float64(len(rs))
			}
		}
		return w
	}
	sharedSum, sharedP := 0.0, make([]float64, len(sc.target.Pillars))
	for _, r := range sc.earlier[:sc.shared] {
		sharedSum += r.Overall
		for i, p := range r.Pillars {
			sharedP[i] += p.Score
		}
	}
	est := attack(row(append(append([]scoring.Result{}, sc.earlier...), sc.target)), row(sc.earlier), sc.shared, sharedSum, sharedP)
	return est
}

// wholeRows reads a figures download: the whole association's row, and
// its trend row for the end of 2026-Q3.
func (sc attackScenario) wholeRows(t *testing.T, c *client, query string) (whole, q3 wholeRow) {
	t.Helper()
	path := assocPath(sc.assocID, "/aggregates.csv")
	if query != "" {
		path += "?" + query
	}
	r := c.get(path)
	if r.status != http.StatusOK {
		t.Fatalf("%s: %d", path, r.status)
	}
	for _, rec := range readCSV(t, r.body)[1:] {
		switch {
		case rec[0] == "Toàn hiệp hội" && rec[1] == sc.name:
			whole = parseWhole(t, rec)
		case rec[0] == "Cuối quý" && rec[1] == "Quý 3/2026":
			q3 = parseWhole(t, rec)
		}
	}
	return whole, q3
}

func parseWhole(t *testing.T, rec []string) wholeRow {
	t.Helper()
	num := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("not a number %q in %v", s, rec)
		}
		return v
	}
	w := wholeRow{n: int(num(rec[3])), mean: num(rec[5+scoring.Levels])}
	for l := range scoring.Levels {
		w.levels = append(w.levels, int(num(rec[5+l])))
	}
	for _, p := range rec[5+scoring.Levels+5:] {
		w.pillars = append(w.pillars, num(p))
	}
	return w
}

// sharedFromMemberList sums the shared results the member download shows
// one by one: overall and per pillar.
func (sc attackScenario) sharedFromMemberList(t *testing.T, recs [][]string, pillars int) (float64, []float64) {
	t.Helper()
	sum, ps := 0.0, make([]float64, pillars)
	n := 0
	for _, rec := range recs[1:] {
		if rec[8] == "" {
			continue
		}
		n++
		v, _ := strconv.ParseFloat(rec[8], 64)
		sum += v
		for i := range pillars {
			p, _ := strconv.ParseFloat(rec[11+i], 64)
			ps[i] += p
		}
	}
	if n != sc.shared {
		t.Fatalf("%s: the member list shows %d scores, %d members share", sc.name, n, sc.shared)
	}
	return sum, ps
}

var groupMeanRe = regexp.MustCompile(`<strong id="group-mean">([0-9.,]+)</strong>`)

// dashboardMean reads the whole association's average off the page.
func dashboardMean(t *testing.T, body string) float64 {
	t.Helper()
	m := groupMeanRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the dashboard shows no average")
	}
	v, err := strconv.ParseFloat(strings.Replace(m[1], ",", ".", 1), 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
