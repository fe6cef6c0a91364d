package main

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

// An admin who lost phone and recovery codes is reset on the command
// line: the account's second factor and sessions go, and the audit log
// says so.
func TestResetTwoFactorCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "r.db")
	getenv := env("DXREADY_DB", db, "DXREADY_DEMO", "false")
	var out, errOut bytes.Buffer
	call := func(args ...string) error {
		out.Reset()
		errOut.Reset()
		return run(context.Background(), args, getenv, strings.NewReader(""), &out, &errOut)
	}
	if err := call("user", "add", "--email", "boss@example.vn", "--role", "admin"); err != nil {
		t.Fatal(err)
	}
	conn, err := sql.Open("sqlite", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// As if enrolled: the flag and a row (its contents do not matter here).
	if _, err := conn.Exec(`UPDATE users SET two_factor = 1 WHERE email = 'boss@example.vn';
		INSERT INTO totp_secrets (user_id, secret, created_at, confirmed_at) SELECT id, x'00', '2026-11-22', '2026-11-22' FROM users WHERE email = 'boss@example.vn'`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(`UPDATE users SET email_verified_at = '2026-11-22', lang = 'en' WHERE email = 'boss@example.vn'`); err != nil {
		t.Fatal(err)
	}
	if err := call("user", "reset-2fa", "--email", " Boss@Example.vn "); err != nil || !strings.Contains(out.String(), "Đã đặt lại đăng nhập hai bước của boss@example.vn") {
		t.Fatalf("reset: %v %s %s", err, out.String(), errOut.String())
	}
	var on, rows, audits int
	conn.QueryRow(`SELECT two_factor, (SELECT COUNT(*) FROM totp_secrets), (SELECT COUNT(*) FROM audit_log WHERE action = 'twofactor.reset')
		FROM users WHERE email = 'boss@example.vn'`).Scan(&on, &rows, &audits)
	if on != 0 || rows != 0 || audits != 1 {
		t.Fatalf("after reset: two_factor %d, secrets %d, audits %d", on, rows, audits)
	}
	var subject, lang string
	if err := conn.QueryRow(`SELECT subject, lang FROM outbox WHERE kind = 'account.twofactor_reset' AND to_addr = 'boss@example.vn'`).Scan(&subject, &lang); err != nil ||
		subject != "Two-step sign-in was reset" || lang != "en" {
		t.Fatalf("reset notice: %q %q %v", subject, lang, err)
	}
	// An address not confirmed yet: the reset is done, no mail goes.
	if _, err := conn.Exec(`UPDATE users SET two_factor = 1, email_verified_at = NULL WHERE email = 'boss@example.vn';
		INSERT INTO totp_secrets (user_id, secret, created_at, confirmed_at) SELECT id, x'00', '2026-11-22', '2026-11-22' FROM users WHERE email = 'boss@example.vn'`); err != nil {
		t.Fatal(err)
	}
	if err := call("user", "reset-2fa", "--email", "boss@example.vn"); err != nil {
		t.Fatal(err)
	}
	var notices int
	conn.QueryRow(`SELECT two_factor, (SELECT COUNT(*) FROM outbox WHERE kind = 'account.twofactor_reset') FROM users WHERE email = 'boss@example.vn'`).Scan(&on, &notices)
	if on != 0 || notices != 1 {
		t.Fatalf("reset of an unconfirmed account: two_factor %d, %d notices", on, notices)
	}
	if err := call("user", "reset-2fa", "--email", "nobody@example.vn"); err == nil || !strings.Contains(err.Error(), "nobody@example.vn") {
		t.Fatalf("unknown account: %v", err)
	}
	if err := call("user", "reset-2fa", "--email", "not an email"); err == nil {
		t.Fatal("a bad address was accepted")
	}
}
