package main

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"dxready/store"
)

// With mail down, the operator prints a reset link for an account on the
// running portal: the link sets a new password once, the operator never
// sees a password, and the command is in the audit log.
func TestResetPasswordLinkFromTheCommandLine(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	getenv := env("DXREADY_DB", db, "DXREADY_DEMO", "false")
	var out, errOut bytes.Buffer
	call := func(stdin string, args ...string) error {
		out.Reset()
		errOut.Reset()
		return run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errOut)
	}
	if err := call("một mật khẩu rất dài\n", "user", "add", "--email", "boss@example.vn", "--role", "admin", "--password-stdin"); err != nil {
		t.Fatalf("user add: %v %s", err, errOut.String())
	}
	// The account signs in once its address is confirmed: the command
	// prints the link it mailed (on the configured address; the test's
	// server is on another port).
	confirm := regexp.MustCompile(`/verify-email/[A-Za-z0-9_-]{43}`).FindString(out.String())
	if confirm == "" || !strings.Contains(out.String(), "xác nhận") {
		t.Fatalf("user add printed no confirmation link:\n%s", out.String())
	}
	base, _ := startServe(t, getenv)
	if err := call("", "user", "reset-password", "--email", "Boss@Example.vn", "--base-url", base, "--lang", "en"); err != nil {
		t.Fatalf("reset-password: %v %s", err, errOut.String())
	}
	link := regexp.MustCompile(regexp.QuoteMeta(base) + `/password/reset/[A-Za-z0-9_-]{43}`).FindString(out.String())
	if link == "" || !strings.Contains(out.String(), "valid for 60 minutes") || strings.Contains(out.String(), "một mật khẩu") {
		t.Fatalf("output:\n%s", out.String())
	}
	if err := call("", "user", "reset-password", "--email", "nobody@example.vn"); err == nil || !strings.Contains(err.Error(), "nobody@example.vn") {
		t.Fatalf("an unknown address: %v", err)
	}
	client := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(u string, v url.Values) int {
		req, _ := http.NewRequest("POST", u, strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	pw := url.Values{"password": {"đặt lại từ dòng lệnh"}, "password_confirm": {"đặt lại từ dòng lệnh"}}
	if st := post(link, pw); st != http.StatusSeeOther {
		t.Fatalf("using the link: %d", st)
	}
	if st := post(link, pw); st != http.StatusGone {
		t.Fatalf("using it again: %d", st)
	}
	signIn := url.Values{"email": {"boss@example.vn"}, "password": {"đặt lại từ dòng lệnh"}}
	if st := post(base+"/login", signIn); st != http.StatusUnauthorized {
		t.Fatalf("login before the address is confirmed: %d", st)
	}
	// The link's page confirms with the account's password (now the one
	// the reset link set).
	if res, err := client.Get(base + confirm); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("the printed confirmation link: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	if st := post(base+confirm, url.Values{"current": {"đặt lại từ dòng lệnh"}}); st != http.StatusSeeOther {
		t.Fatalf("confirming with the password: %d", st)
	}
	if st := post(base+"/login", signIn); st != http.StatusSeeOther {
		t.Fatalf("login with the new password: %d", st)
	}
	st, err := store.Open(context.Background(), db, store.Options{Clock: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if es, err := st.AuditEntries(context.Background(), "password.reset_link", 5); err != nil || len(es) != 1 || es[0].UserID != 0 || es[0].Detail != "cli" {
		t.Fatalf("audit: %+v %v", es, err)
	}
	// Nothing was sent but the new account's verification link: the reset
	// link was printed, and the notice of the change is not for an
	// unverified address.
	if ms, _ := st.Outbox(context.Background(), 10); len(ms) != 1 || ms[0].Kind != store.KindVerifyEmail {
		t.Fatalf("outbox: %+v", ms)
	}
}
