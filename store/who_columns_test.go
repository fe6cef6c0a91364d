package store_test

import (
	"database/sql"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"dxready/store/storetest"
	"dxready/survey"
)

// TestDeletingAUserWhoWroteAndSharedResults: a user who answered and
// submitted two results of their firm and shared them with an association
// (then withdrew and shared again) is deleted by a raw connection, as an
// operator would erase an account in the sqlite3 shell. The foreign keys
// set the user's columns to NULL; before migration 0034 the triggers those
// updates fired named the firm twice under the deletion's ABORT policy and
// the deletion failed on agg_dirty's UNIQUE. After it and the store's next
// write (another firm's), the cells and the funnel equal those derived again, and the results and the answers'
// changes are kept with no user named.
func TestDeletingAUserWhoWroteAndSharedResults(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	w := &cellsWorld{t: t, s: s, fx: fx, in: in, rng: rand.New(rand.NewPCG(34, 1))}
	id, user := fx.GoDuc.ID, fx.FirmUser.ID
	if err := s.AddMemberships(ctx, fx.Wood.ID, []int64{id}); err != nil {
		t.Fatal(err)
	}
	var last int64
	for range 2 {
		fx.Clock.Add(24 * time.Hour)
		d, err := s.Draft(ctx, id, in, survey.Profile{Section: "C", Size: "small"}, user)
		if err == nil {
			err = s.SaveAnswers(ctx, d.ID, id, w.adoptionAnswers(), user)
		}
		if err == nil {
			d, err = s.FindResponse(ctx, d.ID)
		}
		if err == nil {
			err = s.SubmitResponse(ctx, d.ID, id, user, d.Version(), w.result())
		}
		if err != nil {
			t.Fatal(err)
		}
		last = d.ID
	}
	for _, share := range []bool{true, false, true} {
		if err := s.SetSharing(ctx, id, fx.Wood.ID, share, user); err != nil {
			t.Fatal(err)
		}
	}
	db := openRaw(t, s)
	var wrote int
	if err := db.QueryRow(`SELECT count(*) FROM answers WHERE updated_by = ? AND response_id = ?`, user, last).Scan(&wrote); err != nil || wrote < 2 {
		t.Fatalf("the user wrote %d answers of the last result (%v): the attack needs two or more", wrote, err)
	}
	before, err := s.AnswerChanges(ctx, last, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DELETE FROM users WHERE id = ?`, user); err != nil {
		t.Fatalf("deleting a user who wrote and shared results: %v", err)
	}
	w.answeredDraft(fx.NoiThat.ID) // the store's next write reconciles what was changed behind its back
	verifyCells(t, s, 2)
	funnelEqualsRebuild(t, s, "after the user's deletion")
	after, err := s.AnswerChanges(ctx, last, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Fatalf("the result's changes went from %d to %d with the user's deletion", len(before), len(after))
	}
	for _, c := range after {
		if c.UserName != "" {
			t.Fatalf("a change still names %q after its user was deleted", c.UserName)
		}
	}
	if subs := w.submitted(id); len(subs) != 2 {
		t.Fatalf("the firm has %d results after the user's deletion, want 2", len(subs))
	}
}

// whoColumns are the columns that say which user last wrote a row, by
// table, and the update triggers that must not listen for them, each with
// the columns it must listen for: every other column of its table.
var whoColumns = map[string]struct {
	who      []string
	triggers []string
}{
	"answers":        {who: []string{"updated_by", "updated_at"}, triggers: []string{"answers_rev_update", "answers_log_update"}},
	"result_sharing": {who: []string{"user_id"}, triggers: []string{"agg_sharing_update"}},
	"sharing_events": {who: []string{"user_id"}, triggers: []string{"agg_sharing_events_update"}},
}

var updateOf = regexp.MustCompile(`(?is)(?:BEFORE|AFTER)\s+UPDATE\s+OF\s+(.*?)\s+ON\s`)

// TestUpdateTriggersIgnoreWhoWroteARow: no update trigger of a table with
// an ON DELETE SET NULL foreign key fires on a change of that column alone
// (TestDeletingAUserWhoWroteAndSharedResults says why), and the triggers
// of whoColumns listen for every column of their tables but who wrote the
// row, so a column added later is listened for or named here on purpose.
// answers.updated_at is not a foreign key, but an answer's version and log
// are its options, not its time.
func TestUpdateTriggersIgnoreWhoWroteARow(t *testing.T) {
	s, _ := storetest.Open(t)
	db := openRaw(t, s)
	tables := rowsText(t, db, `SELECT name FROM sqlite_schema WHERE type = 'table'`)
	for _, table := range tables {
		setNull := columnsWhere(t, db, `SELECT "from" FROM pragma_foreign_key_list(?) WHERE on_delete = 'SET NULL'`, table)
		if len(setNull) == 0 {
			continue
		}
		rows, err := db.Query(`SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ?`, table)
		if err != nil {
			t.Fatal(err)
		}
		listens := map[string][]string{}
		for rows.Next() {
			var name, text string
			if err := rows.Scan(&name, &text); err != nil {
				t.Fatal(err)
			}
			head, _, _ := strings.Cut(strings.ToUpper(text), "BEGIN")
			if !strings.Contains(head, "UPDATE") {
				continue
			}
			m := updateOf.FindStringSubmatch(text)
			if m == nil {
				t.Errorf("trigger %s on %s fires on any update, so on a user's deletion setting %v to NULL", name, table, setNull)
				continue
			}
			var cols []string
			for c := range strings.SplitSeq(m[1], ",") {
				cols = append(cols, strings.ToLower(strings.TrimSpace(c)))
			}
			for _, c := range setNull {
				if slices.Contains(cols, c) {
					t.Errorf("trigger %s on %s fires when a user's deletion sets %s to NULL", name, table, c)
				}
			}
			listens[name] = cols
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		wc, ok := whoColumns[table]
		if !ok {
			continue
		}
		all := columnsWhere(t, db, `SELECT name FROM pragma_table_info(?)`, table)
		var want []string
		for _, c := range all {
			if !slices.Contains(wc.who, c) {
				want = append(want, c)
			}
		}
		for _, name := range wc.triggers {
			got := slices.Clone(listens[name])
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("trigger %s on %s listens for %v, want every column but who wrote the row: %v", name, table, got, want)
			}
		}
	}
}

// columnsWhere returns the one-column rows q gives for table.
func columnsWhere(t *testing.T, db *sql.DB, q, table string) []string {
	t.Helper()
	rows, err := db.Query(q, table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.ToLower(c))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
