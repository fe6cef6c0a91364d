package web

import (
	"net/http"
	"strings"
	"testing"
)

// The Center sees on a firm's page who holds the firm and who claims it,
// with whether each address is confirmed and a way to the claims queue; a
// lead of the firm's association, who may see the record, sees none of it.
func TestCenterSeesTheFirmsAccountsAndClaims(t *testing.T) {
	e := newEnv(t)
	registerAs(t, e, "3709000012", "", "la@example.vn", "vi") // a claim on GoDuc, which has a verified user
	page := "/firms/" + itoa(e.fx.GoDuc.ID)
	r := e.client().login(e.fx.Admin.Email).get(page)
	must(t, r, http.StatusOK, `id="firm-users"`, e.fx.FirmUser.Email, "la@example.vn", `href="/admin/claims"`)
	row := r.body[strings.Index(r.body, "la@example.vn"):]
	row = row[:strings.Index(row, "</tr>")]
	if !strings.Contains(row, "rồi") || !strings.Contains(row, "quyết định") {
		t.Fatalf("the claimant's row lacks the confirmed address or the way to decide: %s", row)
	}
	storeLead := e.client().login(e.fx.Lead.Email)
	if r := storeLead.get(page); r.status == http.StatusOK && (strings.Contains(r.body, "la@example.vn") || strings.Contains(r.body, `id="firm-users"`)) {
		t.Fatal("a lead sees the firm's accounts")
	}
}
