package store_test

import (
	"slices"
	"strings"
	"testing"

	"dxready/auth"
	"dxready/store"
	"dxready/store/storetest"
)

// ATTACK19: the people search's LIKE pattern is now built in SQL ('%' || ?
// || '%'). LIKE's metacharacters typed in a query match themselves, in
// addresses and names that hold them, and nothing else: each query finds
// exactly the accounts a plain substring test finds (ASCII case folded,
// as SQLite's LIKE does), whatever the escape character does at the
// pattern's end.
func TestAttack19PeopleSearchMetacharactersMatchThemselves(t *testing.T) {
	s, fx := storetest.Open(t)
	names := map[string]string{
		"pct@attack19.test":    "Giảm 50% phí",
		"under@attack19.test":  "a_b công ty",
		"axb@attack19.test":    "axb công ty",
		"slash@attack19.test":  `back\slash`,
		"slash2@attack19.test": `ends with \`,
		"plain@attack19.test":  "Người thường",
	}
	for email, name := range names {
		u := &auth.User{Email: email, Name: name, Role: auth.RoleLead, AssociationID: fx.Wood.ID, Status: auth.StatusActive, Lang: "vi", PasswordHash: "x"}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	fold := func(s string) string { return strings.ToLower(s) } // ASCII only in these names' metacharacter parts
	for _, q := range []string{"%", "50%", "0% p", "_", "a_b", `\`, `k\s`, `\\`, `h \`, "%_", `\%`, `_\`} {
		p, err := s.SearchUsers(ctx, store.UserFilter{Query: q, AssociationID: fx.Wood.ID, Limit: 200})
		if err != nil {
			t.Fatalf("query %q: %v", q, err)
		}
		var got, want []string
		for _, u := range p.Users {
			if strings.HasSuffix(u.Email, "@attack19.test") {
				got = append(got, u.Email)
			}
		}
		for email, name := range names {
			if strings.Contains(email, fold(q)) || strings.Contains(fold(name), fold(q)) {
				want = append(want, email)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("query %q: found %q, want %q", q, got, want)
		}
	}
}
