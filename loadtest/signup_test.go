package loadtest

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"testing"

	"dxready/firms"
	"dxready/store"
)

// The attack on the load figures: a registry that already holds the tool's
// first candidate tax codes (as a 1,000,000-firm demo held 3719000000…).
// The tool skips them: every client registers a new firm of its own
// (created by its registration, its one claim verified by that creation,
// no open claim on anyone's firm), with a valid
// MST, and the registry's own firms are untouched.
func TestSignUpNeverTakesAnExistingFirmsTaxCode(t *testing.T) {
	base, st, fx := portal(t)
	ctx := context.Background()
	db, err := openPortalDB(st.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer db.close()
	first, err := (&loadTest{db: db}).taxCodes(ctx, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range first {
		f := *fx.GoDuc
		f.ID, f.TaxCode, f.Name = 0, firms.TaxCode(tc), "Doanh nghiệp có sẵn "+tc
		if err := st.CreateFirm(ctx, &f); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	args := []string{"--target", base, "--db", st.Path(), "--clients", "3", "--duration", "100ms", "--phases", "survey"}
	if err := Run(ctx, args, &out, io.Discard); err != nil {
		t.Fatalf("load: %v\n%s", err, out.String())
	}
	rows, err := readOnly(t, st).Query(`SELECT f.tax_code, f.self_registered, f.name,
		(SELECT COUNT(*) FROM claims c WHERE c.user_id = u.id AND NOT (c.status = 'verified' AND c.method = 'creation')), (SELECT COUNT(*) FROM users v WHERE v.firm_id = f.id)
		FROM users u JOIN firms f ON f.id = u.firm_id WHERE u.email LIKE 'load-%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var tc, name string
		var self bool
		var claims, users int
		if err := rows.Scan(&tc, &self, &name, &claims, &users); err != nil {
			t.Fatal(err)
		}
		n++
		if _, err := firms.ParseTaxCode(tc); err != nil || slices.Contains(first, tc) || !self || claims != 0 || users != 1 ||
			!strings.HasPrefix(name, "Công ty TNHH Thử tải") {
			t.Errorf("load firm %s (%q): valid %v, preloaded %v, self-registered %v, claims other than its creation %d, users %d",
				tc, name, err == nil, slices.Contains(first, tc), self, claims, users)
		}
	}
	if n != 3 {
		t.Errorf("%d load users, want 3", n)
	}
}

// --scale refuses a registry smaller than the run says it is for, and says
// how to build one; the header says the registry's size.
func TestScaleRefusesASmallerRegistry(t *testing.T) {
	base, st, _ := portal(t)
	args := []string{"--target", base, "--db", st.Path(), "--clients", "1", "--duration", "50ms", "--phases", "survey"}
	err := Run(context.Background(), append(args, "--scale", "1000000"), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--scale 1000000") || !strings.Contains(err.Error(), "dxready demo --demo-firms 1000000") {
		t.Fatalf("--scale 1000000 on a fixture: %v", err)
	}
	var out bytes.Buffer
	if err := Run(context.Background(), append(args, "--scale", "3"), &out, io.Discard); err != nil {
		t.Fatalf("--scale 3: %v", err)
	}
	if !strings.Contains(out.String(), "a registry of ") || !strings.Contains(out.String(), "load average") {
		t.Errorf("header:\n%s", out.String())
	}
}

// The raw SQLite baseline commits under the store's own settings.
func TestCommitLoopUsesTheStoresPragmas(t *testing.T) {
	if storePragmas != store.Pragmas {
		t.Fatalf("loadtest:\n%s\nstore:\n%s", storePragmas, store.Pragmas)
	}
}
