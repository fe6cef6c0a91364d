package web

import (
	"database/sql"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"dxready/auth"
	"dxready/locale"
	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// resultStates walks the fixture firm (GoDuc, a member of the wood
// association with seven scored colleagues) through what changes its
// result pages: results, sharing, a group's members, a consultation held
// and its action plan, and rows another tool writes by hand. check is
// called after each change with what changed.
type resultStates struct {
	t   *testing.T
	e   *env
	in  *survey.Instrument
	c   *client
	raw *sql.DB
}

func newResultStates(t *testing.T) *resultStates {
	e := newEnv(t)
	in := storetest.Instrument(t)
	storetest.SevenWoodFirms(t, e.st, e.fx, in)
	raw, err := sql.Open("sqlite", "file:"+e.st.Path()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return &resultStates{t: t, e: e, in: in, c: e.client().login("firm@test.local"), raw: raw}
}

// submit takes the assessment through the portal, every question answered
// with its option at index pick (or the last), and returns the response.
func (rs *resultStates) submit(pick int) int64 {
	rs.t.Helper()
	id := startAssessment(rs.t, rs.c)
	answers := map[string]survey.Answer{}
	for _, q := range rs.in.Questions() {
		answers[q.ID] = survey.Answer{Options: []string{q.Options[min(pick, len(q.Options)-1)].ID}}
	}
	if err := rs.e.st.SaveAnswers(ctx, id, rs.e.fx.GoDuc.ID, answers, rs.e.fx.FirmUser.ID); err != nil {
		rs.t.Fatal(err)
	}
	must(rs.t, submitReviewed(rs.t, rs.c, id), http.StatusSeeOther)
	return id
}

// exec runs statements as another tool would, on a connection of its own.
func (rs *resultStates) exec(q string, args ...any) {
	rs.t.Helper()
	if _, err := rs.raw.ExecContext(ctx, q, args...); err != nil {
		rs.t.Fatalf("%s: %v", q, err)
	}
}

// joinWood adds a new member of the wood association with a result.
func (rs *resultStates) joinWood(body int, overall float64) int64 {
	rs.t.Helper()
	f := *rs.e.fx.NoiThat
	f.ID, f.TaxCode, f.Name = 0, storetest.TaxCodeFrom(body), "Công ty Gỗ mới "+strconv.Itoa(body)
	if err := rs.e.st.CreateFirm(ctx, &f); err != nil {
		rs.t.Fatal(err)
	}
	res := scoring.Result{Instrument: rs.in.Key(), Overall: overall, Level: 2,
		Pillars: []scoring.PillarScore{{PillarID: "customer", Score: overall, Scored: true}}}
	if err := rs.e.st.LoadSubmissions(ctx, rs.in, []store.PastSubmission{{FirmID: f.ID, Result: res, SubmittedAt: rs.e.fx.Clock.Now().Add(-time.Minute)}}); err != nil {
		rs.t.Fatal(err)
	}
	if err := rs.e.st.AddMemberships(ctx, rs.e.fx.Wood.ID, []int64{f.ID}); err != nil {
		rs.t.Fatal(err)
	}
	return f.ID
}

// holdConsultation books the advisor, marks the consultation held and
// adds an item to its plan; it returns the booking's ID.
func (rs *resultStates) holdConsultation() int64 {
	rs.t.Helper()
	path, nine := bookNine(rs.t, rs.e)
	rs.e.setNow(nine.Add(2 * time.Hour).UTC())
	adv := rs.e.client().login("advisor@test.local")
	must(rs.t, adv.post(path+"/outcome", url.Values{"outcome": {"done"}}), http.StatusSeeOther)
	m := regexp.MustCompile(`/bookings/(\d+)`).FindStringSubmatch(path)
	if m == nil {
		rs.t.Fatalf("booking path %q", path)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	it := &store.ActionItem{BookingID: id, Pillar: "data", Text: "Sao lưu dữ liệu hằng tuần", Owner: "firm", Due: "2026-12-20"}
	if err := rs.e.st.AddActionItem(ctx, it, store.Actor{UserID: rs.e.fx.Advisor.ID, Party: "advisor"}); err != nil {
		rs.t.Fatal(err)
	}
	rs.c = rs.e.client().login("firm@test.local") // the clock moved
	return id
}

// viewers are the users who may or may not open the firm's results.
func (rs *resultStates) viewers() []*auth.User {
	fx := rs.e.fx
	other := &auth.User{ID: fx.FirmUser.ID, Role: auth.RoleFirm, FirmID: fx.Kho.ID, Email: fx.FirmUser.Email, Name: fx.FirmUser.Name}
	return []*auth.User{fx.FirmUser, fx.Admin, fx.Advisor, fx.Lead, other}
}

// The result page read in one transaction (store.ReadResult, the firm's
// inputs once for all groups, literal limits) is byte for byte the page
// read piece by piece as before, for every result of the firm's history,
// every viewer (the firm, the Center, the advisor it booked, its
// association's lead, another firm) and both languages, after each change
// that moves what the page shows.
func TestResultPageReadInOneGoIsThePageReadPieceByPiece(t *testing.T) {
	rs := newResultStates(t)
	e := rs.e
	pages, groups, progress, actions, previous := 0, 0, 0, 0, 0
	check := func(state string) {
		t.Helper()
		subs, err := e.st.Submissions(ctx, e.fx.GoDuc.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, sub := range subs {
			for _, u := range rs.viewers() {
				for _, l := range locale.Languages {
					fast, slow := e.resultBothWays(t, sub.ResponseID, u, l)
					if fast != slow {
						t.Fatalf("%s: result %d for %s (%s, firm %d) in %s: the page differs at byte %d:\n%s",
							state, sub.ResponseID, u.Email, u.Role, u.FirmID, l, firstDiff(fast, slow), around(fast, slow))
					}
					pages++
					groups += strings.Count(fast, `id="compare-note"`)
					progress += strings.Count(fast, `class="delta-`)
					actions += strings.Count(fast, "Sao lưu dữ liệu hằng tuần")
					previous += len(changeColumn.FindAllString(fast, -1))
				}
			}
		}
	}
	rs.submit(0)
	check("a first result")
	if err := e.st.SetSharing(ctx, e.fx.GoDuc.ID, e.fx.Wood.ID, true, e.fx.FirmUser.ID); err != nil {
		t.Fatal(err)
	}
	check("shared with the association")
	rs.joinWood(372300000, 90)
	check("a member joined the group")
	booking := rs.holdConsultation()
	check("a consultation held, with a plan")
	e.setNow(time.Date(2026, 12, 24, 3, 0, 0, 0, time.UTC))
	rs.c = e.client().login("firm@test.local")
	rs.submit(2)
	check("a second result after the consultation")
	if err := e.st.SetSharing(ctx, e.fx.GoDuc.ID, e.fx.Wood.ID, false, e.fx.FirmUser.ID); err != nil {
		t.Fatal(err)
	}
	check("sharing withdrawn")
	rs.exec("UPDATE associations SET name_vi = 'Hiệp hội Gỗ đổi tên', name_en = 'Renamed Wood' WHERE id = ?", e.fx.Wood.ID)
	rs.exec("UPDATE pillar_scores SET score = score + 7 WHERE response_id = (SELECT MIN(id) FROM responses WHERE firm_id = ? AND status = 'submitted')", e.fx.GoDuc.ID)
	check("an association renamed and an earlier score changed by hand")
	rs.exec("UPDATE bookings SET status = 'cancelled' WHERE id = ?", booking)
	check("the consultation cancelled by hand")
	rs.exec("UPDATE firms SET vsic_code = '4610' WHERE id = ?", e.fx.GoDuc.ID)
	check("the firm moved to another industry by hand")
	rs.submit(1)
	check("a third result")
	t.Logf("pages %d groups %d progress %d actions %d previous %d", pages, groups, progress, actions, previous)
	if groups == 0 || progress == 0 || actions == 0 || previous == 0 {
		t.Fatalf("%d pages showed %d comparisons, %d changes since a consultation, %d action items, %d previous results: the test lost its cases",
			pages, groups, progress, actions, previous)
	}
}

// changeColumn is the head of a result table with the column of changes
// since the previous result.
var changeColumn = regexp.MustCompile(`<thead><tr>(<th scope="col">[^<]*</th>){4}</tr></thead>`)
