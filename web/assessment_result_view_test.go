package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"dxready/store/storetest"
	"dxready/survey"
)

// The comparisons with other firms are the firm's own: its users see them,
// with the note on how they are protected; the Center (or an advisor, or
// a lead) opening the same result sees whose result it is and no group
// figures, so opening many firms' reports gathers nothing.
func TestComparisonsOnlyForTheFirmsOwnUsers(t *testing.T) {
	e := newEnv(t)
	in := storetest.Instrument(t)
	storetest.SevenWoodFirms(t, e.st, e.fx, in)
	c := e.client().login("firm@test.local")
	id := startAssessment(t, c)
	answers := map[string]survey.Answer{}
	for _, q := range in.Questions() {
		answers[q.ID] = survey.Answer{Options: []string{q.Options[0].ID}}
	}
	if err := e.st.SaveAnswers(ctx, id, e.fx.GoDuc.ID, answers, e.fx.FirmUser.ID); err != nil {
		t.Fatal(err)
	}
	must(t, submitReviewed(t, c, id), http.StatusSeeOther)
	path := fmt.Sprintf("/assessment/%d/result", id)
	own := c.get(path)
	must(t, own, http.StatusOK, `id="compare-note"`, "Hiệp hội Gỗ thử: điểm chung của doanh nghiệp cao hơn khoảng", "7 doanh nghiệp khác")
	if strings.Contains(own.body, `id="result-firm"`) || strings.Contains(own.body, `id="compare-own-only"`) {
		t.Fatal("the firm's own page hides its comparisons")
	}
	admin := e.client().login("admin@test.local").get(path)
	must(t, admin, http.StatusOK, `id="result-firm"`, e.fx.GoDuc.Name, `id="compare-own-only"`, `href="/firms/`)
	if strings.Contains(admin.body, "cao hơn khoảng") || strings.Contains(admin.body, "Trung bình: Hiệp hội") {
		t.Fatal("a viewer other than the firm sees its group figures")
	}
}
