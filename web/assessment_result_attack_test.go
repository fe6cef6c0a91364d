package web

import (
	"net/http"
	"testing"
	"time"

	"dxready/locale"
	"dxready/scoring"
	"dxready/store"
)

// Attacks on the result page read in one go (store.ReadResult): a change
// to what the page shows, by the portal or by another tool on a
// connection of its own, must show on the very next view of the firm's
// latest result, as the page read piece by piece shows it, and the view
// before must have been different (the change is one the page shows).
type resultAttack struct {
	*resultStates
	id int64 // the result viewed
}

func newResultAttack(t *testing.T) *resultAttack {
	rs := newResultStates(t)
	return &resultAttack{resultStates: rs, id: rs.submit(0)}
}

// views renders the result both ways in each language, failing when they
// differ; it returns the served pages.
func (ra *resultAttack) views() map[string]string {
	ra.t.Helper()
	out := map[string]string{}
	for _, l := range locale.Languages {
		fast, slow := ra.e.resultBothWays(ra.t, ra.id, ra.e.fx.FirmUser, l)
		if fast != slow {
			ra.t.Fatalf("result %d in %s: the served page differs from the page read piece by piece at byte %d:\n%s", ra.id, l, firstDiff(fast, slow), around(fast, slow))
		}
		out[l] = fast
	}
	return out
}

// changes fails unless change moves the page in every language.
func (ra *resultAttack) changes(what string, change func()) {
	ra.t.Helper()
	before := ra.views()
	change()
	after := ra.views()
	for l, page := range after {
		if page == before[l] {
			ra.t.Fatalf("%s: the page in %s did not change", what, l)
		}
	}
}

// A consultation held shows its progress at once on the latest result, and
// a booking cancelled by hand takes it away; an older result never shows it.
func TestAttackResultPageFollowsBookingsAtOnce(t *testing.T) {
	ra := newResultAttack(t)
	first := ra.id
	ra.holdConsultation()
	ra.e.setNow(time.Date(2026, 12, 24, 3, 0, 0, 0, time.UTC))
	ra.c = ra.e.client().login("firm@test.local")
	var booking int64
	if err := ra.raw.QueryRowContext(ctx, "SELECT id FROM bookings WHERE firm_id = ?", ra.e.fx.GoDuc.ID).Scan(&booking); err != nil {
		t.Fatal(err)
	}
	ra.changes("a result after the consultation", func() { ra.id = ra.submit(2) })
	ra.changes("the consultation cancelled by another tool", func() {
		ra.exec("UPDATE bookings SET status = 'cancelled' WHERE id = ?", booking)
	})
	ra.changes("the consultation marked held again by another tool", func() {
		ra.exec("UPDATE bookings SET status = 'done' WHERE id = ?", booking)
	})
	ra.id = first // the older result: no progress, whatever the bookings
	ra.views()
}

// The firm's results: a new one makes the viewed one no longer the latest
// (its consultation's progress goes) and an earlier score changed by hand
// moves the column of changes.
func TestAttackResultPageFollowsResultsAtOnce(t *testing.T) {
	ra := newResultAttack(t)
	ra.changes("a second result", func() { ra.id = ra.submit(2) })
	ra.changes("the earlier result's scores changed by another tool", func() {
		ra.exec("UPDATE pillar_scores SET score = score + 7 WHERE response_id = (SELECT MIN(id) FROM responses WHERE firm_id = ? AND status = 'submitted')", ra.e.fx.GoDuc.ID)
	})
	ra.changes("the earlier result's time moved after the viewed one by another tool", func() {
		ra.exec("UPDATE responses SET submitted_at = ? WHERE id = (SELECT MIN(id) FROM responses WHERE firm_id = ? AND status = 'submitted')",
			time.Date(2027, 1, 5, 3, 0, 0, 0, time.UTC), ra.e.fx.GoDuc.ID)
	})
}

// A comparison group: a member joining with a result, a member's result
// rescored, the firm leaving its association or moving industry, and the
// association renamed by another tool all show at once.
func TestAttackResultPageFollowsComparisonGroupsAtOnce(t *testing.T) {
	ra := newResultAttack(t)
	ra.changes("a member joined with a result", func() { ra.joinWood(372300000, 90) })
	ra.changes("the association renamed by another tool", func() {
		ra.exec("UPDATE associations SET name_vi = 'Hiệp hội Gỗ đổi tên', name_en = 'Renamed Wood' WHERE id = ?", ra.e.fx.Wood.ID)
	})
	ra.changes("the firm moved to another industry by another tool", func() {
		ra.exec("UPDATE firms SET vsic_code = '4610' WHERE id = ?", ra.e.fx.GoDuc.ID)
	})
	ra.changes("the firm left its association", func() {
		ra.exec("DELETE FROM firm_associations WHERE firm_id = ? AND association_id = ?", ra.e.fx.GoDuc.ID, ra.e.fx.Wood.ID)
	})
}

// Consent: members' sharing moves a group's strata (shared results count
// apart from the others); the page shows the same figures as the page read
// piece by piece after each change, the firm's own consent included, which
// leaves its own comparison alone (the firm is never among its groups'
// figures, in whichever stratum its result sits).
func TestAttackResultPageFollowsConsentAtOnce(t *testing.T) {
	ra := newResultAttack(t)
	var wood []int64
	for i := range 7 { // seven more members: shared and other strata both large enough to show
		wood = append(wood, ra.joinWood(372300000+10*i, float64(30+7*i)))
	}
	before := ra.views()
	if err := ra.e.st.SetSharing(ctx, ra.e.fx.GoDuc.ID, ra.e.fx.Wood.ID, true, ra.e.fx.FirmUser.ID); err != nil {
		t.Fatal(err)
	}
	if after := ra.views(); after["vi"] != before["vi"] {
		t.Fatal("the firm's own consent moved its comparison with the others")
	}
	for _, id := range wood {
		if err := ra.e.st.SetSharing(ctx, id, ra.e.fx.Wood.ID, true, 0); err != nil {
			t.Fatal(err)
		}
		ra.views()
	}
	ra.exec("DELETE FROM result_sharing WHERE firm_id = ?", wood[0])
	ra.e.fx.Clock.Add(time.Second) // past the store's check for writes by another process
	ra.views()
	res := scoring.Result{Instrument: ra.in.Key(), Overall: 99, Level: 5, Pillars: []scoring.PillarScore{{PillarID: "customer", Score: 99, Scored: true}}}
	ra.changes("a sharing member's new result", func() {
		if err := ra.e.st.LoadSubmissions(ctx, ra.in, []store.PastSubmission{{FirmID: wood[1], Result: res, SubmittedAt: ra.e.fx.Clock.Now()}}); err != nil {
			t.Fatal(err)
		}
	})
	must(t, ra.c.get("/assessment/"+itoa(ra.id)+"/result"), http.StatusOK, `id="compare-note"`)
}
