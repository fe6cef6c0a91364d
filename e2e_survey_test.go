package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestJourneySelfAssessment walks the survey in a real browser, once in
// each language: register, answer the first question (saved by JavaScript
// as it changes), reload and find it still chosen, answer every step,
// review, submit and read the level and the advice.
func TestJourneySelfAssessment(t *testing.T) {
	db := filepath.Join(t.TempDir(), "survey.db")
	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO", "false"))
	bctx := browser(t)
	for i, lang := range []string{"vi", "en"} {
		t.Run(lang, func(t *testing.T) {
			ctx, cancel := chromedp.NewContext(bctx) // a fresh tab and cookie-less session per language
			defer cancel()
			ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
			defer cancel()
			walkSurvey(t, ctx, base, db, lang, []string{"3709000118", "3709000125"}[i])
		})
	}
}

// registerFirm registers a firm with taxCode in lang, confirms the address
// by the link of the outbox and lands signed in on the firm's profile.
func registerFirm(ctx context.Context, t *testing.T, base, db, lang, taxCode, email string) error {
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	password := "mật khẩu khảo sát dài"
	return chromedp.Do(ctx,
		chromedp.Navigate(base+"/register?lang="+lang),
		chromedp.WaitVisible(css("#register-submit")),
		chromedp.SendKeys(css("#tax_code"), taxCode),
		chromedp.SendKeys(css("#firm_name"), "Công ty TNHH Khảo sát "+lang),
		chromedp.SendKeys(css("#name"), "Trần Văn Bình"),
		chromedp.SendKeys(css("#email"), email),
		chromedp.SendKeys(css("#password"), password),
		chromedp.SendKeys(css("#password_confirm"), password),
		chromedp.Click(css("#register-submit")),
		chromedp.WaitVisible(css("#login-submit")), // check your inbox, open the link, then sign in
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			link := outboxLink(t, db, "account.verify", email, "/verify-email/")
			_, err := confirmByLink(base, link, password)(ctx, tg)
			return err
		}),
		chromedp.WaitVisible(css("#start-assessment")),
	)
}

func walkSurvey(t *testing.T, ctx context.Context, base, db, lang, taxCode string) {
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	if err := registerFirm(ctx, t, base, db, lang, taxCode, "survey-"+lang+"@example.vn"); err != nil {
		t.Fatalf("register: %v", err)
	}
	err := chromedp.Do(ctx,
		chromedp.WaitVisible(css("#start-assessment")),
		chromedp.Click(css("#start-assessment")),
		chromedp.WaitVisible(css("#begin-assessment")),
		chromedp.Click(css("#begin-assessment")),
		chromedp.WaitVisible(css(`input[name="q.cx.website"]`)),
		chromedp.Click(css(`input[name="q.cx.website"][value="weekly"]`)),
		chromedp.WaitVisible(css(`[data-saved-for="cx.website"]:not(:empty)`)), // the autosave answered
	)
	if err != nil {
		t.Fatalf("start and autosave: %v", err)
	}
	// The progress counts the saved answer at once (it stayed at 0 until the
	// step changed: a walkthrough's finding), and as the server counts it.
	const progressNow = `[document.getElementById('progress').value, document.getElementById('progress').max,
		document.querySelector('label[for="progress"]').textContent]`
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[[]any](progressNow))
	if err != nil || len(shown) != 3 || shown[0] != float64(1) || !strings.Contains(shown[2].(string), "1") ||
		strings.Contains(shown[2].(string), "{") {
		t.Fatalf("the progress after one answer saved: %v (%v)", shown, err)
	}
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(css(`input[name="q.cx.website"]`))); err != nil {
		t.Fatalf("reload: %v", err)
	}
	counted, err := chromedp.Run(ctx, chromedp.Evaluate[[]any](progressNow))
	if err != nil || fmt.Sprint(counted) != fmt.Sprint(shown) {
		t.Fatalf("the progress the page counted %v, the server's after a reload %v (%v)", shown, counted, err)
	}
	kept, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('input[name="q.cx.website"][value="weekly"]').checked`))
	if err != nil || !kept {
		t.Fatalf("after reload the autosaved answer is gone (%v)", err)
	}
	screenshot(t, ctx, "7-survey-step1-"+lang)
	// Answer every question of every step: the third choice of each radio
	// group, the first box of each checklist; then move on.
	const answerAll = `document.querySelectorAll('fieldset.question').forEach(f => {
		const r = f.querySelectorAll('input[type=radio]:not([value=na])');
		if (r.length) { r[Math.min(2, r.length - 1)].click(); }
		const c = f.querySelector('input[type=checkbox]');
		if (c && !c.checked) { c.click(); }
	}); true`
	for step := 1; step <= 6; step++ {
		next := "#step-next"
		if step == 6 {
			next = "#step-review"
		}
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](answerAll)); err != nil {
			t.Fatalf("answer step %d: %v", step, err)
		}
		if err := chromedp.Do(ctx, chromedp.Click(css(next))); err != nil {
			t.Fatalf("leave step %d: %v", step, err)
		}
		// A follow-up question may have opened on this step: answer it too.
		if step < 6 {
			err = chromedp.Do(ctx, chromedp.WaitVisible(css(fmt.Sprintf(`form[action$="/step/%d"]`, step+1))))
		} else {
			err = chromedp.Do(ctx, chromedp.WaitVisible(css("#submit-assessment")))
		}
		if err != nil {
			t.Fatalf("after step %d: %v", step, err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(css("#all-answered")), chromedp.Click(css("#submit-assessment")),
		chromedp.WaitVisible(css("#level-name")), chromedp.ScrollIntoView(css("#radar")), // drawn as it comes near the screen
		chromedp.WaitVisible(css(`#radar[data-ready="1"] canvas`))); err != nil {
		t.Fatalf("review and submit: %v", err)
	}
	level := text(t, ctx, "#level-name")
	h1 := text(t, ctx, "h1")
	advice := text(t, ctx, "#advice")
	want := map[string]string{"vi": "Kết quả tự đánh giá", "en": "Self-assessment result"}[lang]
	if h1 != want || level == "" || !strings.Contains(advice, map[string]string{"vi": "Nên ưu tiên", "en": "What to work on first"}[lang]) {
		t.Fatalf("result page: h1 %q level %q advice %.80q", h1, level, advice)
	}
	screenshot(t, ctx, "8-result-"+lang)
}
