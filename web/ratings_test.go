package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"dxready/auth"
	"dxready/disclosure"
	"dxready/store"
)

var ratingLinkRE = regexp.MustCompile(`/rate/\d+/[A-Za-z0-9_-]+`)

// ratingLinkTo is the rating link the outbox holds for booking path and
// address to ("" when none).
func (e *env) ratingLinkTo(t *testing.T, path, to string) string {
	t.Helper()
	ms, err := e.st.Outbox(ctx, 500)
	if err != nil {
		t.Fatal(err)
	}
	id := strings.TrimPrefix(path, "/bookings/")
	for _, m := range ms {
		if m.Kind == "booking."+store.MessagesRating && m.To == to {
			if l := ratingLinkRE.FindString(m.Body); strings.HasPrefix(l, "/rate/"+id+"/") {
				return l
			}
		}
	}
	return ""
}

// twoOpen lets the fixture firm hold two open bookings with one advisor.
func twoOpen(c *Config) { c.MaxOpenBookingsPerAdvisor = 2 }

// heldBookings books the fixture advisor's two Tuesday slots (09:00 and
// 10:15) for the fixture firm and marks them held, as the advisor does;
// it returns the bookings' paths and the firm's rating links of each.
func heldBookings(t *testing.T, e *env) (paths, links [2]string) {
	t.Helper()
	nine := nineOClock(t, e)
	firm := e.client().login("firm@test.local")
	for i, start := range []time.Time{nine, nine.Add(75 * time.Minute)} {
		r := firm.post(fmt.Sprintf("/advisors/%d/book", e.fx.Advisor.ID), bookValues(start, "", "data"))
		must(t, r, http.StatusSeeOther)
		paths[i] = r.header.Get("Location")
	}
	if l := e.ratingLinkTo(t, paths[0], "firm@test.local"); l != "" {
		t.Fatalf("a rating link before the consultation was held: %s", l)
	}
	e.setNow(nine.Add(3 * time.Hour))
	adv := e.client().login("advisor@test.local")
	for i, p := range paths {
		must(t, adv.post(p+"/outcome", url.Values{"outcome": {"done"}}), http.StatusSeeOther)
		if links[i] = e.ratingLinkTo(t, p, "firm@test.local"); links[i] == "" {
			t.Fatalf("no rating link for %s in the outbox", p)
		}
	}
	return paths, links
}

// The firm rates by the emailed link while signed out; the advisor sees
// the rating and the comment, escaped; the link does not work twice.
func TestRatingByLink(t *testing.T) {
	e := newEnv(t, twoOpen)
	paths, links := heldBookings(t, e)
	anon := e.client()
	must(t, anon.get(links[0]), http.StatusOK, "rating-form", "Đánh giá buổi tư vấn")
	comment := `<script>alert("x")</script> Rất hữu ích`
	r := anon.post(links[0], url.Values{"rating": {"4"}, "comment": {comment}})
	must(t, r, http.StatusSeeOther)
	must(t, anon.get("/rate/thanks"), http.StatusOK, "đã được ghi nhận")
	rt, err := e.st.FindRating(ctx, bookingIDOf(t, paths[0]))
	if err != nil || rt.Rating != 4 {
		t.Fatalf("rating %+v, %v", rt, err)
	}
	// Used once: refused with a message, not a 500.
	must(t, anon.get(links[0]), http.StatusGone, "đã được dùng")
	must(t, anon.post(links[0], url.Values{"rating": {"1"}}), http.StatusGone, "đã được dùng")
	if rt, _ = e.st.FindRating(ctx, bookingIDOf(t, paths[0])); rt.Rating != 4 {
		t.Fatalf("a spent link changed the rating to %d", rt.Rating)
	}
	adv := e.client().login("advisor@test.local")
	page := adv.get("/schedule")
	must(t, page, http.StatusOK, "my-ratings", "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Rất hữu ích", "4 sao")
	if strings.Contains(page.body, `<script>alert("x")`) {
		t.Fatal("the comment's script reached the page unescaped")
	}
	must(t, adv.get(paths[0]), http.StatusOK, "rating-comment", "&lt;script&gt;")
}

// Attacks on the link: forged, made for another booking, expired, and
// out-of-range ratings; each is refused with a message, never a 500.
func TestRatingLinkAttacks(t *testing.T) {
	e := newEnv(t, twoOpen)
	paths, links := heldBookings(t, e)
	anon := e.client()
	id0, id1 := bookingIDOf(t, paths[0]), bookingIDOf(t, paths[1])
	forged := fmt.Sprintf("/rate/%d/%s", id0, strings.Repeat("A", 43))
	must(t, anon.get(forged), http.StatusGone, "không hợp lệ")
	must(t, anon.post(forged, url.Values{"rating": {"5"}}), http.StatusGone, "không hợp lệ")
	// Booking 0's link on booking 1's address.
	token := links[0][strings.LastIndex(links[0], "/")+1:]
	other := fmt.Sprintf("/rate/%d/%s", id1, token)
	must(t, anon.post(other, url.Values{"rating": {"1"}}), http.StatusGone, "buổi tư vấn khác")
	must(t, anon.get("/rate/x/"+token), http.StatusGone, "không hợp lệ")
	for _, bad := range []string{"0", "6", "-1", "abc", ""} {
		must(t, anon.post(links[0], url.Values{"rating": {bad}}), http.StatusUnprocessableEntity, "từ 1 đến 5")
	}
	if _, err := e.st.FindRating(ctx, id0); err == nil {
		t.Fatal("a refused rating was stored")
	}
	// 30 days later the link has expired.
	e.setNow(e.fx.Clock.Now().Add(31 * 24 * time.Hour))
	must(t, anon.get(links[1]), http.StatusGone, "hết hạn")
	must(t, anon.post(links[1], url.Values{"rating": {"5"}}), http.StatusGone, "hết hạn")
	if _, err := e.st.FindRating(ctx, id1); err == nil {
		t.Fatal("an expired link rated")
	}
}

// From the booking page: only the firm of a held booking rates it, and
// changes its rating once; another firm, an advisor and the Center
// cannot; a booking not held cannot be rated.
func TestRatingFromBookingPage(t *testing.T) {
	e := newEnv(t)
	nine := nineOClock(t, e)
	firm := e.client().login("firm@test.local")
	r := firm.post(fmt.Sprintf("/advisors/%d/book", e.fx.Advisor.ID), bookValues(nine, "", "data"))
	must(t, r, http.StatusSeeOther)
	path := r.header.Get("Location")
	must(t, firm.post(path+"/rating", url.Values{"rating": {"5"}}), http.StatusConflict, "đã diễn ra")
	e.setNow(nine.Add(2 * time.Hour))
	firm = e.client().login("firm@test.local")
	adv := e.client().login("advisor@test.local")
	must(t, adv.post(path+"/outcome", url.Values{"outcome": {"no_show"}}), http.StatusSeeOther)
	must(t, firm.post(path+"/rating", url.Values{"rating": {"5"}}), http.StatusConflict, "đã diễn ra")
	if l := e.ratingLinkTo(t, path, "firm@test.local"); l != "" {
		t.Fatal("a no-show asked for a rating")
	}
	must(t, adv.post(path+"/outcome", url.Values{"outcome": {"done"}}), http.StatusSeeOther)
	storetestFirmUser(t, e, "kho@test.local", e.fx.Kho.ID)
	must(t, e.client().login("kho@test.local").post(path+"/rating", url.Values{"rating": {"1"}}), http.StatusNotFound)
	must(t, adv.post(path+"/rating", url.Values{"rating": {"5"}}), http.StatusForbidden)
	must(t, e.client().login("admin@test.local").post(path+"/rating", url.Values{"rating": {"5"}}), http.StatusForbidden)
	must(t, firm.post(path+"/rating", url.Values{"rating": {"7"}}), http.StatusUnprocessableEntity, "từ 1 đến 5")
	must(t, firm.post(path+"/rating", url.Values{"rating": {"3"}, "comment": {"Được"}}), http.StatusSeeOther)
	must(t, firm.post(path+"/rating", url.Values{"rating": {"4"}, "comment": {"Tốt hơn tôi nghĩ"}}), http.StatusSeeOther)
	must(t, firm.post(path+"/rating", url.Values{"rating": {"1"}}), http.StatusConflict, "đã được thay đổi một lần")
	page := firm.get(path)
	must(t, page, http.StatusOK, "4 sao", "Tốt hơn tôi nghĩ")
	if strings.Contains(page.body, "booking-rating-form") {
		t.Fatal("the form is drawn after the one change")
	}
	// The emailed link, unused, no longer works once the booking page rated.
	if l := e.ratingLinkTo(t, path, "firm@test.local"); l != "" {
		must(t, e.client().get(l), http.StatusGone)
	}
}

func storetestFirmUser(t *testing.T, e *env, email string, firmID int64) {
	t.Helper()
	u := &auth.User{Email: email, Name: "Kho", Role: auth.RoleFirm, Status: auth.StatusActive, FirmID: firmID, Lang: "vi",
		PasswordHash: e.fx.FirmUser.PasswordHash, EmailVerified: true, FirmVerified: true}
	if err := e.st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
}

// An advisor reads their own ratings only.
func TestAdvisorSeesOnlyOwnRatings(t *testing.T) {
	e := newEnv(t, twoOpen)
	paths, links := heldBookings(t, e)
	must(t, e.client().post(links[0], url.Values{"rating": {"2"}, "comment": {"Chuyên gia đến muộn"}}), http.StatusSeeOther)
	other := e.addAdvisor(t, "adv2@test.local")
	c := e.client().login("adv2@test.local")
	page := c.get("/schedule")
	must(t, page, http.StatusOK, "my-ratings")
	if strings.Contains(page.body, "Chuyên gia đến muộn") {
		t.Fatal("another advisor's rating is on the schedule")
	}
	must(t, c.get(fmt.Sprintf("/schedule?advisor=%d", e.fx.Advisor.ID)), http.StatusForbidden)
	must(t, c.get(paths[0]), http.StatusNotFound)
	// The Center's view of an advisor's schedule does not list the comments
	// (the quality page has the means); the advisor's own does.
	must(t, e.client().login("advisor@test.local").get("/schedule"), http.StatusOK, "Chuyên gia đến muộn")
	_ = other
}

// The quality page is the Center's: others get 403 or 404, the signed out
// the sign-in page; it counts a rating.
func TestQualityPageAccess(t *testing.T) {
	e := newEnv(t, twoOpen)
	submitWorst(t, e, e.client().login("firm@test.local"))
	_, links := heldBookings(t, e)
	must(t, e.client().post(links[0], url.Values{"rating": {"4"}}), http.StatusSeeOther)
	r := e.client().get("/center/quality")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Fatalf("signed out: %d %s", r.status, r.header.Get("Location"))
	}
	for _, who := range []string{"firm@test.local", "lead@test.local", "advisor@test.local"} {
		if got := e.client().login(who).get("/center/quality"); got.status != http.StatusForbidden && got.status != http.StatusNotFound {
			t.Fatalf("%s: %d", who, got.status)
		}
	}
	page := e.client().login("admin@test.local").get("/center/quality")
	must(t, page, http.StatusOK, "quality-quarters", "2026-Q4", "100%", "1 lượt, chưa đủ", "quality-wait", "Trung vị: 0,0 ngày, trên 1 doanh nghiệp")
	must(t, e.client().login("admin@test.local").get("/center"), http.StatusOK, `href="/center/quality"`)
}

// The score change of a pillar is shown only over disclosure.MinGroup
// firms: four firms' mean would let one of them (or someone who knows
// three) read the fourth's change.
func TestScoreChangeNeedsAGroup(t *testing.T) {
	e := newEnv(t)
	in, loc := e.web.defaultInstrument(), e.web.bundle.For("en")
	pl := in.Pillars[0].ID
	rows := changeRows([]store.PillarChange{{Pillar: pl, N: disclosure.MinGroup - 1, Sum: 40}, {Pillar: pl, N: disclosure.MinGroup, Sum: 50}}, in, loc)
	if !rows[0].Suppressed || rows[0].Mean != "" || rows[0].N != disclosure.MinGroup-1 {
		t.Fatalf("a group of %d: %+v", disclosure.MinGroup-1, rows[0])
	}
	if rows[1].Suppressed || rows[1].Mean != "+10.0" || rows[1].Name != in.Pillars[0].Name.In("en") {
		t.Fatalf("a group of %d: %+v", disclosure.MinGroup, rows[1])
	}
}
