package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// openCheckpointed opens a store on a fresh file with opt's test settings
// and a table to write blobs into.
func openCheckpointed(t *testing.T, opt Options) (*Store, string) {
	t.Helper()
	path := t.TempDir() + "/ck.db"
	opt.Clock = time.Now
	s, err := Open(context.Background(), path, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.w.ExecContext(context.Background(), "CREATE TABLE ck_blobs (b BLOB)"); err != nil {
		t.Fatal(err)
	}
	return s, path
}

// writeBlobs commits n transactions of one blob of size bytes each.
func writeBlobs(t *testing.T, s *Store, n, size int) {
	t.Helper()
	for range n {
		if _, err := s.w.ExecContext(context.Background(), "INSERT INTO ck_blobs (b) VALUES (randomblob(?))", size); err != nil {
			t.Fatal(err)
		}
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// waitFor polls cond for up to a minute (a hang guard, not a timing).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 6000 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("gave up waiting: %s", what)
}

// A commit's pages reach the database file through the checkpointer soon
// after it, though the log is far below the writer's own threshold: the
// writer does not checkpoint (and sync) them itself.
func TestCheckpointerCopiesTheLogOffTheWriter(t *testing.T) {
	s, path := openCheckpointed(t, Options{checkpointGap: time.Millisecond})
	var backstop int
	if err := s.w.QueryRowContext(context.Background(), "PRAGMA wal_autocheckpoint").Scan(&backstop); err != nil {
		t.Fatal(err)
	}
	if backstop != walBackstopPages {
		t.Errorf("the writer checkpoints at %d pages, want its backstop %d", backstop, walBackstopPages)
	}
	before := fileSize(t, path)
	writeBlobs(t, s, 1, 1<<20) // 256 pages: a quarter of SQLite's default threshold
	waitFor(t, "the checkpointer to copy the blob into the database file", func() bool {
		return fileSize(t, path) >= before+1<<20
	})
	waitFor(t, "a checkpoint that copied the whole log", func() bool {
		last := s.ckpt.last.Load()
		return last != nil && last.logged > 0 && last.moved == last.logged
	})
}

// An attack on its stop: a checkpointer that has been woken and waits out
// a long gap does not keep Close waiting; the closed store leaves no log
// behind (the last connection checkpointed it all).
func TestCloseDoesNotWaitOutTheCheckpointersGap(t *testing.T) {
	path := t.TempDir() + "/ck.db"
	s, err := Open(context.Background(), path, Options{Clock: time.Now, checkpointGap: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(context.Background(), "CREATE TABLE ck_blobs (b BLOB)"); err != nil {
		t.Fatal(err)
	}
	writeBlobs(t, s, 3, 64<<10)
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute): // a hang guard, not a timing
		t.Fatal("Close waited for the checkpointer's gap")
	}
	if _, err := os.Stat(path + "-wal"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the log is still there after Close: %v", err)
	}
	s.ckpt.committed() // a commit hook after Close does not block or panic
}

// Checkpoints that fail are logged once when they start failing and once
// when they work again, not at every commit; the writes go on meanwhile.
func TestCheckpointFailuresAreLoggedWhenTheyStartAndWhenTheyEnd(t *testing.T) {
	var logged bytes.Buffer
	var mu sync.Mutex
	fails := 3
	run := func(ctx context.Context, db *sql.DB) (walCheckpoint, error) {
		mu.Lock()
		defer mu.Unlock()
		if fails > 0 {
			fails--
			return walCheckpoint{}, errors.New("disk on fire")
		}
		return passiveCheckpoint(ctx, db)
	}
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &logged, mu: &mu}, nil))
	s, _ := openCheckpointed(t, Options{checkpointGap: time.Millisecond, checkpoint: run, Logger: logger})
	for i := range 6 {
		runs := s.ckpt.runs.Load()
		writeBlobs(t, s, 1, 4096)
		waitFor(t, "a checkpoint after a commit", func() bool { return s.ckpt.runs.Load() > runs })
		if i == 5 {
			break
		}
	}
	mu.Lock()
	out := logged.String()
	mu.Unlock()
	if n := strings.Count(out, "disk on fire"); n != 1 {
		t.Errorf("the failure was logged %d times, want once:\n%s", n, out)
	}
	if n := strings.Count(out, "work again"); n != 1 {
		t.Errorf("the recovery was logged %d times, want once:\n%s", n, out)
	}
	var rows int
	if err := s.r.QueryRowContext(context.Background(), "SELECT count(*) FROM ck_blobs").Scan(&rows); err != nil || rows != 6 {
		t.Errorf("rows written while checkpoints failed: %d, %v; want 6", rows, err)
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// An attack on the log's size: a checkpointer that hangs (here, until the
// store closes) leaves the log bounded by the writer's backstop, not
// growing with every commit.
func TestTheWritersBackstopBoundsTheLogWhenTheCheckpointerHangs(t *testing.T) {
	hang := func(ctx context.Context, _ *sql.DB) (walCheckpoint, error) {
		<-ctx.Done()
		return walCheckpoint{}, ctx.Err()
	}
	const backstop = 50 // pages
	s, path := openCheckpointed(t, Options{checkpointGap: time.Millisecond, checkpoint: hang, walBackstop: backstop})
	writeBlobs(t, s, 40, 10*4096) // about 440 pages in all, 11 a commit
	size := fileSize(t, path+"-wal")
	if limit := int64(4 * backstop * 4096); size > limit {
		t.Errorf("the log grew to %d bytes with a hung checkpointer and a backstop of %d pages (limit %d)", size, backstop, limit)
	}
	if s.ckpt.runs.Load() > 1 {
		t.Errorf("the hung checkpointer ran %d checkpoints, want at most the one it hangs in", s.ckpt.runs.Load())
	}
}

// A log left behind by another process (one that died, or is still
// running) is copied into the file after Open though this store commits
// nothing.
func TestALogLeftBehindIsCopiedWithoutACommit(t *testing.T) {
	path := t.TempDir() + "/ck.db"
	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=wal_autocheckpoint(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	for _, q := range []string{"CREATE TABLE ck_blobs (b BLOB)", "INSERT INTO ck_blobs (b) VALUES (randomblob(1048576))"} {
		if _, err := other.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	before := fileSize(t, path)
	s, err := Open(context.Background(), path, Options{Clock: time.Now, checkpointGap: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	waitFor(t, "the log left behind to reach the database file", func() bool {
		return fileSize(t, path) >= before+1<<20
	})
}
