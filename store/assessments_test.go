package store_test

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"dxready/firms"
	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

func TestAssessmentLifecycle(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	p := survey.Profile{Section: "C", Size: "medium"}
	d, err := s.Draft(ctx, fx.GoDuc.ID, in, p, fx.FirmUser.ID)
	if err != nil || d.Status != survey.Draft || d.Instrument != "dbi-2021@1" || d.Profile != p {
		t.Fatalf("draft = %+v, %v", d, err)
	}
	again, _ := s.Draft(ctx, fx.GoDuc.ID, in, p, fx.FirmUser.ID)
	if again.ID != d.ID {
		t.Fatal("a second draft was started instead of resuming the first")
	}
	answers := map[string]survey.Answer{"cx.website": {Options: []string{"weekly"}}, "cx.tools": {Options: nil}}
	if err := s.SaveAnswers(ctx, d.ID, fx.GoDuc.ID, answers, fx.FirmUser.ID); err != nil {
		t.Fatal(err)
	}
	// Sending the same answers again (a step re-sends all) records nothing new.
	if err := s.SaveAnswers(ctx, d.ID, fx.GoDuc.ID, answers, fx.FirmUser.ID); err != nil {
		t.Fatal(err)
	}
	if ch, _ := s.AnswerChanges(ctx, d.ID, 10); len(ch) != 2 || ch[0].UserName != "Nguyễn Văn An" {
		t.Fatalf("changes = %+v", ch)
	}
	got, _ := s.FindResponse(ctx, d.ID)
	if got.Answers["cx.website"].Options[0] != "weekly" || got.Answers["cx.tools"].Options == nil || len(got.Answers) != 2 {
		t.Fatalf("answers = %+v", got.Answers)
	}
	// Another firm cannot write into this draft.
	if err := s.SaveAnswers(ctx, d.ID, fx.Kho.ID, answers, fx.FirmUser.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("cross-firm save err = %v", err)
	}
	res := scoring.Score(in, p, got.Answers)
	if err := s.SubmitResponse(ctx, d.ID, fx.GoDuc.ID, fx.FirmUser.ID, got.Version(), res); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAnswers(ctx, d.ID, fx.GoDuc.ID, answers, fx.FirmUser.ID); !errors.Is(err, store.ErrSubmitted) {
		t.Fatalf("saving into a submitted response err = %v", err)
	}
	if err := s.SubmitResponse(ctx, d.ID, fx.GoDuc.ID, fx.FirmUser.ID, got.Version(), res); !errors.Is(err, store.ErrSubmitted) {
		t.Fatalf("second submit err = %v", err)
	}
	subs, err := s.Submissions(ctx, fx.GoDuc.ID)
	if err != nil || len(subs) != 1 || subs[0].ResponseID != d.ID || subs[0].Level != res.Level || len(subs[0].Pillars) != 6 {
		t.Fatalf("submissions = %+v, %v", subs, err)
	}
	// Retaking starts a new draft.
	next, _ := s.Draft(ctx, fx.GoDuc.ID, in, p, fx.FirmUser.ID)
	if next.ID == d.ID || len(next.Answers) != 0 {
		t.Fatalf("retake draft = %+v", next)
	}
}

// Many users of one firm opening the survey at once get one shared draft.
func TestConcurrentDraftsAreOne(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	ids := make(chan int64, 20)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			d, err := s.Draft(ctx, fx.GoDuc.ID, in, survey.Profile{}, fx.FirmUser.ID)
			if err != nil {
				t.Error(err)
				return
			}
			ids <- d.ID
		})
	}
	wg.Wait()
	close(ids)
	first := <-ids
	for id := range ids {
		if id != first {
			t.Fatalf("two drafts: %d and %d", first, id)
		}
	}
}

func TestCheckInstruments(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	if err := s.CheckInstruments(ctx, map[string]string{}); err != nil {
		t.Fatalf("nothing used yet: %v", err)
	}
	s.Draft(ctx, fx.GoDuc.ID, in, survey.Profile{}, 0)
	if err := s.CheckInstruments(ctx, map[string]string{in.Key(): in.Hash}); err != nil {
		t.Fatal(err)
	}
	if err := s.CheckInstruments(ctx, map[string]string{in.Key(): "different"}); err == nil || !strings.Contains(err.Error(), "changed") {
		t.Fatalf("changed file err = %v", err)
	}
	if err := s.CheckInstruments(ctx, map[string]string{}); err == nil || !strings.Contains(err.Error(), "no longer shipped") {
		t.Fatalf("missing file err = %v", err)
	}
}

// A firm is compared with the others of its group: never with itself, so
// re-taking the survey changes nothing it is compared with (no fresh noise
// on the same others), and a group of fewer than five others shows nothing.
func TestCompareExcludesTheFirmAndSmallGroups(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	// Seven wood firms with results 10, 20, … 70 overall.
	var ids []int64
	for i := range 7 {
		f := *fx.NoiThat
		f.ID, f.TaxCode, f.Name = 0, firmsCode(t, 371100000+i*10), "Công ty Gỗ "+string(rune('A'+i))
		if err := s.CreateFirm(ctx, &f); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, f.ID)
		res := scoring.Result{Instrument: in.Key(), Overall: float64(10 * (i + 1)), Level: 1,
			Pillars: []scoring.PillarScore{{PillarID: "customer", Score: float64(10 * (i + 1)), Scored: true}}}
		if err := s.LoadSubmissions(ctx, in, []store.PastSubmission{{FirmID: f.ID, Result: res, SubmittedAt: storetest.Clock.Add(-time.Hour)}}); err != nil {
			t.Fatal(err)
		}
	}
	s.AddMemberships(ctx, fx.Logistics.ID, ids[:5]) // five in logistics
	snap, _ := s.Snapshot(ctx, in)
	wood := compare(t, snap, ids[0], store.Group{Division: "16"})
	if wood.N != 6 || wood.Suppressed || !wood.Perturbed || wood.Pillars[0].N != 6 || wood.Below(45) < 0 || wood.Below(45) > 100 {
		t.Fatalf("division 16 without the firm: %+v", wood)
	}
	if member := compare(t, snap, ids[0], store.Group{AssociationID: fx.Logistics.ID}); member.N != 4 || !member.Suppressed || member.Pillars[0].Mean != 0 {
		t.Fatalf("a member sees four others, which must be suppressed: %+v", member)
	}
	if outsider := compare(t, snap, ids[6], store.Group{AssociationID: fx.Logistics.ID}); outsider.N != 5 || outsider.Suppressed {
		t.Fatalf("a non-member sees all five: %+v", outsider)
	}
	// Every firm of the group sees the group's one noise, its own result
	// left out: two firms' figures differ by exactly their own scores
	// (10 and 20), so pooling many firms' pages gathers no second noise.
	other := compare(t, snap, ids[1], store.Group{Division: "16"})
	if d := (wood.Overall.Mean - other.Overall.Mean) * 6; math.Abs(d-10) > 1e-9 {
		t.Fatalf("two firms see different noises: %v vs %v (difference ×6 = %v, want 10)", wood.Overall.Mean, other.Overall.Mean, d)
	}
	if d := (wood.Pillars[0].Mean - other.Pillars[0].Mean) * 6; math.Abs(d-10) > 1e-9 {
		t.Fatalf("two firms see different pillar noises: ×6 difference %v, want 10", d)
	}
	// The firm submits again: the same six others.
	res := scoring.Result{Instrument: in.Key(), Overall: 95, Level: 5, Pillars: []scoring.PillarScore{{PillarID: "customer", Score: 95, Scored: true}}}
	if err := s.LoadSubmissions(ctx, in, []store.PastSubmission{{FirmID: ids[0], Result: res, SubmittedAt: storetest.Clock.Add(-time.Minute)}}); err != nil {
		t.Fatal(err)
	}
	again, _ := s.Snapshot(ctx, in)
	if w := compare(t, again, ids[0], store.Group{Division: "16"}); w.N != 6 || w.Suppressed {
		t.Fatalf("re-taking the survey changed who the firm is compared with: %+v", w)
	}
}

func firmsCode(t *testing.T, body int) firms.TaxCode {
	t.Helper()
	for ; ; body++ {
		if d, ok := firms.CheckDigit(strconv.Itoa(body)); ok {
			return firms.TaxCode(strconv.Itoa(body) + string(d))
		}
	}
}

// An open draft follows the firm's profile; a submitted response keeps the
// profile it was scored with.
func TestDraftFollowsTheFirmProfile(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	f := *fx.Kho // logistics (H)
	d, _ := s.Draft(ctx, f.ID, in, survey.Profile{Section: f.Section, Size: string(f.SizeClass)}, fx.FirmUser.ID)
	old, _ := s.Draft(ctx, fx.GoDuc.ID, in, survey.Profile{Section: "C", Size: "medium"}, fx.FirmUser.ID)
	if err := s.SubmitResponse(ctx, old.ID, fx.GoDuc.ID, fx.FirmUser.ID, old.Version(), scoring.Score(in, old.Profile, nil)); err != nil {
		t.Fatal(err)
	}
	f.VSICCode, f.Section, f.SizeClass = "1629", "C", firms.Small
	if err := s.UpdateFirm(ctx, &f); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.FindResponse(ctx, d.ID); got.Profile != (survey.Profile{Section: "C", Size: "small"}) {
		t.Fatalf("draft profile = %+v", got.Profile)
	}
	g := *fx.GoDuc
	g.SizeClass = firms.Micro
	if err := s.UpdateFirm(ctx, &g); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.FindResponse(ctx, old.ID); got.Profile.Size != "medium" {
		t.Fatalf("a submitted response's profile changed: %+v", got.Profile)
	}
}

// Two users of one firm: A reviews the draft, B changes an answer, A
// submits what A reviewed. The store refuses (ErrConflict) and writes
// nothing, so the stored score never disagrees with the stored answers.
// The firm's profile changing under the draft counts as a change too; a
// save that changes nothing does not.
func TestSubmitRefusesAChangedDraft(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	p := survey.Profile{Section: "C", Size: "medium"}
	d, _ := s.Draft(ctx, fx.GoDuc.ID, in, p, fx.FirmUser.ID)
	save := func(q, o string) {
		t.Helper()
		if err := s.SaveAnswers(ctx, d.ID, fx.GoDuc.ID, map[string]survey.Answer{q: {Options: []string{o}}}, fx.FirmUser.ID); err != nil {
			t.Fatal(err)
		}
	}
	save("cx.website", "weekly")
	reviewed, _ := s.FindResponse(ctx, d.ID) // A's review page
	save("cx.website", "weekly")             // an unchanged save keeps the version
	if now, _ := s.FindResponse(ctx, d.ID); now.Version() != reviewed.Version() {
		t.Fatal("a save that changed nothing changed the version")
	}
	save("cx.website", "none") // B
	res := scoring.Score(in, reviewed.Profile, reviewed.Answers)
	if err := s.SubmitResponse(ctx, d.ID, fx.GoDuc.ID, fx.FirmUser.ID, reviewed.Version(), res); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("submit of a changed draft: err = %v, want ErrConflict", err)
	}
	stored, _ := s.FindResponse(ctx, d.ID)
	if stored.Status != survey.Draft {
		t.Fatal("the refused submission was stored")
	}
	if subs, _ := s.Submissions(ctx, fx.GoDuc.ID); len(subs) != 0 {
		t.Fatalf("submissions after a refused submit: %+v", subs)
	}
	// The firm's profile changes under the draft: the version moves again.
	f := *fx.GoDuc
	f.VSICCode, f.Section, f.SizeClass = "1629", "C", firms.Small
	if err := s.UpdateFirm(ctx, &f); err != nil {
		t.Fatal(err)
	}
	if err := s.SubmitResponse(ctx, d.ID, fx.GoDuc.ID, fx.FirmUser.ID, stored.Version(), res); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("submit after a profile change: err = %v, want ErrConflict", err)
	}
	// Reviewed again, the current version submits, with the score of the
	// stored answers.
	current, _ := s.FindResponse(ctx, d.ID)
	res = scoring.Score(in, current.Profile, current.Answers)
	if err := s.SubmitResponse(ctx, d.ID, fx.GoDuc.ID, fx.FirmUser.ID, current.Version(), res); err != nil {
		t.Fatal(err)
	}
	subs, _ := s.Submissions(ctx, fx.GoDuc.ID)
	if len(subs) != 1 || subs[0].Overall != res.Overall || subs[0].Level != res.Level {
		t.Fatalf("submissions = %+v, want the score of the stored answers %+v", subs, res)
	}
}
