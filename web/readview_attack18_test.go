package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"dxready/store/storetest"
)

// blockedWriter is a client that does not read: the page's first Write
// waits until release is closed.
type blockedWriter struct {
	*httptest.ResponseRecorder
	writing chan struct{}
	release chan struct{}
	once    sync.Once
}

func (w *blockedWriter) Write(b []byte) (int, error) {
	w.once.Do(func() { close(w.writing) })
	<-w.release
	return w.ResponseRecorder.Write(b)
}

// A page read in one read view must not keep the view's read transaction
// while it is sent: a slow client (up to the server's WriteTimeout, two
// minutes) would hold one of the few reader connections views may take
// and pin the WAL at its snapshot, so no checkpoint could reset it
// however much others write meanwhile. The result, the review and the
// start all read in a view.
func TestAttack18ASlowClientDoesNotHoldTheReadView(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("firm@test.local")
	id, _ := submitWorst(t, e, c)
	u, _ := url.Parse(e.srv.URL)
	req := httptest.NewRequest("GET", fmt.Sprintf("/assessment/%d/result", id), nil)
	for _, ck := range c.c.Jar.Cookies(u) {
		req.AddCookie(ck)
	}
	w := &blockedWriter{ResponseRecorder: httptest.NewRecorder(), writing: make(chan struct{}), release: make(chan struct{})}
	done := make(chan struct{})
	go func() { defer close(done); e.web.Handler().ServeHTTP(w, req) }()
	<-w.writing
	// Another tool writes while the page is being sent, then checkpoints.
	db := rawDB(t, e)
	rawExec(t, db, "UPDATE firms SET name = name || '' WHERE id = ?", e.fx.GoDuc.ID)
	var busy, logged, moved int
	err := db.QueryRow("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logged, &moved)
	close(w.release)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	if w.Code != http.StatusOK {
		t.Fatalf("result: %d", w.Code)
	}
	if busy != 0 {
		t.Errorf("while the result page was being sent, a checkpoint was blocked (busy %d, %d of %d frames): the page's read view is still open", busy, moved, logged)
	}
}

// Twenty requests at once on the pages that read in a view (the result,
// the review, the start) with four reader connections: none waits for
// ever, and each page is what it is alone.
func TestAttack18ManyViewsAtOnce(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("firm@test.local")
	id, _ := submitWorst(t, e, c)
	storetest.FirmUser(t, e.st, "noithat@test.local", e.fx.NoiThat.ID)
	o := e.client().login("noithat@test.local")
	start := o.post("/assessment", nil)
	must(t, start, http.StatusSeeOther)
	result, review := fmt.Sprintf("/assessment/%d/result", id), strings.Replace(strings.SplitN(start.header.Get("Location"), "#", 2)[0], "step/1", "review", 1)
	c.get(result) // the submission's flash shown once
	o.get(review)
	want := map[string]resp{result: c.get(result), review: o.get(review)}
	must(t, want[result], http.StatusOK)
	must(t, want[review], http.StatusOK)
	if again := c.get(result); again.body != want[result].body {
		t.Fatalf("result twice in a row differs:\n%s", firstDifference(again.body, want[result].body))
	}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			switch i % 3 {
			case 0:
				if got := c.get(result); got.status != 200 || got.body != want[result].body {
					t.Errorf("result at once: %d, differs: %v", got.status, got.body != want[result].body)
				}
			case 1:
				if got := o.get(review); got.status != 200 || got.body != want[review].body {
					t.Errorf("review at once: %d, differs: %v", got.status, got.body != want[review].body)
				}
			default:
				if got := o.post("/assessment", nil); got.status != http.StatusSeeOther || got.header.Get("Location") != start.header.Get("Location") {
					t.Errorf("start at once: %d %s, first %s", got.status, got.header.Get("Location"), start.header.Get("Location"))
				}
			}
		})
	}
	wg.Wait()
}
