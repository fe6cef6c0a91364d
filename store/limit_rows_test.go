package store_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"dxready/auth"
	"dxready/funnel"
	"dxready/store"
	"dxready/store/storetest"
)

// The lists whose LIMIT is written into their text (limitSQL) and whose
// LIKE patterns are built in SQL return what they returned with both
// bound: a read of n rows is the first n of the whole list, for n below,
// at and above its length; keyset pages of any size, forward and back,
// meet every row of the whole list once, in its order. (The member and
// firm lists have their own: TestMemberPagesCoverEveryRowOnce,
// TestFirmPagesCoverEveryRowOnce, TestMemberNameFilterIsPartOfTheFoldedName,
// TestSearchUsersQueries for LIKE's metacharacters.)
func TestLimitedListsAreTheStartOfTheWholeList(t *testing.T) {
	s, fx := storetest.Open(t)
	addUsers(t, s, fx, 9)
	for i, f := range []int64{fx.NoiThat.ID, fx.Kho.ID} { // the funnel's first stage: a firm user's account
		u := &auth.User{Email: fmt.Sprintf("firm%d@test.local", i), Name: "Firm user", Role: auth.RoleFirm, FirmID: f,
			Status: auth.StatusActive, Lang: "vi", PasswordHash: "x"}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 12 {
		if i%4 == 0 {
			fx.Clock.Add(time.Second) // ties in time, broken by id
		}
		if _, err := s.RecordAudit(ctx, store.AuditEntry{UserID: fx.Admin.ID, Action: []string{"test.a", "test.b"}[i%2], Subject: fmt.Sprintf("s%d", i)}); err != nil {
			t.Fatal(err)
		}
		if err := s.Queue(ctx, &store.Message{Kind: "test", DedupeKey: fmt.Sprint(i), To: fmt.Sprintf("x%d@example.org", i), Lang: "vi", Subject: "s", Body: "b"}); err != nil {
			t.Fatal(err)
		}
	}
	prefixes := func(name string, read func(n int) ([]int64, error)) {
		t.Helper()
		whole, err := read(1000)
		if err != nil || len(whole) < 3 {
			t.Fatalf("%s: %d rows, %v", name, len(whole), err)
		}
		for _, n := range []int{1, 2, 3, len(whole) - 1, len(whole), len(whole) + 1} {
			got, err := read(n)
			if err != nil || !slices.Equal(got, whole[:min(n, len(whole))]) {
				t.Fatalf("%s, %d: %v (%v), want %v", name, n, got, err, whole[:min(n, len(whole))])
			}
		}
	}
	for _, action := range []string{"", "test.b"} {
		prefixes("audit "+action, func(n int) ([]int64, error) {
			es, err := s.AuditEntries(ctx, action, n)
			return auditIDs(es), err
		})
	}
	for _, state := range []string{"", store.OutboxPending} {
		prefixes("outbox "+state, func(n int) ([]int64, error) {
			ms, err := s.OutboxIn(ctx, state, n)
			var ids []int64
			for _, m := range ms {
				ids = append(ids, m.ID)
			}
			return ids, err
		})
	}
	auditPagesCoverTheList(t, s, fx)
	userPagesCoverTheList(t, s)
	funnelPagesCoverTheList(t, s)
}

func auditIDs(es []store.AuditEntry) []int64 {
	var ids []int64
	for _, e := range es {
		ids = append(ids, e.ID)
	}
	return ids
}

// auditPagesCoverTheList: the audit list's pages of each size, forward
// and back, are its whole export walk (EachAuditEntry), with and without
// a filter.
func auditPagesCoverTheList(t *testing.T, s *store.Store, fx *storetest.Fixtures) {
	t.Helper()
	for _, f := range []store.AuditFilter{{}, {Action: "test.a"}, {UserID: fx.Admin.ID}} {
		var all []store.AuditEntry
		if err := s.EachAuditEntry(ctx, f, func(e store.AuditEntry) error { all = append(all, e); return nil }); err != nil {
			t.Fatal(err)
		}
		want := auditIDs(all)
		for _, limit := range []int{1, 2, 5, 50} {
			fwd, bwd := walk(t, func(c string) ([]int64, store.Links, error) {
				f := f
				f.Limit, f.Cursor = limit, c
				p, err := s.AuditEntriesPage(ctx, f)
				if err == nil && p.Count.N != len(want) {
					t.Fatalf("audit %+v: count %d, want %d", f, p.Count.N, len(want))
				}
				return auditIDs(p.Entries), p.Links, err
			})
			if len(want) < 3 || !slices.Equal(fwd, want) || !slices.Equal(bwd, want) {
				t.Fatalf("audit %+v, %d a page:\nforward %v\nback    %v\nwant    %v", f, limit, fwd, bwd, want)
			}
		}
	}
}

// userPagesCoverTheList: the people list's pages of each size, forward and
// back, are its one page of 200, with and without a text query.
func userPagesCoverTheList(t *testing.T, s *store.Store) {
	t.Helper()
	ids := func(p store.UserPage) []int64 {
		var out []int64
		for _, u := range p.Users {
			out = append(out, u.ID)
		}
		return out
	}
	for _, q := range []string{"", "dùng", "USER000", "test.local"} {
		whole, err := s.SearchUsers(ctx, store.UserFilter{Query: q, Limit: 200})
		want := ids(whole)
		if err != nil || len(want) < 3 || whole.Next != "" {
			t.Fatalf("users %q: %v, %v", q, want, err)
		}
		for _, limit := range []int{1, 2, 4} {
			fwd, bwd := walk(t, func(c string) ([]int64, store.Links, error) {
				p, err := s.SearchUsers(ctx, store.UserFilter{Query: q, Limit: limit, Cursor: c})
				return ids(p), p.Links, err
			})
			if !slices.Equal(fwd, want) || !slices.Equal(bwd, want) {
				t.Fatalf("users %q, %d a page:\nforward %v\nback    %v\nwant    %v", q, limit, fwd, bwd, want)
			}
		}
	}
}

// funnelPagesCoverTheList: a funnel stage's firm pages of each size,
// forward, are its export walk (EachFunnelFirm).
func funnelPagesCoverTheList(t *testing.T, s *store.Store) {
	t.Helper()
	k := funnel.Stage(0)
	var want []int64
	if err := s.EachFunnelFirm(ctx, k, store.FunnelFilter{}, func(f store.FunnelFirm) error { want = append(want, f.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{1, 2, 50} {
		var got []int64
		for c, steps := "", 0; steps == 0 || c != ""; steps++ {
			p, err := s.FunnelFirms(ctx, k, store.FunnelFilter{}, c, limit)
			if err != nil || steps > 100 {
				t.Fatalf("funnel page %d: %v", steps, err)
			}
			for _, f := range p.Firms {
				got = append(got, f.ID)
			}
			c = p.Next
		}
		if len(want) < 3 || !slices.Equal(got, want) {
			t.Fatalf("funnel, %d a page: %v, want %v", limit, got, want)
		}
	}
}
