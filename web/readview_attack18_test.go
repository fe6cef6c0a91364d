package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
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
