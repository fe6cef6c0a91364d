package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"dxready/store/storetest"
)

// TestMemberListNamesFiltersItDidNotUnderstand: a status or an order the
// member list does not offer is named to the lead, in their language,
// value and all (escaped, cut to 40 characters), and the list is the
// unfiltered one (in name order); known values and empty ones say nothing.
func TestMemberListNamesFiltersItDidNotUnderstand(t *testing.T) {
	e := newEnv(t)
	storetest.SevenWoodFirms(t, e.st, e.fx, storetest.Instrument(t))
	lead := e.client().login("lead@test.local")
	all := lead.get(assocPath(e.fx.Wood.ID, "/members?lang=en"))
	must(t, all, http.StatusOK, "9 members")
	long := strings.Repeat("ư", 60)
	for _, tc := range []struct{ query, vi, en string }{
		{"status=bogus", "Bộ lọc “Tình trạng” không có lựa chọn “bogus”", "The filter “Status” has no choice “bogus”"},
		{"sort=bogus", "Bộ lọc “Sắp xếp theo” không có lựa chọn “bogus”", "The filter “Order by” has no choice “bogus”"},
		{"status=%3Cscript%3Ex", "“&lt;script&gt;x”", "“&lt;script&gt;x”"},
		{"status=" + url.QueryEscape(long), "“" + long[:80] + "…”", "“" + long[:80] + "…”"},
	} {
		for lang, want := range map[string]string{"vi": tc.vi, "en": tc.en} {
			r := lead.get(assocPath(e.fx.Wood.ID, "/members?"+tc.query+"&lang="+lang))
			must(t, r, http.StatusOK, want, `role="alert"`)
			if strings.Contains(r.body, "<script>") || strings.Contains(r.body, long[:82]) {
				t.Errorf("%s: the value was not escaped or not cut", tc.query)
			}
			if lang == "en" && memberRowsOf(r.body) != memberRowsOf(all.body) {
				t.Errorf("%s: the list is not the unfiltered one", tc.query)
			}
		}
	}
	for _, q := range []string{"", "status=", "status=draft", "sort=score&desc=1", "sort=", "status=none&sort=status"} {
		if r := lead.get(assocPath(e.fx.Wood.ID, "/members?"+q)); r.status != http.StatusOK || strings.Contains(r.body, "unknown-filter") {
			t.Errorf("%q: %d, or a filter it understood was named as not understood", q, r.status)
		}
	}
}

// memberRowsOf is the member table of a member list page.
func memberRowsOf(body string) string {
	start := strings.Index(body, `id="member-table"`)
	end := strings.Index(body, "</table>")
	if start < 0 || end < start {
		return ""
	}
	return body[start:end]
}
