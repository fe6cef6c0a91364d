package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"dxready/firms"
)

// firstSubmit is the nav value of a step form's first submit button: the
// one Enter presses (HTML's default button).
func firstSubmit(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`<button type="submit" name="nav" value="(\w+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no submit button in %.300s", body)
	}
	return m[1]
}

// Enter goes forward on every kind of step: the first (default) submit
// button is "next" on the first and middle steps, "review" on the last
// one and on a step opened from the review to change an answer.
func TestStepDefaultButtonGoesForward(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("firm@test.local")
	id := startAssessment(t, c)
	for n, want := range map[int]string{1: "next", 2: "next", 4: "next", 6: "review"} {
		if got := firstSubmit(t, c.get(fmt.Sprintf("/assessment/%d/step/%d", id, n)).body); got != want {
			t.Errorf("step %d: Enter presses %q, want %q", n, got, want)
		}
	}
	r := c.get(fmt.Sprintf("/assessment/%d/step/3?from=review", id))
	must(t, r, http.StatusOK, `<input type="hidden" name="from" value="review">`, "Lưu và quay lại trang xem lại")
	if got := firstSubmit(t, r.body); got != "review" {
		t.Errorf("a step opened from the review: Enter presses %q", got)
	}
}

// An answer that opens a follow-up shows the step again with a notice
// above the new question, anchored; the notice names only a question that
// is on the step and applies, whatever the address says.
func TestFollowUpAnnouncedInPlace(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("firm@test.local")
	id := startAssessment(t, c)
	step := fmt.Sprintf("/assessment/%d/step/4", id)
	r := c.post(step, url.Values{"asked": {"op.production_planning"}, "q.op.production_planning": {"full"}, "nav": {"next"}})
	loc := r.header.Get("Location")
	if loc != step+"?opened=op.machine_data#opened-op.machine_data" {
		t.Fatalf("follow-up: %d %s", r.status, loc)
	}
	r = c.get(loc)
	must(t, r, http.StatusOK, `id="opened-op.machine_data" role="status"`, "Câu trả lời của bạn vừa mở một câu hỏi tiếp theo: Máy móc, dây chuyền")
	if strings.Index(r.body, `id="opened-op.machine_data"`) > strings.Index(r.body, `id="q-op.machine_data"`) {
		t.Error("the notice is not above the question")
	}
	must(t, c.get(strings.Replace(loc, "#", "&lang=en#", 1)), http.StatusOK, "Your answer has opened a follow-up question: How far do machines")
	c.get("/profile?lang=vi") // the language chosen sticks; back to Vietnamese
	// The attack: the address names other questions; no notice is drawn.
	for _, forged := range []string{"cx.website", "op.nope", "<script>", "op.production_planning", "op.machine_data"} {
		r := c.get(step + "?opened=" + url.QueryEscape(forged))
		must(t, r, http.StatusOK)
		if strings.Contains(r.body, "followup-notice") != (forged == "op.machine_data") {
			t.Errorf("?opened=%s: notice shown %v", forged, strings.Contains(r.body, "followup-notice"))
		}
	}
	// Answered and shown, the step moves on; from the review, the follow-up keeps the way back.
	r = c.post(step, url.Values{"asked": {"op.production_planning", "op.machine_data"}, "q.op.production_planning": {"full"}, "nav": {"next"}})
	if loc := r.header.Get("Location"); loc != fmt.Sprintf("/assessment/%d/step/5", id) {
		t.Fatalf("after the follow-up: %s", loc)
	}
	c.post(step, url.Values{"asked": {"op.production_planning", "op.machine_data"}, "q.op.production_planning": {"none"}, "nav": {"next"}})
	r = c.post(step, url.Values{"asked": {"op.production_planning"}, "q.op.production_planning": {"partial"}, "from": {"review"}, "nav": {"review"}})
	if loc := r.header.Get("Location"); !strings.Contains(loc, "from=review") || !strings.Contains(loc, "opened=op.machine_data") {
		t.Fatalf("follow-up from the review: %s", loc)
	}
}

// The review lists every applicable answer by pillar, each with a link
// that opens its step and brings the user back; the log is in a disclosure.
func TestReviewListsAnswersByPillar(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("firm@test.local")
	id := startAssessment(t, c)
	must(t, c.post(fmt.Sprintf("/assessment/%d/answer", id), url.Values{"question": {"cx.website"}, "q.cx.website": {"weekly"}}), http.StatusNoContent)
	review := fmt.Sprintf("/assessment/%d/review", id)
	r := c.get(review)
	change := fmt.Sprintf(`/assessment/%d/step/1?from=review&amp;changed=cx.website#q-cx.website`, id)
	must(t, r, http.StatusOK, `id="p-customer"`, `id="p-data"`, `id="a-cx.website"><strong>Hằng tuần</strong>`, change,
		`id="a-cx.social"><em class="not-answered">Chưa trả lời</em>`, `<details id="changes">`, "Xem các thay đổi gần đây")
	if n := strings.Count(r.body, `class="change-link"`); n != 42-1 { // every question but the follow-up that does not apply
		t.Errorf("%d change links", n)
	}
	must(t, c.get(review+"?lang=en"), http.StatusOK, "Your answers, by pillar", "Not answered", ">Change</a>")
	c.get(review + "?lang=vi")
	must(t, c.get(strings.ReplaceAll(strings.Split(change, "#")[0], "&amp;", "&")), http.StatusOK, `name="from" value="review"`, `name="changed" value="cx.website"`)
	// Saved, the review opens at the changed question, not its pillar's
	// heading; a changed question of another step, or none, or a made-up
	// one, gives the pillar.
	for changed, want := range map[string]string{"cx.website": "#rq-cx.website", "st.plan": "#p-customer", "": "#p-customer", "<x>": "#p-customer"} {
		r = c.post(fmt.Sprintf("/assessment/%d/step/1", id), url.Values{"asked": {"cx.website"}, "q.cx.website": {"daily"}, "from": {"review"}, "nav": {"review"}, "changed": {changed}})
		if loc := r.header.Get("Location"); loc != review+want {
			t.Fatalf("saved from the review's change of %q: %s", changed, loc)
		}
	}
	must(t, c.get(review), http.StatusOK, `id="a-cx.website"><strong>Hằng ngày hoặc liên tục</strong>`)
}

func profileForm(kv ...string) url.Values {
	v := values("name", "Công ty TNHH Gỗ Đức Thành", "vsic", "3100", "ward", "25942", "park", "",
		"employees", "8", "revenue", "2,5", "capital", "9", "year", "2025")
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// The industry is chosen by name in either language, or by code; a name
// that fits several offers them to choose from, and the rest is kept.
func TestProfileIndustryByName(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("firm@test.local")
	must(t, c.get("/profile/edit"), http.StatusOK, `<datalist id="vsic-list">`, `<option value="7020 – Hoạt động tư vấn quản lý">Management consultancy activities</option>`)
	must(t, c.get("/profile/edit?lang=en"), http.StatusOK, `<option value="7020 – Management consultancy activities">Hoạt động tư vấn quản lý</option>`)
	c.get("/profile/edit?lang=vi")
	for typed, code := range map[string]string{"hoat dong tu van quan ly": "7020", "Management consultancy activities": "7020",
		"3100 – Sản xuất giường, tủ, bàn, ghế": "3100", "Quảng cáo": "7310", "31": "31"} {
		must(t, c.post("/profile/edit", profileForm("vsic", typed)), http.StatusSeeOther)
		if f, _ := e.st.FindFirmByID(ctx, e.fx.GoDuc.ID); f.VSICCode != code {
			t.Errorf("%q saved %q, want %s", typed, f.VSICCode, code)
		}
	}
	r := c.post("/profile/edit", profileForm("vsic", "sản xuất", "employees", "12"))
	must(t, r, http.StatusUnprocessableEntity, "Nhiều ngành nghề khớp", `id="vsic-choices"`, `value="sản xuất"`, `value="12"`, `value="2,5"`)
	picks := regexp.MustCompile(`name="vsic_pick" value="(\d+)"`).FindAllStringSubmatch(r.body, -1)
	if len(picks) < 2 || len(picks) > firms.MaxIndustryChoices {
		t.Fatalf("%d choices", len(picks))
	}
	pick := picks[1][1]
	must(t, c.post("/profile/edit", profileForm("vsic", "sản xuất", "vsic_pick", pick)), http.StatusSeeOther)
	if f, _ := e.st.FindFirmByID(ctx, e.fx.GoDuc.ID); f.VSICCode != pick {
		t.Errorf("the pick saved %q", f.VSICCode)
	}
	// The attacks: a forged code, a forged pick, a name of nothing.
	for _, bad := range []url.Values{profileForm("vsic", "4000"), profileForm("vsic_pick", "4000"), profileForm("vsic", "4000 – Sản xuất giường"),
		profileForm("vsic", "xyzzy"), profileForm("vsic", "")} {
		r := c.post("/profile/edit", bad)
		must(t, r, http.StatusUnprocessableEntity, `value="2,5"`)
		if !strings.Contains(r.body, "không có trong VSIC 2018") && !strings.Contains(r.body, "Không tìm thấy ngành nghề") && !strings.Contains(r.body, "Vui lòng nhập") {
			t.Errorf("%v: no message about the industry", bad)
		}
	}
	if f, _ := e.st.FindFirmByID(ctx, e.fx.GoDuc.ID); f.VSICCode != pick {
		t.Errorf("a refused edit saved %q", f.VSICCode)
	}
}

// ATTACK (eyes13 §1.1): "gốm" saved "38 – thu gom rác thải" with no
// question. Words with diacritics found only once they are folded away
// are offered with their names and saved only when picked; the area's
// everyday words save their industry.
func TestProfileIndustryDiacriticsAsked(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("firm@test.local")
	r := c.post("/profile/edit", profileForm("vsic", "thu gốm"))
	must(t, r, http.StatusUnprocessableEntity, "Có phải bạn muốn nói ngành bên dưới", `id="vsic-choices"`, `name="vsic_pick" value="38"`, "thu gom, xử lý")
	if f, _ := e.st.FindFirmByID(ctx, e.fx.GoDuc.ID); f.VSICCode == "38" {
		t.Fatal("a guess by folded accents was saved")
	}
	for typed, code := range map[string]string{"gốm": "2393", "nội thất": "3100", "may mặc": "1410", "phần mềm": "6201"} {
		must(t, c.post("/profile/edit", profileForm("vsic", typed)), http.StatusSeeOther)
		if f, _ := e.st.FindFirmByID(ctx, e.fx.GoDuc.ID); f.VSICCode != code {
			t.Errorf("%q saved %q, want %s", typed, f.VSICCode, code)
		}
	}
	must(t, c.post("/profile/edit", profileForm("vsic", "thu gốm", "vsic_pick", "38")), http.StatusSeeOther)
	if f, _ := e.st.FindFirmByID(ctx, e.fx.GoDuc.ID); f.VSICCode != "38" {
		t.Errorf("the confirmed pick saved %q", f.VSICCode)
	}
}

// Revenue and capital are typed in billion đồng as the user's language
// writes numbers, stored in đồng; anything else is refused at its field.
func TestProfileMoneyInBillions(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("firm@test.local")
	must(t, c.post("/profile/edit", profileForm("revenue", "12,5", "capital", "0,75")), http.StatusSeeOther)
	f, _ := e.st.FindFirmByID(ctx, e.fx.GoDuc.ID)
	if f.Size.RevenueVND != 12_500_000_000 || f.Size.CapitalVND != 750_000_000 {
		t.Fatalf("stored %d / %d", f.Size.RevenueVND, f.Size.CapitalVND)
	}
	must(t, c.get("/profile/edit"), http.StatusOK, `id="revenue" name="revenue" inputmode="decimal" required value="12,5"`, "Quy mô theo Nghị định 80/2021/NĐ-CP: Siêu nhỏ")
	must(t, c.get("/profile/edit?lang=en"), http.StatusOK, `value="12.5"`, `value="0.75"`)
	must(t, c.post("/profile/edit", profileForm("revenue", "1,234.5", "capital", "0.75")), http.StatusSeeOther) // in English, as the page is now
	if f, _ := e.st.FindFirmByID(ctx, e.fx.GoDuc.ID); f.Size.RevenueVND != 1_234_500_000_000 {
		t.Fatalf("English revenue stored %d", f.Size.RevenueVND)
	}
	c.get("/profile/edit?lang=vi")
	for _, tc := range []struct{ typed, says string }{
		{"1e9", "Chỉ nhập chữ số"}, {"12,5,3", "Chỉ nhập chữ số"}, {"12.5", "Chỉ nhập chữ số"}, {"mười hai", "Chỉ nhập chữ số"},
		{"-5", "từ 0 đến 1.000.000 tỷ đồng"}, {"1000001", "từ 0 đến 1.000.000 tỷ đồng"}, {"99999999999999999999999", "từ 0 đến 1.000.000 tỷ đồng"},
	} {
		must(t, c.post("/profile/edit", profileForm("revenue", tc.typed, "employees", "7")), http.StatusUnprocessableEntity, tc.says,
			`value="`+tc.typed+`"`, `value="7"`, `value="Công ty TNHH Gỗ Đức Thành"`)
	}
}

// The size preview is the save's rule, asked over HTTP: the sector of the
// industry picks the limits, garbage gets what to fix, and nothing is stored.
func TestSizePreview(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("firm@test.local")
	preview := func(q string) (class, text string) {
		t.Helper()
		r := c.get("/profile/size?" + q)
		must(t, r, http.StatusOK)
		var out struct{ Class, Text string }
		if err := json.Unmarshal([]byte(r.body), &out); err != nil || r.header.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Fatalf("%s: %v %s", q, err, r.body)
		}
		return out.Class, out.Text
	}
	for q, want := range map[string]string{
		"vsic=3100&employees=60&revenue=40&capital=200":                  "small",  // manufacturing: 100 staff and 50 billion
		"vsic=7020&employees=60&revenue=40&capital=200":                  "medium", // services: 50 staff
		"vsic=Management+consultancy+activities&employees=5&revenue=2,5": "micro",  // eyes13 §3.2: the revenue settles it, the capital is not asked
		"vsic=3100&employees=45&revenue=12,5":                            "small",
		"vsic=3100&employees=45&revenue=60":                              "", // over Small's 50 billion: the capital could still make it Small
		"vsic=3100&employees=5&revenue=2,5&capital=1":                    "micro",
		"vsic=3100&employees=500&revenue=1&capital=1":                    "large",
	} {
		if got, _ := preview(q); got != want {
			t.Errorf("%s: %q, want %q", q, got, want)
		}
	}
	if _, text := preview("vsic=3100&employees=60&revenue=40&capital=200"); text != "Quy mô theo Nghị định 80/2021/NĐ-CP: Nhỏ" {
		t.Errorf("text %q", text)
	}
	for q, says := range map[string]string{"vsic=4000&employees=1&revenue=1&capital=1": "Chọn ngành nghề", "vsic=s%E1%BA%A3n+xu%E1%BA%A5t&employees=1&revenue=1&capital=1": "Chọn ngành nghề",
		"vsic=3100&employees=abc&revenue=1&capital=1": "số lao động", "vsic=3100&employees=1&revenue=1e9&capital=1": "doanh thu",
		"vsic=3100&employees=1&revenue=1&capital=-5": "nguồn vốn", "": "Chọn ngành nghề",
		"vsic=3100&employees=45&revenue=60": "quy mô còn tuỳ nguồn vốn", "vsic=3100&employees=45": "doanh thu hoặc nguồn vốn"} {
		if class, text := preview(q); class != "" || !strings.Contains(text, says) {
			t.Errorf("%s: %q %q", q, class, text)
		}
	}
	if _, text := preview("vsic=3100&employees=60&revenue=40.5&capital=200&lang=en"); text != "Size class under Decree 80/2021/ND-CP: Small" {
		t.Errorf("English %q", text)
	}
	// The preview and the save agree on the same figures.
	class, _ := preview("vsic=7020&employees=60&revenue=40&capital=200")
	must(t, c.post("/profile/edit", profileForm("vsic", "7020", "employees", "60", "revenue", "40", "capital", "200")), http.StatusSeeOther)
	if f, _ := e.st.FindFirmByID(ctx, e.fx.GoDuc.ID); string(f.SizeClass) != class || f.SizeClass != firms.Medium {
		t.Errorf("saved %s, previewed %s", f.SizeClass, class)
	}
}
