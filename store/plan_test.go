package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// queryPlan returns SQLite's plan for q, one step a line.
func queryPlan(t *testing.T, s *Store, q string, args ...any) string {
	t.Helper()
	rows, err := s.r.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", q, err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		b.WriteString(detail + "\n")
	}
	return b.String()
}

func openPlanStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// The comparison figures on a result page read only a group's members:
// every table is reached through an index, none is scanned, so the cost
// follows the group's size and not the province's 68,000 firms.
func TestComparisonQueriesUseIndexes(t *testing.T) {
	s := openPlanStore(t)
	for _, g := range []Group{{AssociationID: 1}, {Division: "16"}} {
		members, args := groupMembers(g)
		for _, q := range []string{groupOverallSQL(members), groupPillarsSQL(members)} {
			plan := queryPlan(t, s, q, append(args, "dbi-2021@1")...)
			for _, line := range strings.Split(strings.TrimSpace(plan), "\n") {
				if strings.HasPrefix(line, "SCAN ") {
					t.Errorf("group %+v: a full scan in\n%s\n%s", g, q, plan)
				}
			}
			if !strings.Contains(plan, "SEARCH c USING INTEGER PRIMARY KEY") {
				t.Errorf("group %+v: current results not looked up by firm:\n%s", g, plan)
			}
		}
	}
}
