package main

import (
	"context"
	"database/sql"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// layoutWidths are the widths every page is checked at: a small phone and a
// common office laptop.
var layoutWidths = []int64{1366, 360}

// TestLayoutEveryPageAtPhoneAndDesktop signs in as each role (and as no
// one), visits every page its navigation and start page link to (and the
// pages those link to, one of each kind), and checks each at 360 px and at
// 1366 px (a firm's pages in Vietnamese and in English): the page never
// scrolls sideways, no button or clipped cell hides its text, every form
// control has a visible label beside or above it (a checkbox's beside it),
// legends sit inside their fieldset's border, textareas are full width on
// a phone and resize vertically, slot buttons are bare of bullets and 44 px
// tall, a secondary button does not look primary, every page has a meta
// description and a favicon, a table needs no sideways scrolling on a
// desktop, at 360 px the header (demo banner included) ends by 160 px, and
// at 360 px every button, and every link in a form or the
// header, is at least 40 px high. One browser per role, the tab reused,
// load events awaited.
func TestLayoutEveryPageAtPhoneAndDesktop(t *testing.T) {
	db := filepath.Join(t.TempDir(), "layout.db")
	const password = "mật khẩu bố cục trang"
	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO_PASSWORD", password), "--demo-firms", "300")
	firm, _ := firmWithResult(t, db)
	var advisor string // the advisor the firm books, so that its pages show the booking

	t.Run("public", func(t *testing.T) {
		ctx := layoutBrowser(t)
		registerClaim(t, ctx, base, db)
		crawlLayout(t, ctx, base, []string{"/", "/login", "/register", "/contact", "/password/forgot", "/verify-email", "/data", "/data/v1/readiness-by-ward"})
	})
	t.Run("firm", func(t *testing.T) {
		ctx := layoutBrowser(t)
		start := layoutSignIn(t, ctx, base, firm, password)
		extra := firmDrafts(t, ctx)
		advisor = bookedAdvisor(t, db)
		crawlLayout(t, ctx, base, append([]string{start}, extra...))
		// An owner who reads English: other words, other widths.
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#lang-switch")), chromedp.WaitVisible(chromedp.CSS(`html[lang="en"] #logout`))); err != nil {
			t.Fatalf("switch to English: %v", err)
		}
		crawlLayout(t, ctx, base, append([]string{start}, extra...))
	})
	lead, _, _, _ := busiestLead(t, db) // the most members sharing: the widest member list a lead sees
	for _, who := range []string{lead, advisor, "admin@demo.local"} {
		t.Run(strings.TrimSuffix(who, "@demo.local"), func(t *testing.T) {
			if who == "" {
				t.Fatal("the firm booked no advisor")
			}
			ctx := layoutBrowser(t)
			start := layoutSignIn(t, ctx, base, who, password)
			if strings.HasSuffix(start, "/account/2fa") { // the Center's admin enrols first
				enrolTwoFactor(t, ctx, "layout")
				if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#codes-done")), chromedp.WaitNotPresent(chromedp.CSS("#codes-done"))); err != nil {
					t.Fatal(err)
				}
				start = layoutLocation(t, ctx)
			}
			seeds := []string{start}
			if who == lead { // its member list is three links deep, past the crawl's reach; checked in English too (longer words)
				members := leadMembers(t, db, who)
				crawlLayout(t, ctx, base, append(seeds, members))
				if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#lang-switch")), chromedp.WaitVisible(chromedp.CSS(`html[lang="en"] #logout`))); err != nil {
					t.Fatalf("switch to English: %v", err)
				}
				checkLayout(t, ctx, base+members, false)
				return
			}
			crawlLayout(t, ctx, base, seeds)
		})
	}
}

// leadMembers is the member list of the lead's association.
func leadMembers(t *testing.T, db, lead string) string {
	t.Helper()
	var id int64
	if err := readOnly(t, db).QueryRow(`SELECT association_id FROM users WHERE email = ?`, lead).Scan(&id); err != nil {
		t.Fatalf("the lead's association: %v", err)
	}
	return "/associations/" + strconv.FormatInt(id, 10) + "/members"
}

// registerClaim registers a user for a demo firm that has none, so the
// Center's claims queue has a claim to show; on the way, the refused form
// (a tax code that does not check) is checked at 360 px.
func registerClaim(t *testing.T, ctx context.Context, base, db string) {
	t.Helper()
	var taxCode string
	if err := readOnly(t, db).QueryRow(`SELECT tax_code FROM firms f WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.firm_id = f.id) ORDER BY id LIMIT 1`).Scan(&taxCode); err != nil {
		t.Fatalf("a demo firm without users: %v", err)
	}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	const password = "mật khẩu người nhận doanh nghiệp"
	err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 800), chromedp.Navigate(base+"/register"),
		chromedp.SendKeys(css("#tax_code"), "3709000101"), chromedp.Click(css("#register-submit")), chromedp.WaitVisible(css(".field-error")))
	if err != nil {
		t.Fatalf("a refused registration: %v", err)
	}
	layoutHere(t, ctx, "/register, refused, at 360 px")
	err = chromedp.Do(ctx, chromedp.SetValue(css("#tax_code"), taxCode), chromedp.SendKeys(css("#name"), "Trần Văn Bố Cục"),
		chromedp.SendKeys(css("#email"), "bocuc@example.vn"), chromedp.SendKeys(css("#password"), password),
		chromedp.SendKeys(css("#password_confirm"), password), chromedp.Click(css("#register-submit")), chromedp.WaitVisible(css("#login-submit")))
	if err != nil {
		t.Fatalf("register a claim: %v", err)
	}
}

// layoutHere reports the layout problems of the page on screen, as it is.
func layoutHere(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	problems, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](layoutProblems))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", what, p)
	}
}

// layoutBrowser is a browser of its own for one role, with a deadline.
func layoutBrowser(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(browser(t), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// layoutSignIn signs in and returns the path of the start page it leads to.
// signInAdmin signs the demo's admin in, enrolling two-step sign-in when
// the portal asks for it (who names the enrolment in screenshots), and
// leaves the browser past the recovery codes.
func signInAdmin(t *testing.T, ctx context.Context, base, password, who string) {
	t.Helper()
	start := layoutSignIn(t, ctx, base, "admin@demo.local", password)
	if !strings.HasPrefix(start, "/account/2fa") {
		return
	}
	enrolTwoFactor(t, ctx, who)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#codes-done")), chromedp.WaitNotPresent(chromedp.CSS("#codes-done"))); err != nil {
		t.Fatal(err)
	}
}

func layoutSignIn(t *testing.T, ctx context.Context, base, email, password string) string {
	t.Helper()
	if err := signInThen(ctx, base, email, password, "#logout"); err != nil {
		t.Fatalf("sign in %s: %v", email, err)
	}
	return layoutLocation(t, ctx)
}

func layoutLocation(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(loc)
	return u.RequestURI()
}

// firmDrafts books the first suggested advisor (so the booking pages have
// something to show), starts a new self-assessment and opens its review;
// it returns the step and review pages, which no GET link leads to.
func firmDrafts(t *testing.T, ctx context.Context) []string {
	t.Helper()
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	err := chromedp.Do(ctx,
		chromedp.Navigate(layoutOrigin(t, ctx)+"/advisors"),
		chromedp.Click(css("#suggested li:first-child a.slot")),
		chromedp.WaitVisible(css("#share-notice")),
		chromedp.Click(css(`input[name="pillar"]`)),
		chromedp.Click(css("#confirm-booking")),
		chromedp.WaitVisible(css("#booking-when")),
		chromedp.Navigate(layoutOrigin(t, ctx)+"/assessment"),
		chromedp.Click(css("#begin-assessment")),
		chromedp.WaitVisible(css("#step-review")),
	)
	if err != nil {
		t.Fatalf("book, then start an assessment: %v", err)
	}
	step := layoutLocation(t, ctx)
	if err := chromedp.Do(ctx, chromedp.Click(css("#step-review")), chromedp.WaitNotPresent(css("#step-review"))); err != nil {
		t.Fatalf("review: %v", err)
	}
	return []string{step, layoutLocation(t, ctx)}
}

func layoutOrigin(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return layoutOriginOf(loc)
}

// readOnly opens the portal's database for reading, until the test ends.
func readOnly(t *testing.T, db string) *sql.DB {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// bookedAdvisor is the address of the advisor of the demo's one booking.
func bookedAdvisor(t *testing.T, db string) string {
	t.Helper()
	var email string
	if err := readOnly(t, db).QueryRow(`SELECT u.email FROM bookings b JOIN users u ON u.id = b.advisor_id ORDER BY b.id DESC LIMIT 1`).Scan(&email); err != nil {
		t.Fatalf("the booking's advisor: %v", err)
	}
	return email
}

// crawlLayout checks the seed pages and every page they link to, and the
// pages those link to: one page of each kind (its path with numbers
// blanked and its query's names), in the header's navigation or the main
// content, downloads and the sign-out left aside.
func crawlLayout(t *testing.T, ctx context.Context, base string, seeds []string) {
	t.Helper()
	seen := map[string]bool{}
	level := seeds
	for depth := 0; depth <= 2 && len(level) > 0; depth++ {
		var next []string
		for _, p := range level {
			if k := pageKind(p); !seen[k] {
				seen[k] = true
				next = append(next, checkLayout(t, ctx, base+p, depth < 2)...)
			}
		}
		level = next
	}
	t.Logf("%d kinds of page checked at %v px", len(seen), layoutWidths)
}

var digits = regexp.MustCompile(`[0-9]+`)

// shotName turns a page's address into a file name.
var shotName = regexp.MustCompile(`[^a-zA-Z0-9]+`)

// pageKind names the kind of a page: /bookings/12?week=3 → /bookings/N?week.
func pageKind(p string) string {
	u, err := url.Parse(p)
	if err != nil {
		return p
	}
	keys := make([]string, 0, len(u.Query()))
	for k := range u.Query() {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return digits.ReplaceAllString(u.Path, "N") + "?" + strings.Join(keys, "&")
}

// checkLayout opens the page at each width, reports what the layout check
// finds, and returns the links to follow (when follow is true).
func checkLayout(t *testing.T, ctx context.Context, page string, follow bool) []string {
	t.Helper()
	var links []string
	for i, w := range layoutWidths {
		load := chromedp.Reload()
		if i == 0 {
			load = chromedp.Navigate(page)
		}
		resp, err := chromedp.RunResponse(ctx, chromedp.EmulateViewport(w, 800), load)
		if err != nil {
			t.Errorf("%s at %d px: %v", page, w, err)
			return nil
		}
		if resp.Status >= 500 {
			t.Errorf("%s: status %d", page, resp.Status)
		}
		path := strings.TrimPrefix(page, layoutOriginOf(page))
		screenshot(t, ctx, "layout-"+strings.Trim(shotName.ReplaceAllString(path, "-"), "-")+"-"+strconv.FormatInt(w, 10))
		layoutHere(t, ctx, path+" at "+strconv.FormatInt(w, 10)+" px")
		if follow && i == 0 {
			links, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](layoutLinks))
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	return links
}

func layoutOriginOf(page string) string {
	u, _ := url.Parse(page)
	return u.Scheme + "://" + u.Host
}

// layoutLinks lists the same-origin pages the header's navigation and the
// main content link to, but downloads, the sign-out and language links.
const layoutLinks = `[...document.querySelectorAll('header nav a[href], main a[href]')]
	.filter(a => a.origin === location.origin && !a.hasAttribute('download') && !/(\.(csv|xlsx|ics|png|pdf|json|jsonld)|\/export)$/.test(a.pathname)
		&& !a.search.includes('lang=') && a.pathname !== '/logout')
	.map(a => a.pathname + a.search)`

// layoutProblems lists what is wrong with the page's layout at the current
// width, each as a sentence naming the elements.
const layoutProblems = `(() => {
	const out = [], W = window.innerWidth, phone = W <= 400;
	const shown = el => { const r = el.getBoundingClientRect(); return r.width > 1 && r.height > 1 && el.checkVisibility({visibilityProperty: true}); };
	const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
		(typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '') +
		' "' + (el.innerText || el.value || el.name || '').trim().replace(/\s+/g, ' ').slice(0, 40) + '"';
	const scrolled = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement)
		if (getComputedStyle(p).overflowX !== 'visible') return true; return false; };
	if (document.documentElement.scrollWidth > W) {
		const wide = [...document.body.querySelectorAll('*')].filter(el => el.getBoundingClientRect().right > W + 0.5 && !scrolled(el));
		const inner = wide.filter(el => !wide.some(o => o !== el && el.contains(o)));
		out.push('the page scrolls sideways (' + document.documentElement.scrollWidth + ' px), widened by ' + inner.slice(0, 3).map(name).join(', '));
	}
	if (!phone) for (const sc of document.querySelectorAll('.table-scroll'))
		if (shown(sc) && sc.scrollWidth > sc.clientWidth + 1) out.push('a table scrolls sideways at desktop width: ' + name(sc.querySelector('table') || sc));
	for (const el of document.querySelectorAll('button, .button, td, th, label, legend, summary, dd, h1, h2, h3')) {
		const s = getComputedStyle(el);
		if (s.display === 'inline' || !shown(el)) continue;
		const clips = s.overflowX !== 'visible' || el.matches('button, .button');
		if (clips && el.scrollWidth > el.clientWidth + 1) out.push('text overflows its box: ' + name(el));
	}
	const firstText = l => { const w = document.createTreeWalker(l, NodeFilter.SHOW_TEXT);
		for (let n = w.nextNode(); n; n = w.nextNode()) if (n.data.trim()) { const r = document.createRange(); r.selectNodeContents(n); return r.getClientRects()[0]; } };
	for (const c of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
		if (!shown(c)) continue;
		const label = [...c.labels].find(l => shown(l) && l.innerText.trim());
		const byID = (c.getAttribute('aria-labelledby') || '').split(/\s+/).map(id => document.getElementById(id)).find(e => e && shown(e) && e.innerText.trim());
		if (!label && !byID) { out.push('no visible label: ' + name(c)); continue; }
		if (!label) continue;
		const cr = c.getBoundingClientRect(), tr = firstText(label) || label.getBoundingClientRect();
		const beside = tr.top < cr.bottom && tr.bottom > cr.top, above = tr.bottom <= cr.top + 2;
		if ((c.type === 'checkbox' || c.type === 'radio') ? !beside : !(beside || above)) out.push('label not beside' + (c.type === 'checkbox' || c.type === 'radio' ? '' : ' or above') + ' its control: ' + name(c));
	}
	for (const lg of document.querySelectorAll('fieldset > legend')) {
		if (!shown(lg)) continue;
		const fs = lg.parentElement, top = fs.getBoundingClientRect().top + parseFloat(getComputedStyle(fs).borderTopWidth);
		if (getComputedStyle(fs).borderTopStyle !== 'none' && lg.getBoundingClientRect().top < top - 0.5) out.push('the fieldset border crosses its legend: ' + name(lg));
	}
	for (const ta of document.querySelectorAll('textarea')) {
		const s = getComputedStyle(ta);
		if (shown(ta) && (s.resize !== 'vertical' || (phone && ta.getBoundingClientRect().width < ta.parentElement.clientWidth * 0.9))) out.push('textarea not full-width and vertically resizable: ' + name(ta));
	}
	for (const ul of document.querySelectorAll('ul.slots')) if (shown(ul) && getComputedStyle(ul).listStyleType !== 'none') out.push('slot list has bullets: ' + name(ul));
	for (const a of document.querySelectorAll('a.slot, .slots .slot')) if (shown(a) && a.getBoundingClientRect().height < 44) out.push('slot under 44 px: ' + name(a));
	if (phone) for (const el of document.querySelectorAll('button, .button, input[type=submit], header a, form a, form label:has(> input[type=checkbox], > input[type=radio])')) {
		if (!shown(el) || (el.matches('form a:not(.button)') && el.parentElement.innerText.trim() !== el.innerText.trim())) continue;
		if (el.getBoundingClientRect().height < 40) out.push('tap target under 40 px (' + Math.round(el.getBoundingClientRect().height) + '): ' + name(el));
	}
	const primary = document.querySelector('main button:not(.secondary):not(.danger):not(.tick)');
	for (const b of document.querySelectorAll('button.secondary, .button.secondary, button.tick[aria-pressed=true]'))
		if (primary && shown(b) && getComputedStyle(b).backgroundColor === getComputedStyle(primary).backgroundColor) out.push('secondary button looks primary: ' + name(b));
	const header = document.querySelector('.site-header');
	if (phone && header && header.getBoundingClientRect().bottom + window.scrollY > 160) out.push('the header ends at ' + Math.round(header.getBoundingClientRect().bottom + window.scrollY) + ' px, over 160 px on a phone');
	if (!document.querySelector('meta[name=description]')?.content || !document.querySelector('link[rel=icon]')) out.push('no meta description or favicon');
	return out;
})()`
