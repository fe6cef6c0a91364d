package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"dxready/store"
)

// `dxready audit verify` on an intact log prints the count and an anchor
// and succeeds; after an operator edits an entry with the shell (triggers
// dropped first) it names that entry and its time and fails, and a
// dropped trigger fails it on its own. Both languages.
func TestAuditVerifyCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	getenv := env("DXREADY_DB", db)
	var out bytes.Buffer
	call := func(args ...string) error {
		out.Reset()
		return run(context.Background(), args, getenv, nil, &out, io.Discard)
	}
	if err := call("audit", "verify"); err != nil || !strings.Contains(out.String(), "Nhật ký kiểm toán trống") {
		t.Fatalf("empty log: %v\n%s", err, out.String())
	}
	clock := time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)
	st, err := store.Open(context.Background(), db, store.Options{Clock: func() time.Time { clock = clock.Add(time.Second); return clock }})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		if _, err := st.RecordAudit(context.Background(), store.AuditEntry{Action: "firms.import", Subject: "firms", Detail: fmt.Sprintf("cli rows=%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	if err := call("audit", "verify", "--lang", "en"); err != nil || !strings.Contains(out.String(), "6 entries, chain intact") {
		t.Fatalf("intact: %v\n%s", err, out.String())
	}
	anchor := regexp.MustCompile(`\d+:[0-9a-f]{64}`).FindString(out.String())
	if anchor != "6:"+anchor[2:] {
		t.Fatalf("anchor %q in\n%s", anchor, out.String())
	}
	conn, err := sql.Open("sqlite", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, q := range []string{"DROP TRIGGER audit_log_no_update", "UPDATE audit_log SET detail = 'cli rows=0' WHERE id = 4"} {
		if _, err := conn.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	err = call("audit", "verify")
	if err == nil || !strings.Contains(out.String(), "Mục #4 (30/11/2026 10:00:04 (GMT+7)) không khớp với mã băm") ||
		!strings.Contains(out.String(), "Thiếu các trigger") || !strings.Contains(err.Error(), "can thiệp") {
		t.Fatalf("edited entry: %v\n%s", err, out.String())
	}
	// The detail put back, the chain is whole again (the anchor noted
	// before still holds), but the missing trigger still fails verify.
	if _, err := conn.Exec("UPDATE audit_log SET detail = 'cli rows=3' WHERE id = 4"); err != nil {
		t.Fatal(err)
	}
	if err := call("audit", "verify", "--lang", "en", "--anchor", anchor); err == nil || !strings.Contains(out.String(), "6 entries, chain intact") ||
		!strings.Contains(out.String(), "triggers that keep the audit log append-only are missing") {
		t.Fatalf("with a trigger missing: %v\n%s", err, out.String())
	}
	if err := call("audit", "verify", "--anchor", "6:nope"); err == nil || !strings.Contains(err.Error(), "6:nope") {
		t.Fatalf("bad anchor: %v", err)
	}
	if err := call("audit", "check"); err == nil || !strings.Contains(err.Error(), "dxready audit verify") {
		t.Fatalf("unknown subcommand: %v", err)
	}
}
