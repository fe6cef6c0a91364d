package loadtest

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"time"
)

// storePragmas are store.Pragmas (the tool imports no store; a test holds
// the two equal): the raw SQLite baseline commits under the portal's
// settings.
const storePragmas = "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
	"&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_pragma=mmap_size(0)&_pragma=cache_size(-16000)"

// baseline measures a bare net/http handler on loopback with the same
// number of clients, for the same wall time, for the ratio.
func baseline(ctx context.Context, clients int, d time.Duration, maxReq int64) phase {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return phase{}
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusNoContent)
	}), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	lt := &loadTest{base: "http://" + ln.Addr().String(), duration: d, maxReq: maxReq}
	cs := make([]*loadClient, clients)
	for i := range cs {
		cs[i] = newLoadClient(lt.base, &lt.counts) // the client the portal's phases use (wire.go), so the ratio is fair
	}
	defer closeClients(cs)
	return lt.run(ctx, cs, func(ctx context.Context, c *loadClient, _ *rand.Rand, rec func(string, time.Duration, bool)) error {
		_, err := timed(ctx, c, "/", url.Values{"question": {"x"}}, "bare", http.StatusNoContent, rec)
		return err
	})
}

// commitLoop measures a raw SQLite commit loop for d of wall time: one
// writer, as the portal has, each commit a transaction of one insert of a
// row the size of an answer, in a scratch database in the system's
// temporary directory, opened with the store's settings.
// What the portal does per write is compared against it.
func commitLoop(ctx context.Context, d time.Duration, maxReq int64) (phase, error) {
	dir, err := os.MkdirTemp("", "dxready-load-sqlite-")
	if err != nil {
		return phase{}, err
	}
	defer os.RemoveAll(dir)
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "commits.db")+"?"+storePragmas+"&_txlock=immediate")
	if err != nil {
		return phase{}, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, "CREATE TABLE answers (id INTEGER PRIMARY KEY, response INTEGER NOT NULL, question TEXT NOT NULL, value TEXT NOT NULL, at TEXT NOT NULL)"); err != nil {
		return phase{}, fmt.Errorf("load: the SQLite baseline: %w", err)
	}
	rec := &recorder{out: samples{}}
	start := time.Now()
	for i := int64(0); time.Since(start) < d && i < maxReq && ctx.Err() == nil; i++ {
		t0 := time.Now()
		err := commitOne(ctx, db, i)
		rec.record("commit", time.Since(t0), err == nil)
	}
	return phase{samples: rec.out, wall: time.Since(start)}, nil
}

func commitOne(ctx context.Context, db *sql.DB, i int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO answers (response, question, value, at) VALUES (?, ?, ?, ?)",
		i%1000, fmt.Sprintf("q%02d", i%42), "opt-3", time.Now().UTC().Format(time.RFC3339Nano)); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
