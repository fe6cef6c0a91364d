package web

import (
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"dxready/store"
	"dxready/store/storetest"
)

// rawDB is another tool's connection to the portal's database file.
func rawDB(t *testing.T, e *env) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+e.st.Path()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func rawExec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatal(err)
	}
}

// freshGet is c's GET of path from a portal started anew on the same
// database: nothing kept from earlier requests, the obvious answer.
func freshGet(t *testing.T, e *env, c *client, path string) resp {
	t.Helper()
	srv := httptest.NewServer(newEnvOn(t, e).Handler())
	defer srv.Close()
	fe := *e
	fe.srv = srv
	return (&client{e: &fe, c: c.c}).get(path) // the jar's cookies are the host's, whatever the port
}

// samePage GETs path from the portal and from a fresh one and fails unless
// both answer the same, with want in it (a flash waiting is dropped first:
// only one of them could show it).
func samePage(t *testing.T, e *env, c *client, path string, status int, want ...string) {
	t.Helper()
	u, _ := url.Parse(e.srv.URL)
	c.c.Jar.SetCookies(u, []*http.Cookie{{Name: flashCookie, Value: "", Path: "/", MaxAge: -1}})
	got, fresh := c.get(path), freshGet(t, e, c, path)
	must(t, got, status, want...)
	if got.status != fresh.status || got.body != fresh.body || got.header.Get("Location") != fresh.header.Get("Location") {
		t.Fatalf("%s: %d %s, a fresh portal answers %d %s", path, got.status, got.header.Get("Location"), fresh.status, fresh.header.Get("Location"))
	}
}

// tickedOption is the markup of option opt of question q ticked on a step.
func tickedOption(q, opt string) string { return fmt.Sprintf(`name="q.%s" value="%s" checked`, q, opt) }

// Every page of the cycle shows the draft as it is, whoever changed it in
// between: a second tab saving between a post and the page it leads to,
// another tool writing answers by hand, the draft submitted or deleted
// elsewhere. Each page equals a fresh portal's; another firm's user never
// sees it.
func TestDraftPagesShowWhatOthersWroteBetweenRequests(t *testing.T) {
	e := newEnv(t)
	in := e.web.cfg.Instruments[draftNow(t, e).Instrument]
	d := draftNow(t, e)
	a, b := e.client().login("firm@test.local"), e.client().login("firm@test.local")
	q := in.Pillars[0].Questions[0]
	step1 := fmt.Sprintf("/assessment/%d/step/1", d.ID)
	r := a.post(step1, url.Values{"q." + q.ID: {q.Options[0].ID}, "nav": {"next"}})
	must(t, r, http.StatusSeeOther)
	// The second tab saves between the first's post and its page.
	must(t, b.post(step1, url.Values{"q." + q.ID: {q.Options[1].ID}, "nav": {"next"}}), http.StatusSeeOther)
	samePage(t, e, a, r.header.Get("Location"), http.StatusOK)
	samePage(t, e, a, step1, http.StatusOK, tickedOption(q.ID, q.Options[1].ID))
	// Another tool writes an answer by hand.
	db := rawDB(t, e)
	rawExec(t, db, "UPDATE answers SET options = ? WHERE response_id = ? AND question = ?", `["`+q.Options[2].ID+`"]`, d.ID, q.ID)
	samePage(t, e, a, step1, http.StatusOK, tickedOption(q.ID, q.Options[2].ID))
	review := fmt.Sprintf("/assessment/%d/review", d.ID)
	samePage(t, e, a, review, http.StatusOK, q.Options[2].Text.In("vi"))
	// Another firm's user: not found.
	storetest.FirmUser(t, e.st, "noithat@test.local", e.fx.NoiThat.ID)
	other := e.client().login("noithat@test.local")
	for _, p := range []string{step1, review} {
		must(t, other.get(p), http.StatusNotFound)
	}
	// Submitted elsewhere: the step leads to its result; deleted: gone.
	rawExec(t, db, "UPDATE responses SET status = 'submitted', submitted_at = updated_at WHERE id = ?", d.ID)
	samePage(t, e, a, step1, http.StatusSeeOther)
	rawExec(t, db, "DELETE FROM responses WHERE id = ?", d.ID)
	for _, p := range []string{step1, review} {
		samePage(t, e, a, p, http.StatusNotFound)
	}
}

// claimantDraft registers a claimant of a firm in the registry, starts
// their draft and returns its first step.
func claimantDraft(t *testing.T, e *env, email string) (*client, string) {
	t.Helper()
	c := registerAs(t, e, "3709000044", "", email, "en")
	r := c.post("/assessment", nil)
	must(t, r, http.StatusSeeOther)
	step, _, _ := strings.Cut(r.header.Get("Location"), "#")
	return c, step
}

// countGet is c's GET of path and the SQL it ran.
func countGet(t *testing.T, e *env, c *client, path string) (resp, store.SQLCounts) {
	t.Helper()
	before := e.st.SQLCounts()
	r := c.get(path)
	return r, e.st.SQLCounts().Sub(before)
}

// A claimant's page reads the draft and the claim once, in one read
// transaction, though both the assessment and the nav ask for the claim.
func TestClaimantPageReadsItsClaimOnce(t *testing.T) {
	e := newEnv(t)
	c, step := claimantDraft(t, e, "mai@example.vn")
	r, n := countGet(t, e, c, step)
	must(t, r, http.StatusOK, `href="/assessment"`)
	if n.ReadStatements != 2 || n.ReadTxs != 1 {
		t.Fatalf("a claimant's step page: %+v, want the draft and the claim in one read transaction", n)
	}
	review := strings.Replace(step, "step/1", "review", 1)
	r, n = countGet(t, e, c, review)
	must(t, r, http.StatusOK)
	if n.ReadStatements != 3 || n.ReadTxs != 1 {
		t.Fatalf("a claimant's review: %+v, want the draft, its changes and the claim in one read transaction", n)
	}
}

// A claim rejected or revoked mid-session closes the draft and drops the
// assessment from the nav on the very next request, whether the Center
// decided it or another tool wrote it by hand.
func TestClaimClosedMidSessionClosesTheDraftAtOnce(t *testing.T) {
	for _, how := range []string{"rejected by the Center", "revoked by hand", "rejected by hand"} {
		t.Run(how, func(t *testing.T) {
			e := newEnv(t)
			c, step := claimantDraft(t, e, "mai@example.vn")
			samePage(t, e, c, step, http.StatusOK, `href="/assessment"`)
			switch how {
			case "rejected by the Center":
				admin := e.client().login("admin@test.local")
				must(t, admin.post("/admin/claims/"+claimIDOf(t, e, "mai@example.vn")+"/decide", values("decision", "reject", "reason", "x")),
					http.StatusSeeOther)
			default:
				status := strings.Fields(how)[0]
				rawExec(t, rawDB(t, e), "UPDATE claims SET status = ?, decided_at = created_at WHERE id = ?", status, claimIDOf(t, e, "mai@example.vn"))
			}
			samePage(t, e, c, step, http.StatusNotFound)
			page := c.get("/profile")
			must(t, page, http.StatusOK)
			if strings.Contains(page.body, `href="/assessment"`) {
				t.Fatal("the nav still offers the self-assessment")
			}
			samePage(t, e, c, "/assessment", http.StatusOK, `id="assessment-closed"`)
		})
	}
}

// The claim a request read is kept for that request and that user only.
func TestKeptClaimIsTheRequestsAndTheUsers(t *testing.T) {
	e := newEnv(t)
	c, _ := claimantDraft(t, e, "mai@example.vn")
	_ = c
	u, err := e.st.FindUserByEmail(ctx, "mai@example.vn")
	if err != nil {
		t.Fatal(err)
	}
	other := *u
	other.ID++
	r, end := e.web.readOnce(httptest.NewRequest(http.MethodGet, "/", nil))
	defer end()
	keepClaim(r.Context(), u, true)
	if closed, ok := keptClaim(r.Context(), u); !ok || !closed {
		t.Fatal("the request's own read is not kept")
	}
	if _, ok := keptClaim(r.Context(), &other); ok {
		t.Fatal("one user's claim is kept for another")
	}
	if _, ok := keptClaim(httptest.NewRequest(http.MethodGet, "/", nil).Context(), u); ok {
		t.Fatal("a claim is kept for a request that did not read it")
	}
}
