package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"dxready/auth"
	"dxready/firms"
	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

const claimPassword = "mật khẩu đủ dài"

// registerAs registers a new account for taxCode (firmName for a code the
// registry does not hold) in lang, signs it in and returns its client.
func registerAs(t *testing.T, e *env, taxCode, firmName, email, lang string) *client {
	t.Helper()
	c := e.client()
	r := c.post("/register?lang="+lang, url.Values{"tax_code": {taxCode}, "firm_name": {firmName}, "name": {"Người lạ " + email},
		"email": {email}, "stated_role": {"owner"}, "password": {claimPassword}, "password_confirm": {claimPassword}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login?") {
		t.Fatalf("register %s: %d %s %.300s", email, r.status, r.header.Get("Location"), r.body)
	}
	// The claimant confirms the address (claim decisions are mailed to
	// it), then signs in: registration signs nobody in, as it answers the
	// same for a taken address. They land on the claim's profile.
	c.confirm(email, claimPassword)
	r = c.post("/login", url.Values{"email": {email}, "password": {claimPassword}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/profile" {
		t.Fatalf("sign in %s after registering: %d %s", email, r.status, r.header.Get("Location"))
	}
	return c
}

// withRegistryContact imports the registry record of the fixture firm
// NoiThat again, now with an email and a phone.
func withRegistryContact(t *testing.T, e *env, email string) {
	t.Helper()
	csv := "tax_code,name,vsic,ward,park,employees,revenue_vnd,capital_vnd,year,email,phone\n" +
		"3709000037,Công ty Cổ phần Nội thất Bình Dương,1629,25813,,8,2400000000,4000000000,2025," + email + ",0274 3800 900\n"
	importFile(t, e, csv)
}

func importFile(t *testing.T, e *env, csv string) *store.ImportResult {
	t.Helper()
	rd, ferr := firms.NewImportReader(strings.NewReader(csv), e.fx.Ref, e.fx.Clock.Now(), map[string]bool{"wood": true, "logistics": true})
	if ferr != nil {
		t.Fatal(ferr)
	}
	rd.NormalizeEmail = auth.NormalizeEmail
	res, err := e.st.ImportFirms(ctx, rd, nil)
	if err != nil || !res.Written {
		t.Fatalf("import: %+v %v", res, err)
	}
	return res
}

// firmSecrets gives NoiThat (no users yet) what a squatter must never see:
// a result, sharing with the wood association, a contact person and a
// registry address; it returns the result's path and the figures as the
// Center's page shows them.
func firmSecrets(t *testing.T, e *env) (resultPath, figures string) {
	t.Helper()
	withRegistryContact(t, e, "lienhe@noithat.vn")
	in := e.web.defaultInstrument()
	p := profileOf(e.fx.NoiThat)
	if err := e.st.LoadSubmissions(ctx, in, []store.PastSubmission{{FirmID: e.fx.NoiThat.ID, Profile: p,
		Result: scoring.Score(in, p, nil), SubmittedAt: storetest.Clock.Add(-time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	subs, err := e.st.Submissions(ctx, e.fx.NoiThat.ID)
	if err != nil || len(subs) != 1 {
		t.Fatalf("submissions: %v %v", subs, err)
	}
	if err := e.st.SetSharing(ctx, e.fx.NoiThat.ID, e.fx.Wood.ID, true, e.fx.Admin.ID); err != nil {
		t.Fatal(err)
	}
	c := &firms.Contact{FirmID: e.fx.NoiThat.ID, FullName: "Trần Thị Lan", Email: "lan@noithat.vn", ConsentVersion: firms.ContactConsentVersion,
		ConsentBy: e.fx.Admin.ID}
	if err := e.st.SaveContact(ctx, c); err != nil {
		t.Fatal(err)
	}
	r := e.client().login("admin@test.local").get(fmt.Sprintf("/firms/%d", e.fx.NoiThat.ID))
	m := regexp.MustCompile(`id="firm-size">([^<]+)`).FindStringSubmatch(r.body)
	if m == nil || !strings.Contains(r.body, "lienhe@noithat.vn") || !strings.Contains(r.body, "0274") {
		t.Fatalf("the Center's firm page lacks the figures or the registry contact: %.2000s", r.body)
	}
	return fmt.Sprintf("/assessment/%d/result", subs[0].ResponseID), m[1]
}

// The attack: a stranger registers with a registry firm's public tax code
// before anyone of the firm. They sign in, but no page or file they can
// reach shows the firm's figures, results, sharing, contact person or
// registry address; the pages that would are refused; they cannot
// change the sharing, nor approve a second stranger.
func TestStrangerWithATaxCodeSeesOnlyTheName(t *testing.T) {
	e := newEnv(t)
	result, figures := firmSecrets(t, e)
	c := registerAs(t, e, "3709000037", "", "la@example.vn", "vi")
	must(t, c.get("/profile"), http.StatusOK, "Công ty Cổ phần Nội thất Bình Dương", `data-claim="open"`, "l***@n***.vn")
	secrets := []string{figures, `id="firm-size"`, result, `id="sharing`, "Trần Thị Lan", "lienhe@noithat.vn", "lan@noithat.vn",
		`id="users"`, "3800", "2.400.000.000", "2400000000", "4.000.000.000", "/profile/edit", "/bookings"}
	pages := 0
	check := func(link string, r resp) {
		pages++
		for _, s := range secrets {
			if strings.Contains(r.body, s) {
				t.Errorf("GET %s shows a claimant %q", link, s)
			}
		}
	}
	crawlEach(t, c, "/profile", 100, check)
	refused := []string{fmt.Sprintf("/firms/%d", e.fx.NoiThat.ID), result, "/profile/edit", "/profile/contact/export", "/bookings", "/advisors",
		fmt.Sprintf("/advisors/%d/book", e.fx.Advisor.ID)}
	for _, path := range refused {
		r := c.get(path)
		if r.status != http.StatusForbidden && r.status != http.StatusNotFound {
			t.Errorf("GET %s as a claimant = %d", path, r.status)
		}
		r.body = strings.ReplaceAll(r.body, path, "") // the page's own address (language links) is no leak
		check(path, r)
	}
	t.Logf("%d answers checked", pages)
	must(t, c.post("/profile/sharing", values("association", itoa(e.fx.Wood.ID), "share", "0")), http.StatusForbidden)
	must(t, c.post("/profile/contact/erase", nil), http.StatusForbidden)
	must(t, c.post("/profile/edit", values("name", "Tên mới")), http.StatusForbidden)
	if sh, _ := e.st.SharingOf(ctx, e.fx.NoiThat.ID); len(sh) == 0 || !sh[0].Shared {
		t.Fatalf("a claimant changed the sharing: %+v", sh)
	}
	if _, err := e.st.FindContact(ctx, e.fx.NoiThat.ID); err != nil {
		t.Fatalf("a claimant erased the contact: %v", err)
	}
	registerAs(t, e, "3709000037", "", "la2@example.vn", "vi")
	second, _ := e.st.FindUserByEmail(ctx, "la2@example.vn")
	must(t, c.post("/profile/users/"+itoa(second.ID)+"/approve", nil), http.StatusForbidden)
	if u, _ := e.st.FindUserByEmail(ctx, "la2@example.vn"); u.FirmVerified {
		t.Fatal("a claimant approved another claimant")
	}
}

// A claimant answers a draft of their own, never the firm's shared one,
// and cannot submit it: the draft is kept, and the review page says it
// can be submitted once the claim is verified. The pages say the draft is
// theirs alone, never that they share the firm's. Approved by a colleague,
// they join the firm's shared draft.
func TestClaimantDraftIsTheirOwnAndWaits(t *testing.T) {
	e := newEnv(t)
	in := e.web.defaultInstrument()
	colleague := e.client().login("firm@test.local")
	shared := startAssessment(t, colleague)
	q := in.Questions()[0]
	if err := e.st.SaveAnswers(ctx, shared, e.fx.GoDuc.ID, map[string]survey.Answer{q.ID: {Options: []string{q.Options[0].ID}}}, e.fx.FirmUser.ID); err != nil {
		t.Fatal(err)
	}
	c := registerAs(t, e, "3709000012", "", "la@example.vn", "vi")
	r := c.get("/assessment")
	must(t, r, http.StatusOK, `id="begin-assessment"`, `id="draft-private-note"`, "của riêng bạn") // not the colleague's draft
	if contains(r.body, "Mọi người dùng của doanh nghiệp cùng làm một bài") {
		t.Fatal("the start page tells a claimant they share the firm's assessment")
	}
	for _, path := range []string{"/step/1", "/review"} {
		must(t, c.get(fmt.Sprintf("/assessment/%d%s", shared, path)), http.StatusNotFound)
	}
	must(t, c.post(fmt.Sprintf("/assessment/%d/answer", shared), values("question", q.ID, "q."+q.ID, q.Options[1].ID)), http.StatusNotFound)
	own := startAssessment(t, c)
	if own == shared {
		t.Fatal("the claimant was given the firm's shared draft")
	}
	must(t, colleague.get(fmt.Sprintf("/assessment/%d/step/1", own)), http.StatusNotFound)
	must(t, c.get(fmt.Sprintf("/assessment/%d/step/1", own)), http.StatusOK, `id="draft-private"`)
	claimant, _ := e.st.FindUserByEmail(ctx, "la@example.vn")
	answers := map[string]survey.Answer{}
	for _, q := range in.Questions() {
		answers[q.ID] = survey.Answer{Options: []string{q.Options[0].ID}}
	}
	if err := e.st.SaveAnswers(ctx, own, e.fx.GoDuc.ID, answers, claimant.ID); err != nil {
		t.Fatal(err)
	}
	r = c.get(fmt.Sprintf("/assessment/%d/review", own))
	must(t, r, http.StatusOK, `id="submit-after-claim"`, "Thay đổi gần đây của bạn")
	if contains(r.body, `id="submit-assessment"`) || contains(r.body, "mọi người dùng của doanh nghiệp") {
		t.Fatal("the review page offers a claimant to submit")
	}
	d, err := e.st.FindResponse(ctx, own)
	if err != nil {
		t.Fatal(err)
	}
	must(t, c.post(fmt.Sprintf("/assessment/%d/submit", own), url.Values{"version": {d.Version()}}), http.StatusForbidden, "khi yêu cầu đại diện")
	if d, err := e.st.FindResponse(ctx, own); err != nil || d.Status != "draft" || len(d.Answers) != len(answers) {
		t.Fatalf("the claimant's draft was not kept: %+v %v", d, err)
	}
	// The colleague approves; the claimant now shares the firm's draft.
	must(t, colleague.get("/profile"), http.StatusOK, "la@example.vn", "Yêu cầu đang chờ xác minh")
	must(t, colleague.post("/profile/users/"+itoa(claimant.ID)+"/approve", nil), http.StatusSeeOther)
	r = c.get("/assessment")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), fmt.Sprintf("/assessment/%d/", shared)) {
		t.Fatalf("after approval /assessment = %d %s", r.status, r.header.Get("Location"))
	}
	must(t, c.get("/profile"), http.StatusOK, `id="firm-size"`)
	if r := c.get(fmt.Sprintf("/assessment/%d/step/1", shared)); r.status != http.StatusOK || contains(r.body, `id="draft-private"`) {
		t.Fatalf("the verified user's step page: %d, private note shown = %v", r.status, contains(r.body, `id="draft-private"`))
	}
}

// A second claim on a firm with a verified user tells that user, in their
// language; the claimant sees nothing of the firm, exactly like the first
// claimant of a firm without users: the registration's answer and the
// claim page are the same either way.
func TestSecondClaimTellsTheVerifiedUserOnly(t *testing.T) {
	e := newEnv(t)
	if err := e.st.SetUserLang(ctx, e.fx.FirmUser.ID, "en"); err != nil {
		t.Fatal(err)
	}
	second := registerAs(t, e, "3709000012", "", "second@example.vn", "vi")
	first := registerAs(t, e, "3709000037", "", "first@example.vn", "vi")
	msgs, err := e.st.Outbox(ctx, 50)
	if err != nil {
		t.Fatal(err)
	}
	var told []store.Message
	for _, m := range msgs {
		if strings.HasPrefix(m.Kind, "claims.") {
			told = append(told, m)
		}
	}
	if len(told) != 1 || told[0].To != "firm@test.local" || told[0].Lang != "en" || !strings.Contains(told[0].Subject, "Someone claims") ||
		!strings.Contains(told[0].Body, "second@example.vn") || !strings.Contains(told[0].Body, "/profile") {
		t.Fatalf("claim messages = %+v", told)
	}
	a, b := second.get("/profile"), first.get("/profile")
	must(t, a, http.StatusOK, `data-claim="open"`)
	if ia, ib := elementIDs(a.body), elementIDs(b.body); !slices.Equal(ia, ib) {
		t.Fatalf("the claim pages differ with and without verified users:\n%v\n%v", ia, ib)
	}
	for _, s := range []string{"firm@test.local", "Nguyễn Văn An", `id="firm-size"`} {
		if contains(a.body, s) {
			t.Errorf("the second claimant sees %q", s)
		}
	}
}

var idAttr = regexp.MustCompile(`id="([^"]+)"`)

func elementIDs(body string) []string {
	var out []string
	for _, m := range idAttr.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// Signing in, a claimant goes back to a draft of their own, never to the
// firm's shared draft.
func TestClaimantStartPageIsTheirOwnDraft(t *testing.T) {
	e := newEnv(t)
	startAssessment(t, e.client().login("firm@test.local")) // the firm's shared draft
	registerAs(t, e, "3709000012", "", "la@example.vn", "vi")
	signIn := func() string {
		r := e.client().post("/login", values("email", "la@example.vn", "password", claimPassword))
		must(t, r, http.StatusSeeOther)
		return r.header.Get("Location")
	}
	if to := signIn(); to != "/profile" {
		t.Fatalf("a claimant without a draft lands on %q", to)
	}
	c := e.client()
	must(t, c.post("/login", values("email", "la@example.vn", "password", claimPassword)), http.StatusSeeOther)
	own := startAssessment(t, c)
	if to := signIn(); to != "/assessment" {
		t.Fatalf("a claimant with a draft lands on %q", to)
	}
	r := c.get("/assessment")
	if !strings.HasPrefix(r.header.Get("Location"), fmt.Sprintf("/assessment/%d/", own)) {
		t.Fatalf("/assessment resumes %s, not the claimant's draft %d", r.header.Get("Location"), own)
	}
}

// Every GET route of the access matrix, asked by a claimant of the fixture
// firm (which has figures, a result, a draft, a booking, a contact person
// and sharing): no answer carries any of them, whether or not a page
// links there.
func TestClaimantGetsNoFirmDataFromAnyRoute(t *testing.T) {
	e := newEnv(t)
	routes := accessMatrix(t, e) // gives the firm its result, draft and booking
	result := strings.TrimSuffix(routes["GET /assessment/{id}/result"][0].path, "/result")
	draft := strings.TrimSuffix(routes["GET /assessment/{id}/review"][0].path, "/review")
	c := &firms.Contact{FirmID: e.fx.GoDuc.ID, FullName: "Trần Thị Lan", ConsentVersion: firms.ContactConsentVersion, ConsentBy: e.fx.FirmUser.ID}
	if err := e.st.SaveContact(ctx, c); err != nil {
		t.Fatal(err)
	}
	r := e.client().login("firm@test.local").get("/profile")
	m := regexp.MustCompile(`id="firm-size">([^<]+)`).FindStringSubmatch(r.body)
	if m == nil || !contains(r.body, `id="sharing-`) {
		t.Fatalf("the verified user's profile lacks the figures or the sharing: %.1500s", r.body)
	}
	bs, err := e.st.Bookings(ctx, store.BookingFilter{FirmID: e.fx.GoDuc.ID})
	if err != nil || len(bs) == 0 {
		t.Fatalf("bookings: %v %v", bs, err)
	}
	secrets := []string{m[1], `id="firm-size"`, result, draft, bookingURL(bs[0].ID, ""), "Trần Thị Lan", `id="sharing-`, `id="users"`, "firm@test.local"}
	claimant := registerAs(t, e, "3709000012", "", "la@example.vn", "vi")
	n := 0
	for key, cases := range routes {
		if !strings.HasPrefix(key, "GET ") {
			continue
		}
		for _, rc := range cases {
			r := claimant.get(rc.path)
			n++
			if r.status >= 500 {
				t.Errorf("GET %s as a claimant = %d", rc.path, r.status)
			}
			body := strings.ReplaceAll(r.body, rc.path, "")
			for _, s := range secrets {
				if strings.Contains(body, s) {
					t.Errorf("GET %s (%d) shows a claimant %q", rc.path, r.status, s)
				}
			}
		}
	}
	t.Logf("%d requests checked", n)
}
