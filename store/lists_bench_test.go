package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"dxready/store"
)

// Issue 14, point 2: every page of the admin search and of the member list
// should cost the same, first, middle or last (targets: < 20 ms at 68,000
// firms, < 50 ms at 1,000,000). "offset" is the old way (exact COUNT(*),
// LIMIT/OFFSET); "keyset" is SearchFirms/PageMembers with a cursor and the
// count capped at 10,000.
//
//	go test ./store -run '^$' -bench 'Lists68k' -benchtime 20x
//	DXREADY_BENCH_1M=/path/copy-of-1M.db go test ./store -run '^$' -bench 'Lists1M' -benchtime 20x
//
// Each list is its own sub-benchmark (-bench 'Lists1M/members' runs the
// member lists only); DXREADY_BENCH_OFFSET=no leaves out the offset pages,
// which at 1M take seconds each. Nothing here runs in `go test ./...`.
//
// The 1M database is changed: migrated, and given a big association (every
// seventh firm a member of association 1, about 143,000): use a copy.
func BenchmarkLists68k(b *testing.B) {
	s := demoProvince(b)
	bigAssociation(b, s, 1, 1) // every firm a member of association 1: 68,000
	benchLists(b, s, 1)
}

func BenchmarkLists1M(b *testing.B) {
	path := os.Getenv("DXREADY_BENCH_1M")
	if path == "" {
		b.Skip("DXREADY_BENCH_1M (a copy of a 1M-firm database) not set")
	}
	s, err := store.Open(context.Background(), path, store.Options{Clock: time.Now})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	if n, err := s.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	} else if n > 0 {
		b.Logf("%d migrations in %s", n, time.Since(start).Round(time.Millisecond))
	}
	bigAssociation(b, s, 1, 7)
	benchLists(b, s, 1)
}

// bigAssociation makes every every-th firm a member of association assoc,
// sharing its result with it when the firm's id ends in 3, and drops any
// planner statistics.
func bigAssociation(b *testing.B, s *store.Store, assoc int64, every int) {
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`INSERT OR IGNORE INTO firm_associations (firm_id, association_id, since) SELECT id, ?, created_at FROM firms WHERE id % ? = 0`,
		`INSERT OR IGNORE INTO result_sharing (firm_id, association_id, since) SELECT firm_id, ?, submitted_at FROM current_results WHERE firm_id % ? = 0 AND firm_id % 10 = 3`,
		// No statistics, as in a deployed database (nothing runs ANALYZE).
		`DROP TABLE IF EXISTS sqlite_stat1`,
	} {
		args := []any{assoc, every}
		if q[0] == 'D' {
			args = nil
		}
		if _, err := db.Exec(q, args...); err != nil {
			b.Fatal(err)
		}
	}
}

func benchLists(b *testing.B, s *store.Store, assoc int64) {
	for _, q := range []string{"", "cong", "go", "c", "an", "t", "3709", "thanh cong", "go duc"} {
		benchFirmSearch(b, s, store.FirmFilter{Query: q, Limit: 50})
	}
	for _, sort := range []string{"name", "status", "score", "submitted"} {
		for _, desc := range []bool{false, true} {
			benchMembers(b, s, store.MemberFilter{AssociationID: assoc, Sort: sort, Desc: desc, Limit: 50,
				Pillars: []string{"strategy", "customer", "operations", "technology", "data", "culture"}})
		}
	}
	// Parts of names inside a legal form's text (member_keys.legal): common
	// ("cong", "tnhh", "an"), absent from the demo ("hop tac", only in
	// "hop tac xa"), across a legal form and the key ("ty go").
	// Each also walked ("members-walk": the trigram index of migration 0029
	// not read), for the before and after of the same run.
	for _, q := range []string{"cong", "tnhh", "an", "hop tac", "ty go"} {
		benchMembersBoth(b, s, store.MemberFilter{AssociationID: assoc, Query: q, Limit: 50})
	}
	// Parts of names that cannot start in a legal form: tested on the
	// search key alone (firms.KeyHoldsSubstring); rare ones, and ones of
	// one or two letters (shorter than a trigram).
	for _, q := range []string{"phat", "go duc", "duc tan", "xyz", "nguyen van", "z", "ww", "y"} {
		benchMembersBoth(b, s, store.MemberFilter{AssociationID: assoc, Query: q, Limit: 50})
	}
	benchMembersBoth(b, s, store.MemberFilter{AssociationID: assoc, Query: "phat", Sort: "status", Desc: true, Limit: 50})
	benchMembers(b, s, store.MemberFilter{AssociationID: assoc, Query: "cong", Sort: "status", Desc: true, Limit: 50})
	benchMembers(b, s, store.MemberFilter{AssociationID: assoc, Status: store.MemberSubmitted, Sort: "score", Desc: true, Limit: 50})
}

// positions walks a list once, 200 rows a page, and returns the number of
// rows and the cursors of its middle and of its last page of 50.
func positions(n int, page func(cursor string) (int, store.Links, error)) (rows int, middle, last string, err error) {
	var cursors []string // cursor before each 200-row page
	c := ""
	for {
		got, l, err := page(c)
		if err != nil {
			return 0, "", "", err
		}
		cursors = append(cursors, c)
		rows += got
		if l.Next == "" {
			break
		}
		c = l.Next
	}
	middle = cursors[len(cursors)/2]
	last = cursors[len(cursors)-1] // the last 200-row page's start: a page of 50 from there is among the last four
	return rows, middle, last, nil
}

func benchFirmSearch(b *testing.B, s *store.Store, f store.FirmFilter) {
	name := fmt.Sprintf("firms/q=%q", f.Query)
	if f.AssociationID != 0 {
		name += fmt.Sprintf(",assoc=%d", f.AssociationID)
	}
	if f.WardCode != "" {
		name += ",ward"
	}
	if f.SizeClass != "" {
		name += ",size=" + string(f.SizeClass)
	}
	b.Run(name, func(b *testing.B) {
		ctx := context.Background()
		rows, middle, last, err := positions(200, func(c string) (int, store.Links, error) {
			g := f
			g.Limit, g.Cursor = 200, c
			p, err := s.SearchFirms(ctx, g)
			return len(p.Firms), p.Links, err
		})
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("%d rows", rows)
		offsets := map[string]int{"first": 0, "middle": rows / 2, "last": max(0, rows-50)}
		for _, pos := range []string{"first", "middle", "last"} {
			if os.Getenv("DXREADY_BENCH_OFFSET") != "no" {
				b.Run("offset/"+pos, func(b *testing.B) {
					g := f
					g.Offset = offsets[pos]
					for b.Loop() {
						if _, _, err := s.FindFirms(ctx, g); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
			b.Run("keyset/"+pos, func(b *testing.B) {
				g := f
				g.Cursor = map[string]string{"first": "", "middle": middle, "last": last}[pos]
				defer cpuPerOp(b)()
				for b.Loop() {
					if _, err := s.SearchFirms(ctx, g); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	})
}

// benchMembersBoth measures f's pages with the trigram index and walked.
func benchMembersBoth(b *testing.B, s *store.Store, f store.MemberFilter) {
	benchMembers(b, s, f)
	defer store.SetGramCandidates(0)()
	benchMembersAs(b, s, f, "members-walk")
}

// benchMembers measures a member list's first, middle and last pages (by
// keyset; by offset too, the old way, unless DXREADY_BENCH_OFFSET is
// "no": at 1M an offset page of a computed order takes seconds).
func benchMembers(b *testing.B, s *store.Store, f store.MemberFilter) {
	benchMembersAs(b, s, f, "members")
}

func benchMembersAs(b *testing.B, s *store.Store, f store.MemberFilter, label string) {
	dir := "asc"
	if f.Desc {
		dir = "desc"
	}
	b.Run(fmt.Sprintf("%s/%s-%s/q=%q", label, f.Sort, dir, f.Query), func(b *testing.B) {
		ctx := context.Background()
		rows, middle, last, err := positions(200, func(c string) (int, store.Links, error) {
			g := f
			g.Limit, g.Cursor, g.Pillars = 200, c, nil
			p, err := s.PageMembers(ctx, g)
			return len(p.Members), p.Links, err
		})
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("%d rows", rows)
		offsets := map[string]int{"first": 0, "middle": rows / 2, "last": max(0, rows-50)}
		for _, pos := range []string{"first", "middle", "last"} {
			if os.Getenv("DXREADY_BENCH_OFFSET") != "no" {
				b.Run("offset/"+pos, func(b *testing.B) {
					g := f
					g.Offset = offsets[pos]
					for b.Loop() {
						if _, _, err := s.FindMembers(ctx, g); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
			b.Run("keyset/"+pos, func(b *testing.B) {
				g := f
				g.Cursor = map[string]string{"first": "", "middle": middle, "last": last}[pos]
				defer cpuPerOp(b)()
				for b.Loop() {
					if _, err := s.PageMembers(ctx, g); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	})
}

// cpuPerOp reports, when the returned func runs, the process's CPU time
// (user and system) per iteration as "cpu-ms/op": on a machine shared
// with other work, wall time per page grows with the load, CPU time far
// less.
func cpuPerOp(b *testing.B) func() {
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			b.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := cpu()
	return func() {
		b.ReportMetric(float64(cpu()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	}
}

// BenchmarkMemberWindow measures member-list pages of one- and two-letter
// filters, and of three-letter ones (rare and common), with the window
// (memberWindow, "members") and without it ("members-nowindow": the full
// walk, as before), in the same run, on a copy of a database:
//
//	DXREADY_BENCH_DB=/tmp/copy.db DXREADY_BENCH_EVERY=1 go test ./store -run '^$' -bench MemberWindow -benchtime 10x
//
// Association 1 is given every DXREADY_BENCH_EVERY-th firm (1 at 68,000
// firms: all; 7 at 1M: about 148,000).
func BenchmarkMemberWindow(b *testing.B) {
	path := os.Getenv("DXREADY_BENCH_DB")
	if path == "" {
		b.Skip("DXREADY_BENCH_DB (a copy of a database) not set")
	}
	s, err := store.Open(context.Background(), path, store.Options{Clock: time.Now})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	every := 1
	if os.Getenv("DXREADY_BENCH_EVERY") == "7" {
		every = 7
	}
	bigAssociation(b, s, 1, every)
	for _, q := range []string{"z", "a", "ng", "xyz", "ong", "duc", "w"} {
		f := store.MemberFilter{AssociationID: 1, Query: q, Limit: 50}
		benchMembersAs(b, s, f, "members")
		restore := store.SetMemberWindow(0)
		benchMembersAs(b, s, f, "members-nowindow")
		restore()
	}
}

// BenchmarkFirmSearchShort measures the admin search's pages for queries
// of one and two letters, alone and with the search's other filters (a
// ward, a size, an association, an association and a size), on a copy of
// a database (DXREADY_BENCH_OFFSET=no leaves out the offset pages):
//
//	DXREADY_BENCH_DB=/tmp/copy.db go test ./store -run '^$' -bench FirmSearchShort -benchtime 10x
func BenchmarkFirmSearchShort(b *testing.B) {
	path := os.Getenv("DXREADY_BENCH_DB")
	if path == "" {
		b.Skip("DXREADY_BENCH_DB (a copy of a database) not set")
	}
	s, err := store.Open(context.Background(), path, store.Options{Clock: time.Now})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?mode=ro")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var ward string
	if err := db.QueryRow("SELECT ward_code FROM firms WHERE ward_code IS NOT NULL GROUP BY ward_code ORDER BY COUNT(*) DESC LIMIT 1").Scan(&ward); err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{"z", "a", "ng", "w"} {
		benchFirmSearch(b, s, store.FirmFilter{Query: q, Limit: 50})
		benchFirmSearch(b, s, store.FirmFilter{Query: q, WardCode: ward, Limit: 50})
		benchFirmSearch(b, s, store.FirmFilter{Query: q, AssociationID: 1, Limit: 50})
		benchFirmSearch(b, s, store.FirmFilter{Query: q, SizeClass: "micro", Limit: 50})
		benchFirmSearch(b, s, store.FirmFilter{Query: q, AssociationID: 1, SizeClass: "micro", Limit: 50})
	}
}
