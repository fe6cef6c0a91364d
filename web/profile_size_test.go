package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"dxready/firms"
)

// ATTACK (issue 13, point 1): the amount is read in the language of the
// request that posts it, not of the form the user typed it in. A user
// fills the profile in English ("2,500" = two thousand five hundred
// billion), switches another tab to Vietnamese, then saves: the same
// text now reads 2,5 billion, a thousand times less, and is stored
// without a word.
func TestMoneyReadInTheFormsNumberLanguage(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("firm@test.local")
	must(t, c.get("/profile/edit?lang=en"), http.StatusOK, `value="Công ty TNHH Gỗ Đức Thành"`, `name="numbers" value="en"`)
	// Another tab switches the language back.
	must(t, c.post("/language", url.Values{"lang": {"vi"}, "next": {"/profile"}}), http.StatusSeeOther)
	// The English form, as the user typed it, is saved.
	r := c.post("/profile/edit", profileForm("revenue", "2,500", "capital", "9", "numbers", "en"))
	if r.status != http.StatusSeeOther {
		t.Fatalf("status %d", r.status)
	}
	if r.status == http.StatusSeeOther {
		f, _ := e.st.FindFirmByID(ctx, e.fx.GoDuc.ID)
		if f.Size.RevenueVND != 2_500_000_000_000 {
			t.Fatalf("typed 2,500 (billion, in English) on the English form; stored %d đồng (%s billion)",
				f.Size.RevenueVND, firms.FormatBillionVND(f.Size.RevenueVND, "en"))
		}
	}
}

// The other way round, and the preview: Vietnamese "1.000" (a thousand
// billion) typed on the Vietnamese form is not read as English 1 when the
// language is English by the save. A form drawn again keeps the language
// its amounts were typed in.
func TestMoneyReadInTheFormsNumberLanguageBothWays(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("firm@test.local")
	must(t, c.get("/profile/edit"), http.StatusOK, `name="numbers" value="vi"`)
	must(t, c.post("/language", url.Values{"lang": {"en"}, "next": {"/profile"}}), http.StatusSeeOther)
	// Drawn again (the year is wrong): the English page keeps "vi" for what was typed.
	must(t, c.post("/profile/edit", profileForm("revenue", "1.000", "numbers", "vi", "year", "abc")), http.StatusUnprocessableEntity,
		`name="numbers" value="vi"`, `value="1.000"`)
	must(t, c.post("/profile/edit", profileForm("revenue", "1.000", "numbers", "vi")), http.StatusSeeOther)
	if f, _ := e.st.FindFirmByID(ctx, e.fx.GoDuc.ID); f.Size.RevenueVND != 1_000_000_000_000 {
		t.Fatalf("typed 1.000 (billion, in Vietnamese); stored %d đồng", f.Size.RevenueVND)
	}
	// The preview reads the amounts as the form does: 60 staff and a
	// thousand billion are large in manufacturing, 1 billion would be small.
	for numbers, want := range map[string]string{"vi": "large", "en": "small"} {
		r := c.get("/profile/size?" + url.Values{"vsic": {"3100"}, "employees": {"60"}, "revenue": {"1.000"}, "capital": {"1.000"}, "numbers": {numbers}}.Encode())
		must(t, r, http.StatusOK, `"class":"`+want+`"`)
	}
}

// ATTACK: a forged or missing number language is the request's, never a
// 500: the amounts are read as the page's language writes them.
func TestMoneyNumberLanguageForged(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("firm@test.local")
	for _, forged := range []string{"", "fr", "EN", "vi ", "<script>", "en\x00", strings.Repeat("e", 5000)} {
		r := c.post("/profile/edit", profileForm("revenue", "2,5", "numbers", forged))
		if r.status != http.StatusSeeOther {
			t.Fatalf("%q: status %d", forged, r.status)
		}
		if f, _ := e.st.FindFirmByID(ctx, e.fx.GoDuc.ID); f.Size.RevenueVND != 2_500_000_000 {
			t.Errorf("%q: 2,5 on a Vietnamese page stored as %d đồng", forged, f.Size.RevenueVND)
		}
		must(t, c.get("/profile/size?"+url.Values{"vsic": {"3100"}, "employees": {"1"}, "revenue": {"2,5"}, "capital": {"1"}, "numbers": {forged}}.Encode()),
			http.StatusOK, `"class":"micro"`)
	}
}

// ATTACK (issue 13, point 1): the live size preview searches the VSIC
// names with every word typed, for each keystroke, with no bound on the
// words: a firm user (an unverified claimant too) sends one GET of
// ~450,000 words (under net/http's 1 MB header limit) that every name contains, and holds a core.
func TestSizePreviewBoundsTheIndustrySearch(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("firm@test.local")
	words := strings.TrimSpace(strings.Repeat("s ", 450_000)) // "s": the start of a word in most names ("sản xuất", "services")
	start := time.Now()
	r := c.get("/profile/size?" + url.Values{"vsic": {words}, "employees": {"1"}, "revenue": {"1"}, "capital": {"1"}}.Encode())
	took := time.Since(start)
	if r.status != http.StatusOK && r.status != http.StatusBadRequest && r.status != http.StatusRequestURITooLong &&
		r.status != http.StatusRequestHeaderFieldsTooLarge && r.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d: %.300s", r.status, r.body)
	}
	// A bound, not a speed test: one keystroke's answer in a second on a shared 2-core machine.
	t.Logf("status %d, %v", r.status, took)
	if took > time.Second {
		t.Fatalf("one preview of %d bytes took %v", len(words), took)
	}
}

// The text too long to search is refused with a message, in the preview
// and at the save's industry field, in the user's language, and nothing
// is stored.
func TestIndustryTextTooLongIsSaid(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("firm@test.local")
	long := strings.Repeat("sản xuất ", 40)
	r := c.get("/profile/size?" + url.Values{"vsic": {long}, "employees": {"1"}, "revenue": {"1"}, "capital": {"1"}}.Encode())
	must(t, r, http.StatusOK, "Nội dung quá dài để tìm", `"class":""`)
	before, _ := e.st.FindFirmByID(ctx, e.fx.GoDuc.ID)
	r = c.post("/profile/edit", profileForm("vsic", long))
	must(t, r, http.StatusUnprocessableEntity, "Nội dung quá dài để tìm")
	if !strings.Contains(between(r.body, `id="vsic"`, `id="ward"`), "Nội dung quá dài để tìm") {
		t.Errorf("the message is not at the industry field: %.600s", between(r.body, `id="vsic"`, `id="ward"`))
	}
	if after, _ := e.st.FindFirmByID(ctx, e.fx.GoDuc.ID); after.VSICCode != before.VSICCode {
		t.Errorf("stored %q", after.VSICCode)
	}
	r = c.get("/profile/size?" + url.Values{"vsic": {long}, "lang": {"en"}}.Encode())
	must(t, r, http.StatusOK, "too long to search")
}
