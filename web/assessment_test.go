package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"dxready/firms"
	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// startAssessment opens the survey for c, as a user does (the intro page,
// then its start button, unless a draft is open), and returns the response id.
func startAssessment(t *testing.T, c *client) int64 {
	t.Helper()
	r := c.get("/assessment")
	if r.status == http.StatusOK {
		must(t, r, http.StatusOK, `id="begin-assessment"`)
		r = c.post("/assessment", nil)
	}
	m := regexp.MustCompile(`^/assessment/(\d+)/`).FindStringSubmatch(r.header.Get("Location"))
	if r.status != http.StatusSeeOther || m == nil {
		t.Fatalf("start: %d %s", r.status, r.header.Get("Location"))
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// submitReviewed opens the review page of draft id, as a user does, and
// submits the version it shows.
func submitReviewed(t *testing.T, c *client, id int64) resp {
	t.Helper()
	r := c.get(fmt.Sprintf("/assessment/%d/review", id))
	must(t, r, http.StatusOK)
	return c.post(fmt.Sprintf("/assessment/%d/submit", id), url.Values{"version": {versionOn(t, r)}})
}

// stepForm answers every question of pillar pi shown on the page body with
// the option at index pick (or the last one).
func stepForm(in *survey.Instrument, pi int, body string, pick int, nav string) url.Values {
	v := url.Values{"nav": {nav}}
	for _, q := range in.Pillars[pi].Questions {
		if !strings.Contains(body, `id="q-`+q.ID+`"`) {
			continue
		}
		v.Add("asked", q.ID)
		o := q.Options[min(pick, len(q.Options)-1)]
		if q.Type == survey.Multi {
			v.Add("shown", q.ID)
		}
		v.Set("q."+q.ID, o.ID)
	}
	return v
}

func TestAssessmentJourney(t *testing.T) {
	e := newEnv(t)
	in := storetest.Instrument(t)
	c := e.client().login("firm@test.local")
	// Looking at the intro page (a GET) starts nothing.
	must(t, c.get("/assessment"), http.StatusOK, "Tối đa 42 câu hỏi trong 6 trụ cột", "số câu trên thanh tiến độ có thể ít hơn", `action="/assessment"`)
	if _, err := e.st.FindDraft(ctx, e.fx.GoDuc.ID); err == nil {
		t.Fatal("a GET started a draft")
	}
	id := startAssessment(t, c)
	base := fmt.Sprintf("/assessment/%d", id)
	if loc := c.get("/assessment").header.Get("Location"); loc != base+"/step/1#q-cx.website" {
		t.Fatalf("resume at %s", loc)
	}
	for pi := range in.Pillars {
		step := fmt.Sprintf("%s/step/%d", base, pi+1)
		r := c.get(step)
		must(t, r, http.StatusOK, fmt.Sprintf("Bước %d/6", pi+1), "<fieldset", "<legend>")
		form := stepForm(in, pi, r.body, 3, "next")
		r = c.post(step, form)
		if in.Pillars[pi].ID == "operations" {
			// Production planning "full" opens the machine-data question on the same step.
			loc := r.header.Get("Location")
			if loc != step+"?opened=op.machine_data#opened-op.machine_data" {
				t.Fatalf("follow-up: %s", loc)
			}
			r = c.get(loc)
			must(t, r, http.StatusOK, `id="q-op.machine_data"`, `id="opened-op.machine_data"`, "vừa mở một câu hỏi tiếp theo")
			r = c.post(step, stepForm(in, pi, r.body, 3, "next"))
		}
		if r.status != http.StatusSeeOther {
			t.Fatalf("step %d: %d %.300s", pi+1, r.status, r.body)
		}
		if pi == 0 { // Resume after the first step lands on step 2.
			if loc := c.get("/assessment").header.Get("Location"); !strings.HasPrefix(loc, base+"/step/2#") {
				t.Fatalf("resume after step 1 at %s", loc)
			}
			must(t, c.get(step), http.StatusOK, `value="monthly" checked`)
		}
	}
	must(t, c.get(base+"/review"), http.StatusOK, "Bạn đã trả lời tất cả")
	r := submitReviewed(t, c, id)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != base+"/result" {
		t.Fatalf("submit: %d %s", r.status, r.header.Get("Location"))
	}
	r = c.get(base + "/result")
	must(t, r, http.StatusOK, "Kết quả tự đánh giá", `id="level-name"`, "Trải nghiệm số cho khách hàng", "<meter", "Nên ưu tiên", "Lộ trình lên mức")
	// Submitted: immutable, and the steps now lead to the result.
	must(t, c.post(base+"/step/1", url.Values{"q.cx.website": {"daily"}}), http.StatusConflict, "đã được nộp")
	if r := c.get(base + "/step/1"); r.header.Get("Location") != base+"/result" {
		t.Fatalf("step after submit: %d %s", r.status, r.header.Get("Location"))
	}
	must(t, c.get("/profile"), http.StatusOK, base+"/result")
	// Retaking starts a fresh draft.
	if again := startAssessment(t, c); again == id {
		t.Fatal("retake reused the submitted response")
	}
	must(t, c.get(base+"/result?lang=en"), http.StatusOK, "Self-assessment result", "Scores by pillar")
}

func TestAssessmentRejectsTamperingAndChangesNothing(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("firm@test.local")
	id := startAssessment(t, c)
	step1 := fmt.Sprintf("/assessment/%d/step/1", id)
	bad := []url.Values{
		{"q.no.such": {"x"}},
		{"q.cx.website": {"hourly"}},
		{"q.cx.website": {"weekly", "daily"}},
		{"q.cx.website": {"na"}},
		{"q.st.plan": {"written"}}, // a question of another step
		{"shown": {"cx.website"}},  // not a checklist
	}
	for _, form := range bad {
		must(t, c.post(step1, form), http.StatusBadRequest, "không khớp với bộ câu hỏi")
	}
	resp, _ := e.st.FindResponse(ctx, id)
	if len(resp.Answers) != 0 {
		t.Fatalf("tampered forms saved %v", resp.Answers)
	}
	must(t, c.get(fmt.Sprintf("/assessment/%d/step/9", id)), http.StatusNotFound)
	must(t, c.get(fmt.Sprintf("/assessment/%d/step/x", id)), http.StatusNotFound)
	// Submitting an incomplete draft lists what is missing.
	must(t, c.post(fmt.Sprintf("/assessment/%d/submit", id), nil), http.StatusUnprocessableEntity, "Còn câu hỏi chưa trả lời", "#q-cx.website")
	// Another firm's user cannot see or touch this response.
	other := e.client()
	other.post("/register", values("tax_code", "3709000100", "firm_name", "Công ty Khác", "name", "Khác", "email", "k@example.vn",
		"password", "mật khẩu đủ dài", "password_confirm", "mật khẩu đủ dài"))
	other.confirm("k@example.vn", "mật khẩu đủ dài").post("/login", values("email", "k@example.vn", "password", "mật khẩu đủ dài"))
	must(t, other.get(step1), http.StatusNotFound)
	must(t, other.post(step1, url.Values{"q.cx.website": {"daily"}}), http.StatusNotFound)
	must(t, other.post(fmt.Sprintf("/assessment/%d/answer", id), url.Values{"question": {"cx.website"}, "q.cx.website": {"daily"}}), http.StatusNotFound)
}

func TestAutosaveOneAnswer(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("firm@test.local")
	id := startAssessment(t, c)
	u := fmt.Sprintf("/assessment/%d/answer", id)
	must(t, c.post(u, url.Values{"question": {"cx.social"}, "q.cx.social": {"daily"}}), http.StatusNoContent)
	must(t, c.post(u, url.Values{"question": {"cx.tools"}, "shown": {"cx.tools"}}), http.StatusNoContent)
	must(t, c.post(u, url.Values{"question": {"cx.social"}, "q.cx.social": {"often"}}), http.StatusBadRequest)
	must(t, c.post(u, url.Values{"question": {"zz"}}), http.StatusBadRequest)
	resp, _ := e.st.FindResponse(ctx, id)
	if resp.Answers["cx.social"].Options[0] != "daily" || resp.Answers["cx.tools"].Options == nil || len(resp.Answers) != 2 {
		t.Fatalf("answers = %+v", resp.Answers)
	}
	// A colleague of the same firm continues the same draft.
	colleague := e.client()
	colleague.post("/register", values("tax_code", "3709000012", "name", "Đồng nghiệp", "email", "dn@example.vn",
		"password", "mật khẩu đủ dài", "password_confirm", "mật khẩu đủ dài"))
	pending, _ := e.st.FindUserByEmail(ctx, "dn@example.vn")
	c.post("/profile/users/"+strconv.FormatInt(pending.ID, 10)+"/approve", nil)
	colleague.confirm("dn@example.vn", "mật khẩu đủ dài").post("/login", values("email", "dn@example.vn", "password", "mật khẩu đủ dài"))
	if got := startAssessment(t, colleague); got != id {
		t.Fatalf("colleague got draft %d, want %d", got, id)
	}
	must(t, colleague.get(fmt.Sprintf("/assessment/%d/step/1", id)), http.StatusOK, `value="daily" checked`)
	// The review shows who changed what, and when, in local time.
	colleague.post(u, url.Values{"question": {"cx.website"}, "q.cx.website": {"weekly"}})
	must(t, colleague.get(fmt.Sprintf("/assessment/%d/review", id)), http.StatusOK, "Thay đổi gần đây",
		"Đồng nghiệp", "Nguyễn Văn An", "22/11/2026 10:00 (GMT+7)", "Hằng tuần", "Hằng ngày hoặc liên tục")
}

func TestAssessmentAccessByRole(t *testing.T) {
	e := newEnv(t)
	firm := e.client().login("firm@test.local")
	id := startAssessment(t, firm)
	for _, who := range []string{"lead@test.local", "advisor@test.local", "admin@test.local"} {
		c := e.client().login(who)
		must(t, c.get("/assessment"), http.StatusForbidden)
		must(t, c.post("/assessment", nil), http.StatusForbidden)
		if r := c.get(fmt.Sprintf("/assessment/%d/step/1", id)); r.status != http.StatusForbidden {
			t.Errorf("%s step = %d", who, r.status)
		}
	}
	must(t, e.client().get("/assessment"), http.StatusSeeOther)
}

// The report compares with the firm's association only when at least five
// members have results, and draws the radar from data, not inline script.
func TestResultComparesWithGroups(t *testing.T) {
	e := newEnv(t)
	in := storetest.Instrument(t)
	c := e.client().login("firm@test.local")
	id := startAssessment(t, c)
	answers := map[string]survey.Answer{}
	for _, q := range in.Questions() {
		answers[q.ID] = survey.Answer{Options: []string{q.Options[len(q.Options)-1].ID}}
	}
	if err := e.st.SaveAnswers(ctx, id, e.fx.GoDuc.ID, answers, e.fx.FirmUser.ID); err != nil {
		t.Fatal(err)
	}
	must(t, submitReviewed(t, c, id), http.StatusSeeOther)
	result := fmt.Sprintf("/assessment/%d/result", id)
	r := c.get(result)
	must(t, r, http.StatusOK, "Hiệp hội Gỗ thử: dưới 5 doanh nghiệp", `class="echart radar"`, `data-option="{`, "js/echarts.min.js", "js/charts.js")
	if strings.Contains(r.body, "Trung bình: Hiệp hội Gỗ thử") {
		t.Fatal("a group of one firm was drawn")
	}
	if strings.Contains(c.get("/profile").body, "echarts.min.js") {
		t.Fatal("the 1 MB chart library is loaded on pages without charts")
	}
}

// Autosave reads only the answer a question depends on: a follow-up sent
// before its gateway opens it is not kept; afterwards it is.
func TestAutosaveFollowUpNeedsItsGateway(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("firm@test.local") // Gỗ Đức: manufacturing, so production planning is asked
	id := startAssessment(t, c)
	u := fmt.Sprintf("/assessment/%d/answer", id)
	follow := url.Values{"question": {"op.machine_data"}, "q.op.machine_data": {"full"}}
	must(t, c.post(u, follow), http.StatusNoContent)
	if resp, _ := e.st.FindResponse(ctx, id); len(resp.Answers) != 0 {
		t.Fatalf("a follow-up that does not apply was kept: %v", resp.Answers)
	}
	must(t, c.post(u, url.Values{"question": {"op.production_planning"}, "q.op.production_planning": {"partial"}}), http.StatusNoContent)
	must(t, c.post(u, follow), http.StatusNoContent)
	if resp, _ := e.st.FindResponse(ctx, id); resp.Answers["op.machine_data"].Options[0] != "full" {
		t.Fatalf("the opened follow-up was not kept: %v", resp.Answers)
	}
}

// A hostile association name reaches the radar's series names: it must
// arrive as escaped data, never as markup or script.
func TestRadarWithHostileGroupName(t *testing.T) {
	e := newEnv(t)
	in := storetest.Instrument(t)
	hostile := firms.Association{Code: "evil", NameVI: `</script><script>alert("x")</script><img src=x onerror=alert(1)>`, NameEN: "evil"}
	if err := e.st.CreateAssociation(ctx, &hostile); err != nil {
		t.Fatal(err)
	}
	// The fixture firm and five other members with results (a firm is
	// compared with the others only).
	ids := []int64{e.fx.GoDuc.ID}
	for i := range 5 {
		f := *e.fx.NoiThat
		f.ID, f.TaxCode, f.Name = 0, firms.TaxCode(mst(371200000+i*10)), fmt.Sprintf("Công ty Thành viên %d", i)
		if f.TaxCode == "" {
			f.TaxCode = firms.TaxCode(mst(371200001 + i*10))
		}
		if err := e.st.CreateFirm(ctx, &f); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, f.ID)
	}
	e.st.AddMemberships(ctx, hostile.ID, ids)
	var subs []store.PastSubmission
	for i, id := range ids[1:] {
		res := scoring.Result{Instrument: in.Key(), Overall: float64(20 + 10*i), Level: 1}
		for _, p := range in.Pillars {
			res.Pillars = append(res.Pillars, scoring.PillarScore{PillarID: p.ID, Score: float64(20 + 10*i), Scored: true})
		}
		subs = append(subs, store.PastSubmission{FirmID: id, Result: res, SubmittedAt: storetest.Clock})
	}
	if err := e.st.LoadSubmissions(ctx, in, subs); err != nil {
		t.Fatal(err)
	}
	c := e.client().login("firm@test.local")
	id := startAssessment(t, c)
	answers := map[string]survey.Answer{}
	for _, q := range in.Questions() {
		answers[q.ID] = survey.Answer{Options: []string{q.Options[0].ID}}
	}
	e.st.SaveAnswers(ctx, id, e.fx.GoDuc.ID, answers, e.fx.FirmUser.ID)
	must(t, submitReviewed(t, c, id), http.StatusSeeOther)
	r := c.get(fmt.Sprintf("/assessment/%d/result", id))
	must(t, r, http.StatusOK, `data-option="{`, `\u003c/script\u003e`)
	if strings.Contains(r.body, "<script>alert") || strings.Contains(r.body, "<img src=x") {
		t.Fatal("the hostile name reached the page as markup")
	}
	// app.js and charts.js (which loads echarts.min.js from its data-echarts
	// when the radar comes near the screen): all external, none inline.
	if n := strings.Count(r.body, "<script"); n != 2 || strings.Count(r.body, `<script src="/static/`) != 2 {
		t.Fatalf("%d script elements on the page", n)
	}
}

// The review's links to unanswered questions open the step checked: each
// gap says in place what it needs, in the user's language; answered
// questions and an unchecked step show nothing.
func TestCheckedStepMarksEachUnansweredQuestion(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("firm@test.local")
	id := startAssessment(t, c)
	must(t, c.post(fmt.Sprintf("/assessment/%d/answer", id), url.Values{"question": {"cx.website"}, "q.cx.website": {"daily"}}), http.StatusNoContent)
	step := fmt.Sprintf("/assessment/%d/step/1", id)
	must(t, c.get(fmt.Sprintf("/assessment/%d/review", id)), http.StatusOK, step+"?check=1&from=review#q-cx.social", step+"?check=1&from=review#q-cx.tools")
	if r := c.get(step + "#q-cx.social"); strings.Contains(r.body, "step-missing") || strings.Contains(r.body, `class="field-error"`) {
		t.Fatal("an unchecked step shows problems")
	}
	r := c.get(step + "?check=1")
	must(t, r, http.StatusOK, `id="step-missing"`, "Còn 6 câu ở bước này cần trả lời",
		`id="e-cx.social"`, `aria-describedby="h-cx.social e-cx.social"`, "Vui lòng chọn một câu trả lời.",
		`id="e-cx.online_sales"`, "hoặc “Không áp dụng với doanh nghiệp tôi”", `id="e-cx.tools"`, "để trống tất cả rồi lưu bước này")
	if strings.Contains(r.body, `id="e-cx.website"`) {
		t.Fatal("an answered question is marked")
	}
	must(t, c.get(step+"?check=1&lang=en"), http.StatusOK, "6 questions on this step still need an answer", "Please choose one answer.",
		"Tick every tool you use")
}
