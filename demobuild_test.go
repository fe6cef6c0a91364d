package main

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dxready/firms"
)

// count runs a COUNT(*) query on the database file at path, read-only.
func count(t *testing.T, path, query string) int {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRow(query).Scan(&n); err != nil {
		return -1 // not there (yet)
	}
	return n
}

// A demo build stopped after its firms were written (the context ends, as
// on Ctrl+C) leaves no database at all, not firms without users.
func TestDemoStoppedPartWayLeavesNothing(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { // stop the build once its firms are in, before its users
		for ctx.Err() == nil {
			if count(t, db+".building", "SELECT COUNT(*) FROM firms") > 0 {
				cancel()
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	err := run(ctx, []string{"demo", "--demo-firms", "300"}, env("DXREADY_DB", db, "DXREADY_DEMO_PASSWORD", "demo-password-42"), nil, io.Discard, io.Discard)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("the build was not stopped part-way: %v", err)
	}
	for _, p := range []string{db, db + "-wal", db + ".building"} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s exists after a stopped build: %v", p, err)
		}
	}
}

// A first start killed during the demo build (its temporary file left
// with firms and no users) is followed by a start that builds the whole
// demo, and serves it.
func TestDemoKilledPartWayIsBuiltWholeNextStart(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	a, err := newApp(Config{DB: db, Lang: "vi"})
	if err != nil {
		t.Fatal(err)
	}
	half, err := a.openStore(context.Background(), db+".building")
	if err != nil {
		t.Fatal(err)
	}
	f := &firms.Firm{TaxCode: "3709000012", Name: "Công ty nửa chừng", VSICCode: "3100", WardCode: "25760",
		Size: firms.SizeInputs{Employees: 10, RevenueVND: 3e9, CapitalVND: 5e9, Year: 2025}}
	if err := half.CreateFirm(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	half.Close() // the process dies here: no rename

	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO_PASSWORD", "demo-password-42"), "--demo-firms", "200")
	if base == "" {
		t.Fatal("no server")
	}
	if n := count(t, db, "SELECT COUNT(*) FROM firms"); n != 200 {
		t.Errorf("%d firms, want the demo's 200 and nothing of the dead build", n)
	}
	if n := count(t, db, "SELECT COUNT(*) FROM users"); n != 1+8+12+20 {
		t.Errorf("%d users, want the demo's 41", n)
	}
	if n := count(t, db, "SELECT COUNT(*) FROM meta WHERE key = 'demo' AND value = '2025'"); n != 1 {
		t.Error("the demo is not marked built")
	}
	if _, err := os.Stat(db + ".building"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the dead build's file is still there: %v", err)
	}
}

// A build of 100,000 firms or more says how far it is every tenth of the
// way (it takes minutes), in the chosen language; a smaller one does not.
func TestDemoProgressEveryTenth(t *testing.T) {
	a, err := newApp(Config{DemoFirms: 250_000, Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	report := demoProgress(a, &out)
	for built := 2000; built <= 250_000; built += 2000 {
		report(built)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 9 || !strings.HasPrefix(strings.TrimSpace(lines[0]), "26,000 of 250,000 firms built") ||
		!strings.HasPrefix(strings.TrimSpace(lines[8]), "226,000 of 250,000") {
		t.Fatalf("progress:\n%s", out.String())
	}
	small, _ := newApp(Config{DemoFirms: 68_000, Lang: "en"})
	if demoProgress(small, &out) != nil {
		t.Fatal("a 68,000-firm build reports its progress")
	}
}
