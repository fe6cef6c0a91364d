package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// env returns a getenv that knows only vars.
func env(vars ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(vars); i += 2 {
		m[vars[i]] = vars[i+1]
	}
	return func(k string) string { return m[k] }
}

// startServe runs `dxready serve` on a free loopback port and returns its
// base URL once it is listening; the server stops when the test ends.
func startServe(t *testing.T, getenv func(string) string, args ...string) (string, *bytes.Buffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0"}, args...), getenv, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	var out bytes.Buffer
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			out.WriteString(sc.Text() + "\n")
			if m := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(sc.Text()); m != "" {
				urls <- m
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not shut down")
		}
	})
	select {
	case u := <-urls:
		return u, &out
	case err := <-done:
		t.Fatalf("serve ended early: %v\n%s", err, out.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not start:\n%s", out.String())
	}
	return "", nil
}

// `dxready load` is dispatched to the load tool, which refuses a target
// off this machine before sending anything.
func TestLoadIsDispatched(t *testing.T) {
	err := run(context.Background(), []string{"load", "--target", "http://10.0.0.1:8080"}, env(), nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("load: %v", err)
	}
}

func TestServeStartsAndStops(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	base, out := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO", "false"))
	res, err := http.Get(base + "/healthz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", res, err)
	}
	res.Body.Close()
	if !strings.Contains(out.String(), "dxready đang chạy tại") {
		t.Fatalf("output: %s", out)
	}
}

func TestServeSeedsTheDemoIntoAnEmptyDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	base, out := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO_PASSWORD", "demo-password-42", "DXREADY_LANG", "en"), "--demo-firms", "500")
	for _, want := range []string{"Built 500 firms", "admin@demo.local", "lead1@demo.local", "DXREADY_DEMO_PASSWORD"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("output lacks %q:\n%s", want, out)
		}
	}
	res, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), "demo-banner") || !strings.Contains(string(body), "500") {
		t.Fatal("home page lacks the demo banner or the firm count")
	}
}

func TestCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "c.db")
	getenv := env("DXREADY_DB", db, "DXREADY_DEMO", "false")
	var out, errOut bytes.Buffer
	call := func(stdin string, args ...string) error {
		out.Reset()
		errOut.Reset()
		return run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errOut)
	}
	csv := filepath.Join(dir, "firms.csv")
	os.WriteFile(csv, []byte("Mã số thuế,Tên,Ngành,Phường xã,Lao động,Doanh thu,Nguồn vốn,Năm\n"+
		"3709000100,Công ty TNHH Nhựa Tân Hiệp,2220,25920,35,12500000000,8000000000,2025\n"), 0o644)
	if err := call("", "import", "firms", csv); err != nil || !strings.Contains(out.String(), "1 doanh nghiệp mới") {
		t.Fatalf("import: %v\n%s%s", err, out.String(), errOut.String())
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("tax_code,name,vsic,ward,employees,revenue_vnd,capital_vnd,year\n3709000101,A,2220,25920,1,1,1,2025\n"), 0o644)
	err := call("", "import", "firms", bad, "--lang", "en")
	if err == nil || !strings.Contains(out.String(), "Line 2, column tax code") || !strings.Contains(err.Error(), "nothing was saved") {
		t.Fatalf("bad import: %v\n%s", err, out.String())
	}
	if err := call("", "import", "firms", filepath.Join(dir, "missing.csv")); err == nil || !strings.Contains(err.Error(), "Không mở được tệp") {
		t.Fatalf("missing file: %v", err)
	}
	if err := call("đủ dài mật khẩu\n", "user", "add", "--email", "lan@example.vn", "--role", "firm", "--firm", "3709000100", "--password-stdin"); err != nil {
		t.Fatalf("user add: %v %s", err, errOut.String())
	}
	if err := call("", "user", "add", "--email", "boss@example.vn", "--role", "admin"); err != nil || !strings.Contains(out.String(), "chỉ hiển thị lần này") {
		t.Fatalf("user add admin: %v %s", err, out.String())
	}
	// An advisor is bookable at once: the account comes with the starter profile.
	if err := call("", "user", "add", "--email", "tuvan@example.vn", "--role", "advisor"); err != nil {
		t.Fatalf("user add advisor: %v %s", err, errOut.String())
	}
	if err := call("", "user", "add", "--email", "tuvan@example.vn", "--role", "advisor"); err == nil {
		t.Fatal("the same advisor was added twice")
	}
	if conn, err := sql.Open("sqlite", "file:"+db+"?mode=ro"); err != nil {
		t.Fatal(err)
	} else {
		var hours int
		err := conn.QueryRow(`SELECT COUNT(*) FROM advisor_hours h JOIN advisors a ON a.user_id = h.advisor_id
			JOIN users u ON u.id = a.user_id WHERE u.email = 'tuvan@example.vn'`).Scan(&hours)
		conn.Close()
		if err != nil || hours != 10 {
			t.Fatalf("the new advisor has %d blocks of hours: %v", hours, err)
		}
	}
	if err := call("", "user", "add", "--email", "x@example.vn", "--role", "root"); err == nil {
		t.Fatal("a bad role was accepted")
	}
	if err := call("", "user", "add", "--email", "y@example.vn", "--role", "firm", "--firm", "3709000125"); err == nil || !strings.Contains(err.Error(), "3709000125") {
		t.Fatalf("unknown firm: %v", err)
	}
	backup := filepath.Join(dir, "backup.db")
	if err := call("", "backup", backup); err != nil || !strings.Contains(out.String(), "kiểm tra toàn vẹn: đạt") {
		t.Fatalf("backup: %v %s", err, out.String())
	}
	if err := call("", "backup", backup); err == nil {
		t.Fatal("backup overwrote a file")
	}
	if err := call("", "frobnicate"); err == nil || !strings.Contains(err.Error(), "không có lệnh “frobnicate”") || !strings.Contains(errOut.String(), "Cách dùng:") {
		t.Fatalf("unknown command: %v\n%s", err, errOut.String())
	}
	if err := call("", "help", "--lang", "en"); err != nil || !strings.Contains(out.String(), "Usage:") || !strings.Contains(out.String(), "reset-2fa") {
		t.Fatalf("help in English: %v\n%s", err, out.String())
	}
	if err := call("", "help", "--lang=en"); err != nil || !strings.Contains(out.String(), "Usage:") {
		t.Fatalf("help --lang=en: %v\n%s", err, out.String())
	}
	if err := call("", "demo", "--demo-firms", "5"); err == nil {
		t.Fatal("a 5-firm demo was accepted")
	}
	if err := call("", "demo", "--demo-firms", "300"); err == nil || !strings.Contains(err.Error(), "already holds") {
		t.Fatalf("demo into a used database: %v", err)
	}
}

// rescore finds a stored score that no longer matches its answers, and
// --fix repairs it.
func TestRescore(t *testing.T) {
	db := filepath.Join(t.TempDir(), "r.db")
	getenv := env("DXREADY_DB", db, "DXREADY_DEMO_PASSWORD", "demo-password-9")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"demo", "--demo-firms", "300"}, getenv, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	call := func(args ...string) error {
		out.Reset()
		return run(context.Background(), args, getenv, nil, &out, io.Discard)
	}
	if err := call("rescore", "--instrument", "dbi-2021@1"); err != nil || !strings.Contains(out.String(), " 0 bài có điểm khác") {
		t.Fatalf("clean rescore: %v\n%s", err, out.String())
	}
	// Corrupt one stored score, as a scoring bug would.
	db2, err := sql.Open("sqlite", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db2.Exec("UPDATE responses SET overall = overall + 7 WHERE id = (SELECT MIN(id) FROM responses)"); err != nil {
		t.Fatal(err)
	}
	db2.Close()
	if err := call("rescore", "--instrument", "dbi-2021@1"); err == nil || !strings.Contains(out.String(), "1 bài có điểm khác") {
		t.Fatalf("corrupt rescore: %v\n%s", err, out.String())
	}
	if err := call("rescore", "--instrument", "dbi-2021@1", "--fix"); err != nil {
		t.Fatal(err)
	}
	if err := call("rescore", "--instrument", "dbi-2021@1"); err != nil || !strings.Contains(out.String(), " 0 bài có điểm khác") {
		t.Fatalf("after --fix: %v\n%s", err, out.String())
	}
	if err := call("rescore", "--instrument", "nope@9"); err == nil || !strings.Contains(err.Error(), "nope@9") {
		t.Fatalf("unknown instrument: %v", err)
	}
}
