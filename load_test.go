package main

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestLoadRefusesAddressesOutsideLoopback(t *testing.T) {
	for _, target := range []string{"http://10.0.0.1:8080", "http://example.com", "https://8.8.8.8", "not a url", "http://[::2]:80"} {
		if err := run(context.Background(), []string{"load", "--target", target}, env(), nil, io.Discard, io.Discard); err == nil {
			t.Errorf("load accepted %s", target)
		}
	}
	for _, target := range []string{"http://127.0.0.1:1", "http://localhost:1", "http://[::1]:1", "http://127.9.9.9:1"} {
		if err := loopbackOnly(target); err != nil {
			t.Errorf("loopback %s refused: %v", target, err)
		}
	}
	for _, bad := range [][]string{{"--clients", "0"}, {"--clients", "5000"}, {"--duration", "3m"}, {"--max-requests", "0"}} {
		if err := run(context.Background(), append([]string{"load", "--target", "http://127.0.0.1:1"}, bad...), env(), nil, io.Discard, io.Discard); err == nil {
			t.Errorf("load accepted %v", bad)
		}
	}
}

// A short run against a real server: every phase reports requests and no
// failures, and the submissions it reports are in the database.
func TestLoadDrivesARunningServer(t *testing.T) {
	db := filepath.Join(t.TempDir(), "load.db")
	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO", "false"))
	var out bytes.Buffer
	if err := run(context.Background(), []string{"load", "--target", base, "--clients", "3", "--duration", "300ms"}, env(), nil, &out, io.Discard); err != nil {
		t.Fatalf("load: %v\n%s", err, out.String())
	}
	line := regexp.MustCompile(`(?m)^(autosave|submit |cycle: submits|cycle: steps|baseline).*req/s  n=(\d+)  failed=(\d+)  p50 `)
	found := line.FindAllStringSubmatch(out.String(), -1)
	if len(found) != 5 {
		t.Fatalf("want 5 phase lines, got %d:\n%s", len(found), out.String())
	}
	for _, m := range found {
		if m[2] == "0" || m[3] != "0" {
			t.Errorf("%s: n=%s failed=%s\n%s", m[1], m[2], m[3], out.String())
		}
	}
	if !strings.Contains(out.String(), "ratio: autosave") {
		t.Errorf("no ratio line:\n%s", out.String())
	}
	conn, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRow("SELECT COUNT(*) FROM responses WHERE status = 'submitted'").Scan(&n); err != nil || n < 3 {
		t.Fatalf("submitted responses in the database: %d, %v", n, err)
	}
}

// The booking phase against a demo with advisors: every attempt ends in a
// booking or "slot taken", and no two bookings of one advisor overlap.
func TestLoadBookingPhase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "book.db")
	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO_PASSWORD", "demo-password-42"), "--demo-firms", "200")
	var out bytes.Buffer
	args := []string{"load", "--target", base, "--clients", "8", "--duration", "700ms", "--phases", "booking", "--slot-pool", "4"}
	if err := run(context.Background(), args, env(), nil, &out, io.Discard); err != nil {
		t.Fatalf("load: %v\n%s", err, out.String())
	}
	line := regexp.MustCompile(`(?m)^booking(?:: (confirmed|slot taken))?.*req/s  n=(\d+)  failed=(\d+)  p50 `)
	found := line.FindAllStringSubmatch(out.String(), -1)
	if len(found) != 3 {
		t.Fatalf("want 3 booking lines, got %d:\n%s", len(found), out.String())
	}
	confirmed := ""
	for _, m := range found {
		if m[3] != "0" {
			t.Errorf("%s failed=%s\n%s", m[0], m[3], out.String())
		}
		if m[1] == "confirmed" {
			confirmed = m[2]
		}
	}
	if strings.Contains(out.String(), "autosave") {
		t.Errorf("survey phases ran:\n%s", out.String())
	}
	conn, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n, overlaps int
	if err := conn.QueryRow("SELECT COUNT(*) FROM bookings WHERE note = 'load test'").Scan(&n); err != nil || n < 1 || n > 4 || strconv.Itoa(n) != confirmed {
		t.Fatalf("%d bookings in the database, %s reported (pool of 4): %v", n, confirmed, err)
	}
	if err := conn.QueryRow(`SELECT COUNT(*) FROM bookings a JOIN bookings b ON a.advisor_id = b.advisor_id AND a.id < b.id
		AND a.status = 'confirmed' AND b.status = 'confirmed' AND a.start_at < b.end_at AND b.start_at < a.end_at`).Scan(&overlaps); err != nil || overlaps != 0 {
		t.Fatalf("overlapping bookings: %d %v", overlaps, err)
	}
}
