package web

import (
	"net/http"
	"testing"
)

// The glossary page lists every term with its definition in the reader's
// language and the other language's name beside it; the footer links it.
func TestGlossaryPage(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	must(t, c.get("/?lang=en"), http.StatusOK, `href="/glossary"`)
	must(t, c.get("/glossary?lang=en"), http.StatusOK, "overall score", `lang="vi">(điểm chung)`, "association lead", "The sum of the values divided by their number")
	must(t, c.get("/glossary?lang=vi"), http.StatusOK, "người phụ trách", `lang="en">(association lead)`, "Tổng các giá trị chia cho số giá trị")
}
