package web

import (
	"net/http"
	"testing"

	"dxready/store/storetest"
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

// eyes13 §3.1: the glossary names the levels as the instrument does (its
// first and last), and says two-step codes are optional for advisors and
// leads, as they are.
func TestGlossaryAgreesWithTheInstrument(t *testing.T) {
	e := newEnv(t)
	in := storetest.Instrument(t)
	first, last := in.Levels[0].Name, in.Levels[len(in.Levels)-1].Name
	must(t, e.client().get("/glossary?lang=vi"), http.StatusOK, "mức 0 ("+first.In("vi")+")", "mức 5 ("+last.In("vi")+")", "tuỳ chọn với chuyên gia và người phụ trách")
	must(t, e.client().get("/glossary?lang=en"), http.StatusOK, "level 0 ("+first.In("en")+")", "level 5 ("+last.In("en")+")", "optional for advisors and leads")
}
