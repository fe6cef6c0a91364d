package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"dxready/auth"
	"dxready/scoring"
	"dxready/store/storetest"
	"dxready/survey"
)

// The attack from issue 11: two users of one firm. A opens the review, B
// changes an answer, A submits what A reviewed. The submission is refused
// with the review page as the draft now is (B's change listed), nothing is
// stored; A reviews again and submits, and the stored score is the score
// of the stored answers.
func TestSubmitOfAChangedDraftIsRefused(t *testing.T) {
	e := newEnv(t)
	in := storetest.Instrument(t)
	hash, err := auth.NewHasher(storetest.Cheap, 1).Hash(ctx, storetest.Password)
	if err != nil {
		t.Fatal(err)
	}
	colleague := &auth.User{Email: "b@test.local", Name: "Trần Văn Bình", Role: auth.RoleFirm, FirmID: e.fx.GoDuc.ID,
		Status: auth.StatusActive, Lang: "vi", PasswordHash: hash, EmailVerified: true}
	if err := e.st.CreateUser(ctx, colleague); err != nil {
		t.Fatal(err)
	}
	a := e.client().login("firm@test.local")
	b := e.client().login("b@test.local")
	id := startAssessment(t, a)
	answers := map[string]survey.Answer{}
	for _, q := range in.Questions() {
		answers[q.ID] = survey.Answer{Options: []string{q.Options[len(q.Options)-1].ID}}
	}
	if err := e.st.SaveAnswers(ctx, id, e.fx.GoDuc.ID, answers, e.fx.FirmUser.ID); err != nil {
		t.Fatal(err)
	}
	review := a.get(fmt.Sprintf("/assessment/%d/review", id))
	reviewed := versionOn(t, review)

	q, _ := in.Question("cx.website")
	must(t, b.post(fmt.Sprintf("/assessment/%d/answer", id), url.Values{"question": {q.ID}, "q." + q.ID: {q.Options[0].ID}}), http.StatusNoContent)

	r := a.post(fmt.Sprintf("/assessment/%d/submit", id), url.Values{"version": {reviewed}})
	must(t, r, http.StatusConflict, "Đã có người thay đổi câu trả lời sau khi bạn xem lại", "Trần Văn Bình", `id="submit-assessment"`)
	if d, _ := e.st.FindResponse(ctx, id); d.Status != survey.Draft {
		t.Fatal("the refused submission was stored")
	}
	if subs, _ := e.st.Submissions(ctx, e.fx.GoDuc.ID); len(subs) != 0 {
		t.Fatalf("submissions after a refused submit: %+v", subs)
	}
	// A form without a version (a page from before versions) is refused too.
	must(t, a.post(fmt.Sprintf("/assessment/%d/submit", id), nil), http.StatusConflict)

	// A reviews the page shown and submits its version.
	must(t, a.post(fmt.Sprintf("/assessment/%d/submit", id), url.Values{"version": {versionOn(t, r)}}), http.StatusSeeOther)
	stored, err := e.st.FindResponse(ctx, id)
	if err != nil || stored.Status != survey.Submitted || stored.Answers[q.ID].Options[0] != q.Options[0].ID {
		t.Fatalf("stored = %+v, %v", stored, err)
	}
	want := scoring.Score(in, stored.Profile, stored.Answers)
	subs, _ := e.st.Submissions(ctx, e.fx.GoDuc.ID)
	if len(subs) != 1 || subs[0].Overall != want.Overall || subs[0].Level != want.Level {
		t.Fatalf("stored score %+v does not match the stored answers' score %v/%d", subs, want.Overall, want.Level)
	}
}

func versionOn(t *testing.T, r resp) string {
	t.Helper()
	m := regexp.MustCompile(`name="version" value="([0-9a-f]{32})"`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no version on the page: %d %.500s", r.status, r.body)
	}
	return m[1]
}
