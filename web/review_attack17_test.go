package web

import (
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"dxready/locale"
	"dxready/survey"
)

// TestAttack17ReviewOfAnswersTheInstrumentDoesNotHave: a draft whose
// stored answers name options the question does not have (HTML-special,
// empty, repeated, multi-byte), answers to questions of no instrument
// version (written by hand), null and empty option lists: the review
// page is served (200, through HTTP, both languages), equals the page the
// template renders line by line, and shows no stored text unescaped.
func TestAttack17ReviewOfAnswersTheInstrumentDoesNotHave(t *testing.T) {
	e := newEnv(t)
	in, _ := survey.Latest(e.web.cfg.Instruments, survey.DefaultID)
	d, err := e.st.DraftOf(ctx, e.fx.GoDuc.ID, 0, in, survey.Profile{Section: "C", Size: "small"}, e.fx.FirmUser.ID)
	if err != nil {
		t.Fatal(err)
	}
	qs := in.Questions()
	evil := `<script>alert("x")</script>&amp;`
	answers := map[string]survey.Answer{}
	odd := [][]string{{evil}, {""}, {"", ""}, {qs[0].Options[0].ID, qs[0].Options[0].ID}, {"lựa chọn cũ"}, {survey.NotApplicable, evil}, {}}
	for i, opts := range odd {
		answers[qs[i].ID] = survey.Answer{Options: opts}
	}
	if err := e.st.SaveAnswers(ctx, d.ID, e.fx.GoDuc.ID, answers, e.fx.FirmUser.ID); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+e.st.Path()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for q, opts := range map[string]string{"zz-of-another-version": `["a"]`, evil: `["` + strings.ReplaceAll(evil, `"`, `\"`) + `"]`, qs[len(qs)-1].ID: `null`} {
		if _, err := db.Exec(`INSERT OR REPLACE INTO answers (response_id, question, options, updated_at) VALUES (?, ?, ?, '2026-11-30 09:00:00+00:00')`, d.ID, q, opts); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range locale.Languages {
		joined, whole := e.reviewBothWays(t, d.ID, l)
		if joined != whole {
			t.Fatalf("%s: the joined page differs from the whole one at byte %d:\n%s", l, firstDiff(joined, whole), around(joined, whole))
		}
		t.Logf("%s: escaped stored text shown %d times, old option %d", l, strings.Count(joined, "&lt;script&gt;"), strings.Count(joined, "lựa chọn cũ"))
		if strings.Contains(joined, "<script>alert") {
			t.Fatalf("%s: a stored option is shown unescaped", l)
		}
	}
	c := e.client().login(e.fx.FirmUser.Email)
	for _, l := range locale.Languages {
		r := c.get(fmt.Sprintf("/assessment/%d/review", d.ID), "Accept-Language", l)
		if r.status != http.StatusOK || strings.Contains(r.body, "<script>alert") {
			t.Fatalf("%s: review %d (unescaped: %v)", l, r.status, strings.Contains(r.body, "<script>alert"))
		}
	}
}
