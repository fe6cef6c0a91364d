package main

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestSurveyUX is a firm owner on a phone going through what issue 13
// point 1 changed: the industry chosen by its English, then its Vietnamese
// name, revenue typed in tỷ đồng with the size class shown as it is typed;
// Enter moving forward on each kind of step; a follow-up question announced
// and focused; the review listing the answers by pillar, and its "Change"
// link coming back to the review once saved.
func TestSurveyUX(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ux.db")
	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO", "false"))
	ctx, cancel := context.WithTimeout(browser(t), 150*time.Second)
	defer cancel()
	if err := registerFirm(ctx, t, base, db, "vi", "3709000100", "ux@example.vn"); err != nil {
		t.Fatalf("register: %v", err)
	}
	profileByName(t, ctx, base)
	id := stepsByEnter(t, ctx, base)
	followUpInPlace(t, ctx, base, id)
	reviewAndChange(t, ctx, base, id)
}

// retype replaces the text of the field sel by typing v, as a user does
// (the input events fire).
func retype(sel, v string) chromedp.Action[chromedp.Void] {
	clear := chromedp.Evaluate[bool](fmt.Sprintf(`(document.querySelector(%q).value = '', true)`, sel))
	return chromedp.Steps(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := clear(ctx, t)
		return err
	}), chromedp.SendKeys(chromedp.CSS(sel), v))
}

func profileByName(t *testing.T, ctx context.Context, base string) {
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	// In English: an English name, figures in billions with a decimal point.
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/profile/edit?lang=en"),
		chromedp.WaitVisible(css("#vsic")),
		chromedp.SendKeys(css("#vsic"), "Management consultancy activities"),
		chromedp.SetValue(css("#ward"), "25942"),
		chromedp.SendKeys(css("#employees"), "60"),
		chromedp.SendKeys(css("#revenue"), "40.5"),
		chromedp.SendKeys(css("#capital"), "200"),
		chromedp.WaitVisible(css(`#size-preview[data-class="medium"]`)), // services: over 50 staff
		chromedp.SendKeys(css("#year"), "2025"),
	)
	if err != nil {
		t.Fatalf("profile in English: %v", err)
	}
	if got := text(t, ctx, "#size-preview"); got != "Size class under Decree 80/2021/ND-CP: Medium" {
		t.Fatalf("preview %q", got)
	}
	screenshot(t, ctx, "ux-1-profile-en")
	if err := chromedp.Do(ctx, chromedp.Click(css("#profile-save")), chromedp.WaitVisible(css("#firm-size"))); err != nil {
		t.Fatalf("save in English: %v", err)
	}
	if ind, size := text(t, ctx, "#firm-industry"), text(t, ctx, "#firm-size"); !strings.HasPrefix(ind, "7020 — Management consultancy") ||
		!strings.HasPrefix(size, "Medium") || !strings.Contains(size, "40,500,000,000 ₫") {
		t.Fatalf("saved: %q / %q", ind, size)
	}
	// In Vietnamese: the figures read back with a decimal comma; a
	// Vietnamese name; the class follows the new revenue as it is typed.
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/profile/edit?lang=vi"),
		chromedp.WaitVisible(css("#vsic")),
	)
	if err != nil {
		t.Fatalf("edit again: %v", err)
	}
	if v, r := value(t, ctx, "#vsic"), value(t, ctx, "#revenue"); v != "7020 – Hoạt động tư vấn quản lý" || r != "40,5" {
		t.Fatalf("the form shows %q / %q", v, r)
	}
	err = chromedp.Do(ctx,
		retype("#vsic", "sản xuất giường, tủ"),
		chromedp.WaitVisible(css(`#size-preview[data-class="small"]`)), // manufacturing: up to 100 staff
		retype("#revenue", "12,5abc"),
		chromedp.WaitVisible(css(`#size-preview[data-class=""]`)),
		retype("#revenue", "12,5"),
		chromedp.WaitVisible(css(`#size-preview[data-class="small"]`)),
		chromedp.Click(css("#profile-save")),
		chromedp.WaitVisible(css("#firm-size")),
	)
	if err != nil {
		t.Fatalf("profile in Vietnamese: %v", err)
	}
	if ind, size := text(t, ctx, "#firm-industry"), text(t, ctx, "#firm-size"); !strings.HasPrefix(ind, "3100 — Sản xuất giường") ||
		!strings.HasPrefix(size, "Nhỏ") || !strings.Contains(size, "12.500.000.000 ₫") {
		t.Fatalf("saved: %q / %q", ind, size)
	}
}

// enterOn chooses the option sel and presses Enter on it.
func enterOn(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.Click(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), kb.Enter))
}

// stepsByEnter starts the assessment and moves through a first, a middle
// and the last step by Enter alone; it returns the draft's id.
func stepsByEnter(t *testing.T, ctx context.Context, base string) string {
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	err := chromedp.Do(ctx,
		chromedp.Click(css("#start-assessment")),
		chromedp.WaitVisible(css("#begin-assessment")),
		chromedp.Click(css("#begin-assessment")),
		chromedp.WaitVisible(css(`form[action$="/step/1"]`)),
		enterOn(`input[name="q.cx.website"][value="weekly"]`),
		chromedp.WaitVisible(css(`form[action$="/step/2"]`)),
		enterOn(`input[name="q.st.plan"]`),
		chromedp.WaitVisible(css(`form[action$="/step/3"]`)),
	)
	if err != nil {
		t.Fatalf("Enter on steps 1 and 2: %v", err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	id := regexp.MustCompile(`/assessment/(\d+)/`).FindStringSubmatch(loc)
	if err != nil || id == nil {
		t.Fatalf("location %q %v", loc, err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/assessment/"+id[1]+"/step/6"),
		chromedp.WaitVisible(css(`form[action$="/step/6"]`)),
		enterOn(`form fieldset.question input[type=radio]`),
		chromedp.WaitVisible(css("#answers")),
	)
	if err != nil {
		t.Fatalf("Enter on the last step: %v", err)
	}
	return id[1]
}

// followUpInPlace answers production planning on the operations step: the
// machine-data question appears below it, announced and focused, without
// the page being reloaded.
func followUpInPlace(t *testing.T, ctx context.Context, base, id string) {
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	const progressNow = `document.getElementById('progress').value + ' ' + document.getElementById('progress').max + ' ' +
		document.querySelector('label[for="progress"]').textContent`
	var before string
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/assessment/"+id+"/step/4"),
		chromedp.WaitVisible(css(`input[name="q.op.production_planning"]`)),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`window.notReloaded = true`)(ctx, t)
			if err == nil {
				before, err = chromedp.Evaluate[string](progressNow)(ctx, t)
			}
			return err
		}),
		chromedp.Click(css(`input[name="q.op.production_planning"][value="full"]`)),
		chromedp.WaitVisible(css(`[id="opened-op.machine_data"]:not(:empty)`)),
	)
	if err != nil {
		t.Fatalf("follow-up: %v", err)
	}
	// The question opened is one more to answer, and the one answered one
	// more answered: the progress says both, as the server counts them.
	var answered, total int
	if _, err := fmt.Sscan(before, &answered, &total); err != nil {
		t.Fatalf("progress before: %q", before)
	}
	want := fmt.Sprintf("%d %d Đã trả lời %d/%d câu", answered+1, total+1, answered+1, total+1)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`(`+progressNow+`) === `+strconv.Quote(want))); err != nil {
		got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](progressNow))
		t.Fatalf("the progress after a follow-up opened: %q, want %q", got, want)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.activeElement.id === 'q-op.machine_data' && window.notReloaded`)); err != nil {
		t.Fatalf("the follow-up is not focused in place: %v", err)
	}
	notice := text(t, ctx, `[id="opened-op.machine_data"]`)
	if notice != "Câu trả lời của bạn vừa mở một câu hỏi tiếp theo: Máy móc, dây chuyền có tự động ghi nhận sản lượng, thời gian dừng máy (cảm biến, hệ thống MES) ở mức nào?" {
		t.Fatalf("notice %q", notice)
	}
	live, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('opened-op.machine_data').getAttribute('role')`))
	if live != "status" {
		t.Fatalf("the notice is no live region: %q", live)
	}
	screenshot(t, ctx, "ux-2-follow-up")
	// Shown again by the server (a post without JavaScript lands here), the
	// notice is in the page and the script focuses its question on load.
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/assessment/"+id+"/step/4?opened=op.machine_data#opened-op.machine_data"),
		chromedp.WaitVisible(css(`[id="opened-op.machine_data"]`)),
	)
	if err == nil {
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.activeElement.id === 'q-op.machine_data'`))
	}
	if err != nil {
		dbg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.tagName + ' ' + document.activeElement.id + ' ' + document.querySelectorAll('[data-followup-notice]').length + ' ' + document.getElementById('q-op.machine_data').getAttribute('tabindex')`))
		t.Fatalf("the server's notice: %v (%s)", err, dbg)
	}
	// Answered, Enter moves on: the follow-up is part of the step now.
	err = chromedp.Do(ctx,
		enterOn(`input[name="q.op.machine_data"][value="partial"]`),
		chromedp.WaitVisible(css(`form[action$="/step/5"]`)),
	)
	if err != nil {
		t.Fatalf("Enter after the follow-up: %v", err)
	}
}

// reviewAndChange reads the answers on the review, changes one through its
// link and comes back to the review with the new answer.
func reviewAndChange(t *testing.T, ctx context.Context, base, id string) {
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/assessment/"+id+"/review"), chromedp.WaitVisible(css("#answers"))); err != nil {
		t.Fatalf("review: %v", err)
	}
	for sel, want := range map[string]string{`[id="a-cx.website"] strong`: "Hằng tuần", `[id="a-op.machine_data"] strong`: "Dùng ở một số bộ phận",
		`[id="a-cx.social"] em`: "Chưa trả lời", `#ph-operations`: "Vận hành"} {
		if got := text(t, ctx, sel); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want %q", sel, got, want)
		}
	}
	open, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('changes').open`))
	if open {
		t.Error("the change log is not behind its disclosure")
	}
	screenshot(t, ctx, "ux-3-review")
	err := chromedp.Do(ctx,
		chromedp.Click(css(`[id="a-cx.website"] a.change-link`)),
		chromedp.WaitReady(css(`input[name="from"]`)),
		enterOn(`input[name="q.cx.website"][value="daily"]`),
		chromedp.WaitVisible(css("#answers")),
	)
	if err != nil {
		t.Fatalf("change from the review: %v", err)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if got := text(t, ctx, `[id="a-cx.website"] strong`); got != "Hằng ngày hoặc liên tục" || !strings.HasSuffix(loc, "/review#rq-cx.website") {
		t.Fatalf("back on the review at %s with %q", loc, got)
	}
}
