package store_test

import (
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
// set the user's columns to NULL; before migration 0033 the triggers those
// updates fired named the firm twice under the deletion's ABORT policy and
// the deletion failed on agg_dirty's UNIQUE. After it and the store's next
// write (another firm's), the cells and the funnel equal those derived
// again, and the results and the answers' changes are kept with no user
// named.
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

// TestAttackHandUpsertOverASubmittedResultsAnswers: an operator's upsert
// over every answer of a submitted result (INSERT ... ON CONFLICT DO
// UPDATE, whose ABORT overrides the triggers' OR IGNORE) is written, and
// after the store's next write the cells equal those derived again from
// the changed answers.
func TestAttackHandUpsertOverASubmittedResultsAnswers(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	w := &cellsWorld{t: t, s: s, fx: fx, in: in, rng: rand.New(rand.NewPCG(34, 2))}
	id := fx.GoDuc.ID
	w.submitOnce(id)
	db := openRaw(t, s)
	res, err := db.Exec(`INSERT INTO answers (response_id, question, options, updated_at)
		SELECT response_id, question, '[]', updated_at FROM answers
		WHERE response_id = (SELECT MAX(id) FROM responses WHERE firm_id = ? AND status = 'submitted')
		ON CONFLICT (response_id, question) DO UPDATE SET options = excluded.options`, id)
	if err != nil {
		t.Fatalf("an upsert over a submitted result's answers: %v", err)
	}
	if n, err := res.RowsAffected(); err != nil || n < 2 {
		t.Fatalf("the upsert changed %d answers (%v): the attack needs two or more", n, err)
	}
	w.answeredDraft(fx.NoiThat.ID)
	verifyCells(t, s, 1)
}

// TestAttackSharingEventsRenumberedByHand: two sharing events of one firm
// at the same time, told apart by their IDs, have one renumbered through
// the rowid alias by a raw connection. An update trigger listening for
// "id" would not hear it; the one that listens for any update names the
// firm, and the cells follow after the store's next write.
func TestAttackSharingEventsRenumberedByHand(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	w := &cellsWorld{t: t, s: s, fx: fx, in: in, rng: rand.New(rand.NewPCG(34, 3))}
	id := fx.GoDuc.ID
	if err := s.AddMemberships(ctx, fx.Wood.ID, []int64{id}); err != nil {
		t.Fatal(err)
	}
	w.submitOnce(id)
	for _, share := range []bool{true, false} { // the same clock: the same time
		if err := s.SetSharing(ctx, id, fx.Wood.ID, share, 0); err != nil {
			t.Fatal(err)
		}
	}
	verifyCells(t, s, 1)
	db := openRaw(t, s)
	for _, q := range []string{
		`UPDATE sharing_events SET rowid = rowid + 1000 WHERE id = (SELECT MIN(id) FROM sharing_events WHERE firm_id = ?)`,
		`UPDATE result_sharing SET user_id = NULL WHERE firm_id = ?`,
	} {
		if _, err := db.Exec(q, id); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		w.answeredDraft(fx.NoiThat.ID)
		verifyCells(t, s, 2)
	}
}

var (
	updateOf    = regexp.MustCompile(`(?is)^CREATE\s+TRIGGER\s+\S+\s+(?:BEFORE|AFTER)\s+UPDATE\s+OF\s+(.*?)\s+ON\s`)
	bodyUpdate  = regexp.MustCompile(`(?is)\bUPDATE\s+(\w+)\s+SET\s+(.*?)\s+WHERE\b`)
	bodyInsert  = regexp.MustCompile(`(?is)\bINSERT\s+(?:OR\s+\w+\s+)?INTO\s+(\w+)`)
	bodyDelete  = regexp.MustCompile(`(?is)\bDELETE\s+FROM\s+(\w+)`)
	setColumn   = regexp.MustCompile(`(?i)(?:^|,)\s*(\w+)\s*=`)
	triggerKind = regexp.MustCompile(`(?is)^CREATE\s+TRIGGER\s+\S+\s+(?:BEFORE|AFTER|INSTEAD\s+OF)\s+(INSERT|UPDATE|DELETE)\b`)
)

// TestNoOrIgnoreWhereAUsersDeletionReaches walks, from every foreign key
// whose ON DELETE sets a column to NULL, the triggers that update fires,
// the writes in their bodies and the triggers those fire in turn, and
// fails on any OR IGNORE met on the way: the deletion's ABORT overrides
// it, and a second naming of a firm undoes the deletion (migration 0033).
// The walk reads the triggers' SQL as the schema holds it.
func TestNoOrIgnoreWhereAUsersDeletionReaches(t *testing.T) {
	s, _ := storetest.Open(t)
	db := openRaw(t, s)
	type trig struct{ name, table, kind, sql string }
	var trigs []trig
	for _, row := range rowsText(t, db, `SELECT name || char(31) || tbl_name || char(31) || sql FROM sqlite_schema WHERE type = 'trigger'`) {
		f := strings.Split(row, "\x1f")
		m := triggerKind.FindStringSubmatch(f[2])
		if m == nil {
			t.Fatalf("trigger %s: cannot tell what fires it: %s", f[0], f[2])
		}
		trigs = append(trigs, trig{f[0], strings.ToLower(f[1]), strings.ToUpper(m[1]), f[2]})
	}
	type write struct {
		table, kind string
		cols        []string // an UPDATE's columns
		from        string
	}
	var todo []write
	for _, row := range rowsText(t, db, `SELECT lower(m.name) || char(31) || lower(k."from") FROM sqlite_schema m, pragma_foreign_key_list(m.name) k
		WHERE m.type = 'table' AND k.on_delete = 'SET NULL'`) {
		table, c, _ := strings.Cut(row, "\x1f")
		todo = append(todo, write{table, "UPDATE", []string{c}, "a deletion setting " + table + "." + c + " to NULL"})
	}
	if len(todo) == 0 {
		t.Fatal("no ON DELETE SET NULL key found: the walk has nothing to start from")
	}
	seen := map[string]bool{}
	reached := 0
	for len(todo) > 0 {
		wr := todo[0]
		todo = todo[1:]
		for _, tr := range trigs {
			if tr.table != wr.table || tr.kind != wr.kind || !firesOn(tr.sql, wr.cols) || seen[tr.name] {
				continue
			}
			seen[tr.name] = true
			reached++
			_, body, _ := strings.Cut(strings.ToUpper(tr.sql), "BEGIN")
			if strings.Contains(body, "OR IGNORE") {
				t.Errorf("trigger %s, reached from %s, names rows with OR IGNORE, which the deletion's ABORT overrides", tr.name, wr.from)
			}
			from := wr.from + " → " + tr.name
			for _, m := range bodyUpdate.FindAllStringSubmatch(body, -1) {
				var cols []string
				for _, c := range setColumn.FindAllStringSubmatch(m[2], -1) {
					cols = append(cols, strings.ToLower(c[1]))
				}
				todo = append(todo, write{strings.ToLower(m[1]), "UPDATE", cols, from})
			}
			for _, m := range bodyInsert.FindAllStringSubmatch(body, -1) {
				todo = append(todo, write{strings.ToLower(m[1]), "INSERT", nil, from})
			}
			for _, m := range bodyDelete.FindAllStringSubmatch(body, -1) {
				todo = append(todo, write{strings.ToLower(m[1]), "DELETE", nil, from})
			}
		}
	}
	if !seen["answers_rev_update"] || !seen["agg_responses_answers"] || !seen["agg_sharing_update"] {
		t.Fatalf("the walk reached %d triggers, %v, but not those a user's deletion is known to fire", reached, seen)
	}
}

// firesOn reports whether an UPDATE trigger of sql fires on an update of
// cols: it has no column list, or its list names one of them. Any other
// trigger fires on every write of its kind.
func firesOn(sql string, cols []string) bool {
	m := updateOf.FindStringSubmatch(sql)
	if m == nil || cols == nil {
		return true
	}
	for c := range strings.SplitSeq(m[1], ",") {
		if slices.Contains(cols, strings.ToLower(strings.TrimSpace(c))) {
			return true
		}
	}
	return false
}
