package store_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"dxready/auth"
	"dxready/firms"
	"dxready/store"
	"dxready/store/storetest"
)

// addUsers creates n leads of the wood association named "Người dùng i".
func addUsers(t *testing.T, s *store.Store, fx *storetest.Fixtures, n int) {
	t.Helper()
	for i := range n {
		u := &auth.User{Email: fmt.Sprintf("user%04d@test.local", i), Name: fmt.Sprintf("Người dùng %d", i), Role: auth.RoleLead,
			AssociationID: fx.Wood.ID, Status: auth.StatusActive, Lang: "vi", PasswordHash: "x"}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
}

// The attack: a query of LIKE's metacharacters, quotes, or 100 KB neither
// fails nor matches everything; a real part of an address, a name, a tax
// code or a firm's name without diacritics finds its account.
func TestSearchUsersQueries(t *testing.T) {
	s, fx := storetest.Open(t)
	addUsers(t, s, fx, 5)
	cases := []struct {
		q    string
		want int
	}{
		{"", 9}, {"%", 0}, {"_", 0}, {"'", 0}, {`"`, 0}, {`\`, 0}, {"' OR 1=1 --", 0}, {"%%'_\"", 0},
		{strings.Repeat("a", 100_000), 0}, {strings.Repeat("%", 100_000), 0},
		{"user0003", 1}, {"Người dùng", 5}, {"Nguyễn Văn", 1}, {string(fx.GoDuc.TaxCode[:6]), 1}, {"go duc", 1},
	}
	for _, tc := range cases {
		p, err := s.SearchUsers(ctx, store.UserFilter{Query: tc.q})
		if err != nil {
			t.Fatalf("query %.20q: %v", tc.q, err)
		}
		if p.Count.N != tc.want || len(p.Users) != tc.want {
			t.Errorf("query %.20q: %d (%d shown), want %d", tc.q, p.Count.N, len(p.Users), tc.want)
		}
	}
}

// Filters by role, status and association (its leads and its member
// firms' users), and pages that together hold every match once.
func TestSearchUsersFiltersAndPages(t *testing.T) {
	s, fx := storetest.Open(t)
	addUsers(t, s, fx, 12)
	count := func(f store.UserFilter) int {
		p, err := s.SearchUsers(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return p.Count.N
	}
	if n := count(store.UserFilter{Role: auth.RoleLead}); n != 13 {
		t.Errorf("leads: %d", n)
	}
	if n := count(store.UserFilter{AssociationID: fx.Wood.ID}); n != 14 { // 13 leads and the Gỗ Đức user
		t.Errorf("wood: %d", n)
	}
	if n := count(store.UserFilter{AssociationID: fx.Logistics.ID}); n != 0 {
		t.Errorf("logistics: %d", n)
	}
	seen := map[int64]bool{}
	f := store.UserFilter{Limit: 5}
	for range 10 {
		p, err := s.SearchUsers(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range p.Users {
			if seen[u.ID] {
				t.Fatalf("user %d on two pages", u.ID)
			}
			seen[u.ID] = true
		}
		if p.Next == "" {
			break
		}
		f.Cursor = p.Next
	}
	if len(seen) != 16 {
		t.Fatalf("pages held %d users, want 16", len(seen))
	}
	if _, err := s.SearchUsers(ctx, store.UserFilter{Cursor: "garbage"}); !errors.Is(err, store.ErrBadCursor) {
		t.Fatalf("bad cursor: %v", err)
	}
}

// The attack: two admins disabling each other at the same moment; the
// rule is asked inside the write, so one of them stays an active admin.
func TestChangeAccessKeepsAnAdmin(t *testing.T) {
	s, fx := storetest.Open(t)
	second := &auth.User{Email: "admin2@test.local", Name: "Hai", Role: auth.RoleAdmin, Status: auth.StatusActive, Lang: "vi", PasswordHash: "x"}
	if err := s.CreateUser(ctx, second); err != nil {
		t.Fatal(err)
	}
	disable := func(a auth.Access) auth.Access { a.Status = auth.StatusDisabled; return a }
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, pair := range [][2]*auth.User{{fx.Admin, second}, {second, fx.Admin}} {
		wg.Go(func() { _, errs[i] = s.ChangeAccess(ctx, pair[0], pair[1].ID, disable) })
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("both or neither disabled: %v, %v", errs[0], errs[1])
	}
	for _, err := range errs {
		if err != nil && !errors.Is(err, auth.ErrAccessLastAdmin) {
			t.Fatalf("refusal: %v", err)
		}
	}
}

// An advisor given another role leaves the advisor list; made an advisor
// again, their old profile comes back; a lead made an advisor gets a
// starter profile. Each change is audited with its before and after.
func TestChangeAccessAdvisorProfile(t *testing.T) {
	s, fx := storetest.Open(t)
	set := func(id int64, role auth.Role, assoc int64) {
		t.Helper()
		if _, err := s.ChangeAccess(ctx, fx.Admin, id, func(a auth.Access) auth.Access { a.Role, a.AssociationID = role, assoc; return a }); err != nil {
			t.Fatal(err)
		}
	}
	active := func(id int64) bool {
		a, err := s.FindAdvisor(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return a.Active
	}
	set(fx.Advisor.ID, auth.RoleLead, fx.Wood.ID)
	if active(fx.Advisor.ID) {
		t.Fatal("a lead is still on the advisor list")
	}
	set(fx.Advisor.ID, auth.RoleAdvisor, 0)
	if a, _ := s.FindAdvisor(ctx, fx.Advisor.ID); !a.Active || len(a.Pillars) != 2 {
		t.Fatalf("profile back: %+v", a)
	}
	set(fx.Lead.ID, auth.RoleAdvisor, 0)
	if a, _ := s.FindAdvisor(ctx, fx.Lead.ID); !a.Active || len(a.Hours) == 0 {
		t.Fatalf("starter profile: %+v", a)
	}
	es, err := s.AuditEntries(ctx, "user.access", 10)
	if err != nil || len(es) != 3 || es[0].UserID != fx.Admin.ID || es[0].Detail != "lead@test.local: role lead→advisor; association 1→0" {
		t.Fatalf("audit: %v %+v", err, es)
	}
}

// The attack on cost: digits that start every tax code of the province
// ("3709") would match every firm user through a pass over every firm.
// Past MaxTaxCodeFirms codes they are matched against addresses and names
// only, and the page says so; a longer prefix still finds the firm's user.
func TestSearchUsersBroadTaxCode(t *testing.T) {
	s, fx := storetest.Open(t)
	var fs []*firms.Firm
	for i := range store.MaxTaxCodeFirms {
		tc := storetest.TaxCodeFrom(370950000 + 10*i)
		fs = append(fs, &firms.Firm{TaxCode: tc, Name: "Công ty " + string(tc), VSICCode: "3100", Section: "C", WardCode: "25760"})
	}
	if err := s.CreateFirms(ctx, fs); err != nil {
		t.Fatal(err)
	}
	p, err := s.SearchUsers(ctx, store.UserFilter{Query: "3709"})
	if err != nil || !p.BroadTaxCode || p.Count.N != 0 {
		t.Fatalf("3709: broad %v, %d found, %v", p.BroadTaxCode, p.Count.N, err)
	}
	p, err = s.SearchUsers(ctx, store.UserFilter{Query: string(fx.GoDuc.TaxCode[:8])})
	if err != nil || p.BroadTaxCode || p.Count.N != 1 {
		t.Fatalf("8 digits: broad %v, %d found, %v", p.BroadTaxCode, p.Count.N, err)
	}
}
