package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"dxready/funnel"
	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
)

// funnelFixture writes, as rows, the five firms funnel_test.go works out
// by hand (A to E, docs/FUNNEL.md): firms 9001-9005 in section C, size
// small, ward 25760; A and D in association 77, D also in 78.
var funnelFixture = []string{
	"INSERT INTO instruments (key, hash, first_used_at) VALUES ('funnel-test@1', 'x', '2026-01-01 00:00:00+00:00')",
	"INSERT INTO associations (id, code, name_vi, name_en, created_at) VALUES (77, 'f77', 'H77', 'A77', '2026-01-01 00:00:00+00:00'), (78, 'f78', 'H78', 'A78', '2026-01-01 00:00:00+00:00')",
	`INSERT INTO firms (id, tax_code, name, name_folded, search_key, section, size_class, ward_code, created_at, updated_at)
	 SELECT 9000 + value, '99000000' || value, 'Firm ' || char(64 + value), 'firm', 'firm', 'C', 'small', '25760', '2025-01-01 00:00:00+00:00', '2025-01-01 00:00:00+00:00'
	 FROM json_each('[1,2,3,4,5]')`,
	"INSERT INTO firm_associations (firm_id, association_id, since) VALUES (9001, 77, '2025-01-01 00:00:00+00:00'), (9004, 77, '2025-01-01 00:00:00+00:00'), (9004, 78, '2025-01-01 00:00:00+00:00')",
	// A
	user(1, 9001, "2026-01-05 03:00:00", "'2026-01-06 03:00:00+00:00'"),
	response(9001, "2026-01-10 03:00:00", ""), response(9001, "2026-01-10 03:00:00", "2026-01-20 03:00:00"),
	response(9001, "2026-04-04 03:00:00", "2026-04-05 03:00:00"),
	booking(501, 9001, "2026-02-01 03:00:00", "2026-02-10 03:00:00", "done"),
	item(501, 9001, "'2026-02-20 03:00:00+00:00'"), item(501, 9001, "'2026-02-15 03:00:00+00:00'"),
	// B: no account
	response(9002, "2026-03-31 20:00:00", "2026-04-02 20:00:00"),
	// C
	user(3, 9003, "2026-01-03 03:00:00", "NULL"), response(9003, "2026-01-04 03:00:00", ""),
	// D
	user(4, 9004, "2026-02-01 03:00:00", "'2026-02-05 03:00:00+00:00'"),
	response(9004, "2026-02-02 03:00:00", "2026-02-07 03:00:00"), response(9004, "2026-02-19 03:00:00", "2026-02-20 03:00:00"),
	booking(504, 9004, "2026-02-08 03:00:00", "2026-02-12 03:00:00", "done"),
	booking(514, 9004, "2026-02-09 03:00:00", "2026-03-12 03:00:00", "cancelled"),
	item(504, 9004, "'2026-02-13 03:00:00+00:00'"), item(504, 9004, "NULL"),
	// E
	user(5, 9005, "2026-01-02 03:00:00", "'2026-01-02 04:00:00+00:00'"),
	response(9005, "2026-01-02 05:00:00", "2026-01-03 03:00:00"),
	booking(505, 9005, "2026-01-03 04:00:00", "2026-01-09 03:00:00", "done"),
}

func user(n, firm int, created, verified string) string {
	return fmt.Sprintf(`INSERT INTO users (email, name, role, status, firm_id, password_hash, created_at, firm_verified_at)
		VALUES ('funnel%d@test.local', 'U', 'firm', 'active', %d, 'x', '%s+00:00', %s)`, n, firm, created, verified)
}

func response(firm int, created, submitted string) string {
	if submitted == "" {
		return fmt.Sprintf(`INSERT INTO responses (firm_id, instrument, status, created_at, updated_at)
			VALUES (%d, 'funnel-test@1', 'draft', '%s+00:00', '%[2]s+00:00')`, firm, created)
	}
	return fmt.Sprintf(`INSERT INTO responses (firm_id, instrument, status, created_at, updated_at, submitted_at, overall, level)
		VALUES (%d, 'funnel-test@1', 'submitted', '%s+00:00', '%[2]s+00:00', '%s+00:00', 50, 2)`, firm, created, submitted)
}

func booking(id, firm int, created, start, status string) string {
	return fmt.Sprintf(`INSERT INTO bookings (id, advisor_id, firm_id, start_at, end_at, status, created_at, updated_at)
		VALUES (%d, (SELECT user_id FROM advisors LIMIT 1), %d, unixepoch('%s'), unixepoch('%[4]s') + 3600, '%s', '%s+00:00', '%[6]s+00:00')`,
		id, firm, start, start, status, created)
}

func item(bookingID, firm int, done string) string {
	return fmt.Sprintf(`INSERT INTO action_items (booking_id, firm_id, pillar, text, owner, due, done_at, created_at)
		VALUES (%d, %d, 'data', 'x', 'firm', '2026-03-01', %s, '2026-02-10 05:00:00+00:00')`, bookingID, firm, done)
}

// funnelFigures reads the figures of the firms f picks, as the page does.
func funnelFigures(t *testing.T, s *store.Store, f store.FunnelFilter, keep func(int) bool) funnel.Figures {
	t.Helper()
	cells, _, err := s.FunnelCells(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	return funnel.Summarise(cells, keep)
}

func counts(f funnel.Figures) []int {
	var out []int
	for _, s := range f.Stages {
		out = append(out, s.Count)
	}
	return out
}

// The tallies kept by the triggers and the drain give the figures worked
// out by hand for the five firms.
func TestFunnelFromRows(t *testing.T) {
	s, _ := storetest.Open(t)
	if err := store.FunnelExec(s, funnelFixture...); err != nil {
		t.Fatal(err)
	}
	f := funnelFigures(t, s, store.FunnelFilter{Sections: []string{"C"}, Sizes: []string{"small"}}, nil)
	if got, want := counts(f), []int{5, 4, 4, 4, 3, 3, 2, 1}; !slices.Equal(got, want) {
		t.Fatalf("counts %v, want %v", got, want)
	}
	medians := []float64{1.5, 0, 1, 1, 5, 5, 44}
	for k, m := range medians {
		if st := f.Stages[k]; !st.HasMedian || st.MedianDays != m {
			t.Errorf("%s: median %v (%v), want %v", funnel.Stage(k).Key(), st.MedianDays, st.HasMedian, m)
		}
	}
	// Association 77 holds A and D; naming 78 as well must not count D twice.
	for _, as := range [][]int64{{77}, {77, 78}} {
		if got, want := counts(funnelFigures(t, s, store.FunnelFilter{Associations: as}, nil)), []int{2, 2, 2, 2, 2, 2, 1, 1}; !slices.Equal(got, want) {
			t.Errorf("associations %v: counts %v, want %v", as, got, want)
		}
	}
	q1 := funnel.QuarterIndex(scoring.Quarter{Year: 2026, Q: 1})
	if got := counts(funnelFigures(t, s, store.FunnelFilter{Sizes: []string{"small"}}, func(q int) bool { return q == q1 })); got[0] != 4 || got[7] != 0 {
		t.Errorf("2026-Q1: %v, want 4 registered and none re-assessed", got)
	}
	// The province's own tallies equal those of every size class together.
	everySize := store.FunnelFilter{Sizes: []string{"", "micro", "small", "medium", "large"}}
	if all, bySize := funnelFigures(t, s, store.FunnelFilter{}, nil), funnelFigures(t, s, everySize, nil); !slices.Equal(counts(all), counts(bySize)) ||
		all.Stages[funnel.Registered].MedianDays != bySize.Stages[funnel.Registered].MedianDays {
		t.Errorf("province %v, every size %v", counts(all), counts(bySize))
	}
	if got := counts(funnelFigures(t, s, store.FunnelFilter{Wards: []string{"99999"}}, nil)); got[0] != 0 {
		t.Errorf("a ward without firms counts %v", got)
	}
}

// Each later write moves the tallies as the rule says, and the tallies
// always equal those derived again from the rows.
func TestFunnelFollowsWrites(t *testing.T) {
	s, _ := storetest.Open(t)
	if err := store.FunnelExec(s, funnelFixture...); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		sql  string
		want []int
	}{
		{"D ticks its open item: done, and its re-assessment counts", "UPDATE action_items SET done_at = '2026-02-18 00:00:00+00:00' WHERE done_at IS NULL",
			[]int{5, 4, 4, 4, 3, 3, 3, 2}},
		{"C's claim is verified", "UPDATE users SET firm_verified_at = '2026-05-01 00:00:00+00:00' WHERE email = 'funnel3@test.local'",
			[]int{5, 5, 5, 4, 3, 3, 3, 2}},
		{"E's consultation is taken back to no-show", "UPDATE bookings SET status = 'no_show' WHERE id = 505",
			[]int{5, 5, 5, 4, 3, 2, 2, 2}},
		{"A leaves the registry", "DELETE FROM firms WHERE id = 9001", []int{4, 4, 4, 3, 2, 1, 1, 1}},
		{"D moves to another section", "UPDATE firms SET section = 'G' WHERE id = 9004", []int{3, 3, 3, 2, 1, 0, 0, 0}},
	}
	for _, st := range steps {
		if err := store.FunnelExec(s, st.sql); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got := counts(funnelFigures(t, s, store.FunnelFilter{Sections: []string{"C"}, Sizes: []string{"small"}}, nil)); !slices.Equal(got, st.want) {
			t.Errorf("%s: counts %v, want %v", st.name, got, st.want)
		}
	}
	before, _, err := s.FunnelCells(context.Background(), store.FunnelFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RebuildFunnel(context.Background()); err != nil {
		t.Fatal(err)
	}
	after, _, _ := s.FunnelCells(context.Background(), store.FunnelFilter{})
	if !sameCells(before, after) {
		t.Errorf("kept tallies %v, derived again %v", before, after)
	}
}

// sameCells reports whether a and b hold the same cells in any order.
func sameCells(a, b []funnel.Cell) bool {
	m := map[funnel.Cell]int{}
	for _, c := range a {
		m[c]++
	}
	for _, c := range b {
		m[c]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return len(a) == len(b)
}
