package store_test

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"dxready/firms"
	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// memberKeysDiff compares member_keys and firm_drafts (migration 0022,
// kept by triggers) with the same rows computed from the tables they copy,
// and returns the first difference, or "". A member's legal prefix
// (migration 0027) followed by its search key must be its firm's folded
// name.
func memberKeysDiff(t *testing.T, db *sql.DB) string {
	t.Helper()
	for _, q := range [][2]string{
		{`SELECT association_id, firm_id, search_key, drafting, submitted_at, overall, shared, status, quarter, shared_at, shared_score,
				COALESCE((SELECT prefix FROM legal_prefixes p WHERE p.code = legal), '(none) ') || search_key
			FROM member_keys ORDER BY 1, 2`,
			`SELECT m.association_id, m.firm_id, f.search_key,
				EXISTS (SELECT 1 FROM responses d WHERE d.firm_id = m.firm_id AND d.status = 'draft' AND d.owner_id IS NULL),
				COALESCE(c.submitted_at, ''), COALESCE(c.overall, -1), sh.firm_id IS NOT NULL,
				CASE WHEN c.firm_id IS NOT NULL THEN 2
					WHEN EXISTS (SELECT 1 FROM responses d WHERE d.firm_id = m.firm_id AND d.status = 'draft' AND d.owner_id IS NULL) THEN 1 ELSE 0 END,
				COALESCE(CAST(strftime('%Y', c.submitted_at, '+7 hours') || ((CAST(strftime('%m', c.submitted_at, '+7 hours') AS INTEGER) + 2) / 3) AS INTEGER), 0),
				COALESCE(CASE WHEN sh.firm_id IS NOT NULL THEN julianday(c.submitted_at) END, 0),
				COALESCE(CASE WHEN sh.firm_id IS NOT NULL THEN c.overall END, -1),
				f.name_folded
			FROM firm_associations m JOIN firms f ON f.id = m.firm_id LEFT JOIN current_results c ON c.firm_id = m.firm_id
			LEFT JOIN result_sharing sh ON sh.association_id = m.association_id AND sh.firm_id = m.firm_id ORDER BY 1, 2`},
		{`SELECT firm_id FROM firm_drafts ORDER BY 1`,
			`SELECT DISTINCT firm_id FROM responses WHERE status = 'draft' AND owner_id IS NULL ORDER BY 1`},
	} {
		kept, counted := rowsText(t, db, q[0]), rowsText(t, db, q[1])
		if !slices.Equal(kept, counted) {
			for i := range max(len(kept), len(counted)) {
				k, c := "(none)", "(none)"
				if i < len(kept) {
					k = kept[i]
				}
				if i < len(counted) {
					c = counted[i]
				}
				if k != c {
					return fmt.Sprintf("row %d: kept %s, computed %s (%d rows kept, %d computed)", i, k, c, len(kept), len(counted))
				}
			}
		}
	}
	return ""
}

// openRaw opens s's database file beside the store, for writes no store
// method makes; closed when the test ends.
func openRaw(t *testing.T, s *store.Store) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?_pragma=foreign_keys(ON)&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func rowsText(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.TrimSpace(fmt.Sprintln(vals...)))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestMemberKeysFollowWrites: after every step of a random sequence of
// the writes that change a member list's keys (joining and leaving an
// association, renaming a firm, a shared and a private draft, submitting,
// loading past results, sharing and withdrawing, a claim's private draft
// deleted, a firm deleted), the rows the triggers keep equal the rows
// computed from the tables they copy.
func TestMemberKeysFollowWrites(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	db := openRaw(t, s)
	if d := memberKeysDiff(t, db); d != "" {
		t.Fatalf("after the migration and fixtures: %s", d)
	}
	as, err := s.Associations(ctx)
	if err != nil || len(as) < 2 {
		t.Fatalf("associations: %v %v", as, err)
	}
	rng := rand.New(rand.NewPCG(25, 14))
	ids := func(q string) []int64 {
		var out []int64
		for _, r := range rowsText(t, db, q) {
			var id int64
			fmt.Sscan(r, &id)
			out = append(out, id)
		}
		return out
	}
	pick := func(xs []int64) int64 { return xs[rng.IntN(len(xs))] }
	anyFirm := func() int64 { return pick(ids("SELECT id FROM firms")) }
	anyAssoc := func() int64 { return as[rng.IntN(len(as))].ID }
	next := 600000000
	result := func() scoring.Result {
		return scoring.Result{Instrument: in.Key(), Overall: float64(rng.IntN(100)), Level: rng.IntN(6),
			Pillars: []scoring.PillarScore{{PillarID: "customer", Score: 40, Scored: true}}}
	}
	steps := map[string]func() error{
		"register and join": func() error {
			f := *fx.NoiThat
			f.ID, f.TaxCode, f.Name = 0, storetest.TaxCodeFrom(next), fmt.Sprintf("Công ty %c%d", 'A'+rng.IntN(26), next)
			next += 10
			if err := s.CreateFirm(ctx, &f); err != nil {
				return err
			}
			return s.AddMemberships(ctx, anyAssoc(), []int64{f.ID})
		},
		"join": func() error { return s.AddMemberships(ctx, anyAssoc(), []int64{anyFirm(), anyFirm()}) },
		"leave (replace a list)": func() error {
			a := anyAssoc()
			keep := ids(fmt.Sprintf("SELECT firm_id FROM firm_associations WHERE association_id = %d", a))
			var lines []firms.MemberLine
			for i, id := range keep {
				if rng.IntN(3) > 0 {
					f, err := s.FindFirmByID(ctx, id)
					if err != nil {
						return err
					}
					lines = append(lines, firms.MemberLine{Line: i + 1, TaxCode: f.TaxCode})
				}
			}
			_, err := s.ImportMemberships(ctx, a, lines, true)
			if err != nil && len(lines) == 0 {
				return nil // an empty list is refused
			}
			return err
		},
		"rename": func() error {
			f, err := s.FindFirmByID(ctx, anyFirm())
			if err != nil {
				return err
			}
			f.Name = fmt.Sprintf("Công ty %c đổi tên %d", 'A'+rng.IntN(26), rng.IntN(1000))
			return s.UpdateFirm(ctx, f)
		},
		"change a member's legal form": func() error { // same search key (member_keys.legal, migration 0027)
			f, err := s.FindFirmByID(ctx, pick(ids("SELECT firm_id FROM firm_associations")))
			if err != nil {
				return err
			}
			forms := []string{"Công ty", "Công ty TNHH", "Doanh nghiệp tư nhân", "Hợp tác xã Chi nhánh", ""}
			f.Name = strings.TrimSpace(forms[rng.IntN(len(forms))] + " " + firms.SearchKey(f.Name))
			return s.UpdateFirm(ctx, f)
		},
		"shared draft": func() error {
			_, err := s.Draft(ctx, anyFirm(), in, survey.Profile{Section: "C", Size: "micro"}, 0)
			return err
		},
		"private draft": func() error {
			u := pick(ids("SELECT id FROM users"))
			_, err := s.DraftOf(ctx, anyFirm(), u, in, survey.Profile{Section: "C", Size: "micro"}, u)
			return err
		},
		"submit": func() error {
			id := anyFirm()
			d, err := s.Draft(ctx, id, in, survey.Profile{Section: "C", Size: "micro"}, 0)
			if err != nil {
				return err
			}
			return s.SubmitResponse(ctx, d.ID, id, 0, d.Version(), result())
		},
		"load past": func() error {
			at := storetest.Clock.Add(-time.Duration(rng.IntN(5000)) * time.Hour)
			return s.LoadSubmissions(ctx, in, []store.PastSubmission{{FirmID: anyFirm(), Result: result(), SubmittedAt: at}})
		},
		"share or withdraw": func() error {
			ms := rowsText(t, db, "SELECT firm_id, association_id FROM firm_associations")
			var f, a int64
			fmt.Sscan(ms[rng.IntN(len(ms))], &f, &a)
			return s.SetSharing(ctx, f, a, rng.IntN(3) > 0, 0)
		},
		"drop a draft": func() error {
			_, err := db.Exec("DELETE FROM responses WHERE id = (SELECT id FROM responses WHERE status = 'draft' ORDER BY random() LIMIT 1)")
			return err
		},
		"delete a firm": func() error {
			_, err := db.Exec("DELETE FROM firms WHERE id = ?", anyFirm())
			return err
		},
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range steps {
			if !yield(n) {
				return
			}
		}
	})
	seen := map[string]int{}
	for i := range 150 {
		name := names[rng.IntN(len(names))]
		if name == "delete a firm" && rng.IntN(4) > 0 {
			continue // rarer: the fixtures' firms are few
		}
		if err := steps[name](); err != nil {
			t.Fatalf("step %d (%s): %v", i, name, err)
		}
		seen[name]++
		if d := memberKeysDiff(t, db); d != "" {
			t.Fatalf("step %d (%s): %s", i, name, d)
		}
	}
	for _, n := range names {
		if seen[n] == 0 {
			t.Errorf("step %q never ran", n)
		}
	}
	var drafting, shared, submitted int
	if err := db.QueryRow("SELECT SUM(drafting), SUM(shared), SUM(submitted_at <> '') FROM member_keys").Scan(&drafting, &shared, &submitted); err != nil {
		t.Fatal(err)
	}
	if drafting == 0 || shared == 0 || submitted == 0 {
		t.Errorf("the sequence left no member drafting (%d), sharing (%d) or submitted (%d): it checked too little", drafting, shared, submitted)
	}
}
