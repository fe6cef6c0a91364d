package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"dxready/firms"
	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// claimFirm is the registry firm of the claim journey: its record carries
// an email, and it has a past result but no users yet.
const claimFirm = "3709000037"

// claimDB prepares db: the registry (one firm with its registry email)
// imported, and a past result of that firm.
func claimDB(t *testing.T, db string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{Clock: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	ref, err := firms.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SyncReference(ctx, ref); err != nil {
		t.Fatal(err)
	}
	csv := "tax_code,name,vsic,ward,park,employees,revenue_vnd,capital_vnd,year,email,phone\n" +
		claimFirm + ",Công ty Cổ phần Nội thất Hành Trình,1629,25813,,8,2400000000,4000000000,2025,lienhe@hanhtrinh.vn,0274 3800 900\n"
	rd, ferr := firms.NewImportReader(strings.NewReader(csv), ref, time.Now(), nil)
	if ferr != nil {
		t.Fatal(ferr)
	}
	if res, err := st.ImportFirms(ctx, rd, nil); err != nil || !res.Written {
		t.Fatalf("import: %+v %v", res, err)
	}
	f, err := st.FindFirmByTaxCode(ctx, claimFirm)
	if err != nil {
		t.Fatal(err)
	}
	in := storetest.Instrument(t)
	p := survey.Profile{Section: f.Section, Size: string(f.SizeClass)}
	if err := st.LoadSubmissions(ctx, in, []store.PastSubmission{{FirmID: f.ID, Profile: p, Result: scoring.Score(in, p, nil),
		SubmittedAt: time.Now().Add(-30 * 24 * time.Hour)}}); err != nil {
		t.Fatal(err)
	}
}

// claimOutbox returns the newest message of kind in db: its recipient,
// language and body.
func claimOutbox(t *testing.T, db, kind, to string) (lang, body string) {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.QueryRow("SELECT lang, body FROM outbox WHERE kind = ? AND to_addr = ? ORDER BY id DESC LIMIT 1", kind, to).Scan(&lang, &body); err != nil {
		t.Fatalf("no %s message to %s: %v", kind, to, err)
	}
	return lang, body
}

// TestJourneyClaimAFirm: a firm registers with a registry tax code whose
// registry email is known and sees no figures; the code arrives in the
// outbox, addressed to the registry; entering it shows the firm's figures
// and its past result. A second claimant sees nothing, and the verified
// user is told in their language.
func TestJourneyClaimAFirm(t *testing.T) {
	db := filepath.Join(t.TempDir(), "claim.db")
	claimDB(t, db)
	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO", "false"))
	bctx := browser(t)
	ctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	defer cancel()
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	register := func(email, name string) chromedp.Action[chromedp.Void] {
		const password = "mật khẩu hành trình xác minh"
		return chromedp.Steps(
			chromedp.Navigate(base+"/register"),
			chromedp.WaitVisible(css("#register-submit")),
			chromedp.SendKeys(css("#tax_code"), claimFirm),
			chromedp.SendKeys(css("#name"), name),
			chromedp.SetValue(css("#stated_role"), "owner"),
			chromedp.SendKeys(css("#email"), email),
			chromedp.SendKeys(css("#password"), password),
			chromedp.SendKeys(css("#password_confirm"), password),
			chromedp.Click(css("#register-submit")),
			chromedp.WaitVisible(css("#login-submit")),
			// The new account opens the link mailed to it, then signs in.
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, mail := claimOutbox(t, db, "account.verify", email)
				link := regexp.MustCompile(`/verify-email/[A-Za-z0-9_-]+`).FindString(mail)
				if link == "" {
					return fmt.Errorf("no confirmation link in %s", mail)
				}
				_, err := confirmByLink(base, link, password)(ctx, tg)
				return err
			}),
			chromedp.WaitVisible(css("#claim-state")),
		)
	}
	html := func() string {
		t.Helper()
		b, err := chromedp.Run(ctx, chromedp.OuterHTML(css("html")))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if err := chromedp.Do(ctx, register("giamdoc@hanhtrinh.vn", "Lê Văn Giám")); err != nil {
		t.Fatalf("register: %v", err)
	}
	body := html()
	for _, secret := range []string{"firm-size", "2.400.000.000", "lienhe@hanhtrinh.vn", "submissions", "sharing-"} {
		if strings.Contains(body, secret) {
			t.Fatalf("the claimant sees %q", secret)
		}
	}
	if !strings.Contains(body, "l***@h***.vn") {
		t.Fatal("the claim page does not name the masked registry address")
	}
	screenshot(t, ctx, "claim-1-open")
	// The claimant confirmed their own address before signing in (mail
	// about the claim goes there).
	if err := chromedp.Do(ctx, chromedp.Click(css("#send-code")), chromedp.WaitVisible(css("#code"))); err != nil {
		t.Fatalf("send a code: %v", err)
	}
	lang, mail := claimOutbox(t, db, "claims.code", "lienhe@hanhtrinh.vn")
	code := regexp.MustCompile(`\b\d{8}\b`).FindString(mail)
	if lang != "vi" || code == "" || !strings.Contains(mail, "giamdoc@hanhtrinh.vn") {
		t.Fatalf("code message in %s: %s", lang, mail)
	}
	err := chromedp.Do(ctx,
		chromedp.SendKeys(css("#code"), code),
		chromedp.Click(css("#verify-code")),
		chromedp.WaitVisible(css("#firm-size")),
		chromedp.Click(css("#submissions a")),
		chromedp.WaitVisible(css("#overall-score")),
	)
	if err != nil {
		t.Fatalf("verify with the code: %v", err)
	}
	screenshot(t, ctx, "claim-2-result")

	// A second claimant of the same firm sees nothing of it.
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/profile"),
		chromedp.Click(css("#logout")),
		chromedp.WaitVisible(css("#login-link")),
		register("la@example.vn", "Người Lạ"),
	)
	if err != nil {
		t.Fatalf("second claimant: %v", err)
	}
	body = html()
	for _, secret := range []string{"firm-size", "2.400.000.000", "giamdoc@hanhtrinh.vn", "Lê Văn Giám", "submissions"} {
		if strings.Contains(body, secret) {
			t.Fatalf("the second claimant sees %q", secret)
		}
	}
	lang, mail = claimOutbox(t, db, "claims.second", "giamdoc@hanhtrinh.vn")
	if lang != "vi" || !strings.Contains(mail, "la@example.vn") || !strings.Contains(mail, "/profile") {
		t.Fatalf("the verified user was told in %s: %s", lang, mail)
	}
}
