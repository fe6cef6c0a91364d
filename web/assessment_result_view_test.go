package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
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

// The path on the result page starts with the pillar "Nên ưu tiên" names,
// the other pillars follow by the points their steps add, and a climb of
// several notches on one question is one line that counts its steps.
func TestResultPathOrderAndCollapsedLines(t *testing.T) {
	e := newEnv(t)
	in := storetest.Instrument(t)
	c := e.client().login("firm@test.local")
	id := startAssessment(t, c)
	answers := map[string]survey.Answer{}
	for i, q := range in.Questions() {
		pick := q.Options[0].ID
		if q.Type == survey.Single && i%3 == 0 {
			pick = q.Options[len(q.Options)-1].ID
		}
		answers[q.ID] = survey.Answer{Options: []string{pick}}
	}
	if err := e.st.SaveAnswers(ctx, id, e.fx.GoDuc.ID, answers, e.fx.FirmUser.ID); err != nil {
		t.Fatal(err)
	}
	must(t, submitReviewed(t, c, id), http.StatusSeeOther)
	res := c.get(fmt.Sprintf("/assessment/%d/result", id))
	// Every answer at its lowest but every third: Chiến lược is the weakest
	// pillar, and three notches on its plan question are one line.
	must(t, res, http.StatusOK, "<strong>Nâng dần: “Chưa có” → “Có, nhưng chưa thành văn bản” → “Có văn bản” → “Có văn bản và được rà soát, cập nhật định kỳ”</strong>",
		"3 bước, &#43;4,3 điểm chung", "Trong thực tế: doanh nghiệp", "14 bước, mỗi bước")
	advice := regexp.MustCompile(`<article class="advice">\s*<h3>([^<]+) <span`).FindStringSubmatch(res.body)
	heads := regexp.MustCompile(`<section class="path-pillar">\s*<h3>([^<]+) <span class="muted">&#43;([0-9,]+) `).FindAllStringSubmatch(res.body, -1)
	if advice == nil || len(heads) < 3 || heads[0][1] != advice[1] {
		t.Fatalf("the path starts at %v, \"Nên ưu tiên\" at %v", heads, advice)
	}
	for i := 2; i < len(heads); i++ { // after the priority: by the points the group adds
		if a, b := decimalVI(t, heads[i-1][2]), decimalVI(t, heads[i][2]); b > a {
			t.Fatalf("group %s (+%v) after %s (+%v)", heads[i][1], b, heads[i-1][1], a)
		}
	}
	steps := 0 // the lines count every step, as the intro does
	for _, li := range regexp.MustCompile(`<li class="path-step">.*?</li>`).FindAllString(res.body, -1) {
		if m := regexp.MustCompile(`(\d+) bước, &#43;`).FindStringSubmatch(li); m != nil {
			n, _ := strconv.Atoi(m[1])
			steps += n
		} else {
			steps++
		}
	}
	if steps != 14 {
		t.Fatalf("the lines count %d steps, the intro 14", steps)
	}
}

func decimalVI(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
