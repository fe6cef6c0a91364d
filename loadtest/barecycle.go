package loadtest

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// The bare cycle is the floor of a firm cycle on this machine: an
// in-process net/http server answers the very requests of the cycle
// (POST start → 303 → step 1; each step POST → 303 → the next page; the
// last → the review; POST submit → 303 → the result) with pre-built pages
// of the sizes the real cycle's pages had, and each post commits one
// SQLite transaction of as many rows as the real save writes (the start
// one draft, a step its answers, the submit one), on a scratch database
// under the store's settings. The same clients and the same cycle code
// drive it. No portal can run its cycle faster than this on this machine.

// pageSizes are the sizes of a cycle's pages by kind ("step/1" … "review",
// "result": the path after /assessment/ID/).
type pageSizes map[string]int

// fallbackSizes are the cycle's pages as the 68,000-firm demo showed a
// new firm (run loadtool-1, December 2026: a step 10-13 kB, not the 86 kB
// once guessed); the bare cycle uses them for a kind the cycle phase
// showed no client, and "step" for a step beyond these.
var fallbackSizes = pageSizes{"step/1": 12_600, "step/2": 10_500, "step/3": 11_700, "step/4": 9_700, "step/5": 10_700,
	"step/6": 11_100, "step": 11_000, "review": 22_700, "result": 14_800}

// pageKind is the kind of a draft's page at path: what follows
// /assessment/ID/.
func pageKind(path string) (string, bool) {
	const pre = "/assessment/"
	rest, ok := strings.CutPrefix(path, pre)
	if !ok {
		return "", false
	}
	id, kind, ok := strings.Cut(rest, "/")
	if !ok || id == "" || strings.Trim(id, "0123456789") != "" || kind == "" {
		return "", false
	}
	return kind, true
}

// noteSize remembers the size of the page of a draft it was last shown.
func (c *loadClient) noteSize(path string, n int) {
	if c.sizes == nil {
		return
	}
	if kind, ok := pageKind(path); ok {
		c.sizes[kind] = n
	}
}

// cycleSizes are the sizes the clients were last shown each page of a
// draft, averaged over the clients.
func cycleSizes(cs []*loadClient) pageSizes {
	sum, n := map[string]int{}, map[string]int{}
	for _, c := range cs {
		for k, v := range c.sizes {
			sum[k] += v
			n[k]++
		}
	}
	out := pageSizes{}
	for k := range sum {
		out[k] = sum[k] / n[k]
	}
	return out
}

// size is the size of a page of kind, from the fallback when it was
// never shown.
func (s pageSizes) size(kind string) int {
	if n, ok := s[kind]; ok {
		return n
	}
	if n, ok := fallbackSizes[kind]; ok {
		return n
	}
	return fallbackSizes["step"]
}

// String lists the sizes in the cycle's order.
func (s pageSizes) String(steps int) string {
	var b strings.Builder
	for _, k := range cycleKinds(steps) {
		_, seen := s[k]
		fmt.Fprintf(&b, " %s %.1f kB", k, float64(s.size(k))/1000)
		if !seen {
			b.WriteString(" (not shown: the demo's)")
		}
	}
	return strings.TrimSpace(b.String())
}

// cycleKinds are the pages of a cycle of an instrument of steps steps.
func cycleKinds(steps int) []string {
	var out []string
	for i := 1; i <= steps; i++ {
		out = append(out, "step/"+strconv.Itoa(i))
	}
	return append(out, "review", "result")
}

// bareAssets are the pre-built pages' stylesheet, script and icon.
var bareAssets = []string{"/static/css/app.0000.css", "/static/js/app.0000.js", "/static/img/favicon.0000.svg"}

// barePage is a page of exactly size bytes (or its head and tail alone,
// when larger) naming the bare assets, holding extra, and filled with
// survey-like markup.
func barePage(size int, extra string) []byte {
	var b bytes.Buffer
	b.WriteString(`<!doctype html><html lang="vi"><head><meta charset="utf-8">`)
	fmt.Fprintf(&b, `<link rel="icon" href="%s"><link rel="stylesheet" href="%s"><script src="%s" defer></script></head><body>`,
		bareAssets[2], bareAssets[0], bareAssets[1])
	b.WriteString(extra)
	const tail = "</body></html>\n"
	const fill = `<li><label><input type="radio" name="q.x" value="opt-1"> Doanh nghiệp đã số hoá quy trình</label></li>` + "\n"
	for b.Len()+len(tail) < size {
		b.WriteString(fill[:min(len(fill), size-len(tail)-b.Len())])
	}
	b.WriteString(tail)
	return b.Bytes()
}

// bareServer is the bare cycle's server: pre-built pages and one SQLite
// transaction a post.
type bareServer struct {
	db           *sql.DB
	pages        map[string][]byte // by kind
	steps        int
	drafts       atomic.Int64
	posts, views atomic.Int64 // answered, counted for the tests
	assets       atomic.Int64
	rows         atomic.Int64 // written
}

func (b *bareServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case slices.Contains(bareAssets, r.URL.Path):
		b.assets.Add(1)
		w.Header().Set("Content-Type", "text/css")
		w.Write([]byte("/* asset */\n"))
	case r.Method == http.MethodPost:
		b.post(w, r)
	case r.Method == http.MethodGet:
		kind, _ := pageKind(r.URL.Path)
		page, ok := b.pages[kind]
		if !ok {
			http.NotFound(w, r)
			return
		}
		b.views.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	default:
		http.NotFound(w, r)
	}
}

// newBareServer builds the bare cycle's pages for an instrument of steps
// steps, of sizes, and its scratch database in the system's temporary
// directory; cleanup removes it.
func newBareServer(ctx context.Context, sizes pageSizes, steps int) (b *bareServer, cleanup func(), err error) {
	dir, err := os.MkdirTemp("", "dxready-load-bare-")
	if err != nil {
		return nil, nil, err
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "cycle.db")+"?"+storePragmas+"&_txlock=immediate")
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	cleanup = func() { db.Close(); os.RemoveAll(dir) }
	db.SetMaxOpenConns(1) // one writer, as the portal has
	for _, ddl := range []string{
		"CREATE TABLE responses (id INTEGER PRIMARY KEY, status TEXT NOT NULL, updated_at TEXT NOT NULL)",
		"CREATE TABLE answers (response INTEGER NOT NULL, question TEXT NOT NULL, value TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (response, question))",
	} {
		if _, err := db.ExecContext(ctx, ddl); err != nil {
			cleanup()
			return nil, nil, fmt.Errorf("load: the bare cycle's database: %w", err)
		}
	}
	b = &bareServer{db: db, pages: map[string][]byte{}, steps: steps}
	for _, k := range cycleKinds(steps) {
		extra := ""
		if k == "review" {
			extra = `<form method="post"><input type="hidden" name="version" value="0a1b2c3d4e5f">`
		}
		b.pages[k] = barePage(sizes.size(k), extra)
	}
	return b, cleanup, nil
}

// post answers a post of the cycle as the portal does, a 303 to the page
// that follows, after one transaction.
func (b *bareServer) post(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	to, err := b.save(r.Context(), r.URL.Path, r.PostForm)
	switch {
	case errors.Is(err, errNoRoute):
		http.NotFound(w, r)
	case err != nil:
		http.Error(w, "the bare cycle's database failed", http.StatusInternalServerError)
	default:
		b.posts.Add(1)
		http.Redirect(w, r, to, http.StatusSeeOther)
	}
}

var errNoRoute = errors.New("load: not a post of the cycle")

// save writes what the post at path saves, one statement in one
// transaction, and returns where it leads: the start one draft, a step
// one answer per question it posts, the submit the draft's status.
func (b *bareServer) save(ctx context.Context, path string, form url.Values) (string, error) {
	now := time.Now().UTC().Format(time.RFC3339Nano)
	if path == "/assessment" {
		id := b.drafts.Add(1)
		return fmt.Sprintf("/assessment/%d/step/1", id), b.tx(ctx, 1, "INSERT INTO responses (id, status, updated_at) VALUES (?, 'draft', ?)", id, now)
	}
	kind, ok := pageKind(path)
	id, _ := draftIn(path)
	n, err := strconv.Atoi(strings.TrimPrefix(kind, "step/"))
	switch {
	case ok && kind == "submit":
		return fmt.Sprintf("/assessment/%d/result", id), b.tx(ctx, 1, "UPDATE responses SET status = 'submitted', updated_at = ? WHERE id = ?", now, id)
	case !ok || !strings.HasPrefix(kind, "step/") || err != nil || n < 1 || n > b.steps:
		return "", errNoRoute
	}
	to := fmt.Sprintf("/assessment/%d/step/%d", id, n+1)
	if n == b.steps {
		to = fmt.Sprintf("/assessment/%d/review", id)
	}
	var args []any
	for k, v := range form {
		if q, ok := strings.CutPrefix(k, "q."); ok {
			args = append(args, id, q, strings.Join(v, ","), now)
		}
	}
	if len(args) == 0 {
		return to, nil
	}
	stmt := "INSERT INTO answers (response, question, value, at) VALUES (?, ?, ?, ?)" + strings.Repeat(", (?, ?, ?, ?)", len(args)/4-1) +
		" ON CONFLICT (response, question) DO UPDATE SET value = excluded.value, at = excluded.at"
	return to, b.tx(ctx, len(args)/4, stmt, args...)
}

// tx runs stmt, which writes rows rows, in a transaction of its own.
func (b *bareServer) tx(ctx context.Context, rows int, stmt string, args ...any) error {
	tx, err := b.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, stmt, args...); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	b.rows.Add(int64(rows))
	return nil
}

// drive runs the cycle against b with clients clients, as the cycle
// phase runs it against the portal: lt's instrument, duration and
// request budget.
func (b *bareServer) drive(ctx context.Context, lt *loadTest, clients int) (phase, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return phase{}, err
	}
	srv := &http.Server{Handler: b, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	blt := &loadTest{base: "http://" + ln.Addr().String(), in: lt.in, duration: lt.duration, maxReq: lt.maxReq}
	cs := blt.newClients(clients) // the very clients of the cycle phase (wire.go): the floor is the same client's
	defer closeClients(cs)
	return blt.run(ctx, cs, blt.cycle), nil
}

// bareCycle measures the bare cycle with pages of sizes.
func (lt *loadTest) bareCycle(ctx context.Context, clients int, sizes pageSizes) (phase, error) {
	b, cleanup, err := newBareServer(ctx, sizes, len(lt.in.Pillars))
	if err != nil {
		return phase{}, err
	}
	defer cleanup()
	return b.drive(ctx, lt, clients)
}
