package store_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// The review page's changes are read by the index in ID order: only the
// rows shown, no sort of all the draft's events (migration 0030).
func TestAnswerChangesReadOnlyWhatTheyShow(t *testing.T) {
	s, _ := storetest.Open(t)
	plan, err := store.AnswerChangesPlan(s)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "USING INDEX answer_events_latest_idx (response_id=?)") || strings.Contains(plan, "TEMP B-TREE") {
		t.Fatalf("AnswerChanges' plan reads and sorts every change of the draft:\n%s", plan)
	}
}

// The latest changes are the same as the whole history sorted by ID and
// cut (what the query did before the index): drafts of three firms saved
// in turn, answers changed over and over, ticked and unticked, "not
// applicable", by a user and by nobody (a deleted user), with the clock
// going back as well as forward (ID order is not time order), for every
// limit.
func TestAnswerChangesAreTheHistoryNewestFirst(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	var drafts []*survey.Response
	for _, f := range []int64{fx.GoDuc.ID, fx.NoiThat.ID, fx.Kho.ID} {
		d, err := s.Draft(ctx, f, in, survey.Profile{Section: "C", Size: "medium"}, fx.FirmUser.ID)
		if err != nil {
			t.Fatal(err)
		}
		drafts = append(drafts, d)
	}
	var qs []survey.Question
	for _, pl := range in.Pillars {
		qs = append(qs, pl.Questions...)
	}
	rng := rand.New(rand.NewPCG(14, 30))
	for range 150 {
		d := drafts[rng.IntN(len(drafts))]
		answers := map[string]survey.Answer{}
		for range 1 + rng.IntN(6) {
			q := qs[rng.IntN(len(qs))]
			var opts []string
			switch rng.IntN(5) {
			case 0:
				opts = []string{} // none ticked
			case 1:
				opts = []string{"na"}
			default:
				opts = []string{q.Options[rng.IntN(len(q.Options))].ID}
				if q.Type == survey.Multi && rng.IntN(2) == 0 {
					opts = append(opts, q.Options[rng.IntN(len(q.Options))].ID)
				}
			}
			answers[q.ID] = survey.Answer{Options: opts}
		}
		fx.Clock.Add(time.Duration(rng.IntN(7)-3) * time.Minute)
		user := fx.FirmUser.ID
		if rng.IntN(4) == 0 {
			user = 0
		}
		if err := s.SaveAnswers(ctx, d.ID, d.FirmID, answers, user); err != nil {
			t.Fatal(err)
		}
	}
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, d := range drafts {
		all := historySorted(t, db, d.ID)
		if len(all) < 40 {
			t.Fatalf("draft %d: only %d changes", d.ID, len(all))
		}
		for _, limit := range []int{1, 2, 15, len(all) - 1, len(all), len(all) + 5} {
			got, err := s.AnswerChanges(ctx, d.ID, limit)
			if err != nil {
				t.Fatal(err)
			}
			want := all[:min(limit, len(all))]
			if len(got) != len(want) {
				t.Fatalf("draft %d, limit %d: %d changes, want %d", d.ID, limit, len(got), len(want))
			}
			for i, c := range got {
				if g := fmt.Sprintf("%s %q %s %s", c.Question, c.Options, c.UserName, c.At.UTC().Format(time.RFC3339Nano)); g != want[i] {
					t.Fatalf("draft %d, limit %d, change %d:\n got %s\nwant %s", d.ID, limit, i, g, want[i])
				}
			}
		}
	}
}

// historySorted is every change of response id, sorted by ID newest first
// with no index (NOT INDEXED: a scan of the table, then a sort).
func historySorted(t *testing.T, db *sql.DB, id int64) []string {
	t.Helper()
	rows, err := db.Query(`SELECT e.question, e.options, COALESCE(u.name, ''), e.at FROM answer_events e NOT INDEXED
		LEFT JOIN users u ON u.id = e.user_id WHERE e.response_id = ? ORDER BY e.id DESC`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var q, opts, name string
		var at time.Time
		if err := rows.Scan(&q, &opts, &name, &at); err != nil {
			t.Fatal(err)
		}
		var o []string
		if err := json.Unmarshal([]byte(opts), &o); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %q %s %s", q, o, name, at.UTC().Format(time.RFC3339Nano)))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
