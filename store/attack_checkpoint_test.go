package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// Attacks on the checkpointer (checkpoint.go), by the rckpt review.

// capturedLog is a logger whose output a test reads.
func capturedLog() (*slog.Logger, func() string) {
	var mu sync.Mutex
	var buf strings.Builder
	w := writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return buf.Write(p)
	})
	return slog.New(slog.NewTextHandler(w, nil)), func() string {
		mu.Lock()
		defer mu.Unlock()
		return buf.String()
	}
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// settledCheckpointer waits until the checkpointer has run for the
// commits made so far (openCheckpointed's CREATE TABLE) and returns its
// count of runs, so that a later run can only be a later commit's.
func settledCheckpointer(t *testing.T, s *Store) int64 {
	t.Helper()
	waitFor(t, "the checkpoint after the table's creation", func() bool { return s.ckpt.runs.Load() > 0 })
	time.Sleep(20 * time.Millisecond) // a kick still buffered would show as a run
	return s.ckpt.runs.Load()
}

// Every way the store commits on the writer wakes the checkpointer: its
// ExecContext, inTx (migrations, most writes) and a batch of saves
// (writeNoted, SaveAnswers). A path that did not would leave its pages in
// the log, unsynced to the file, until a later commit or the backstop.
func TestAttackEveryWriterCommitPathWakesTheCheckpointer(t *testing.T) {
	const size = 1 << 20
	insert := "INSERT INTO ck_blobs (b) VALUES (randomblob(?))"
	paths := map[string]func(ctx context.Context, s *Store) error{
		"ExecContext": func(ctx context.Context, s *Store) error {
			_, err := s.w.ExecContext(ctx, insert, size)
			return err
		},
		"inTx": func(ctx context.Context, s *Store) error {
			return s.inTx(ctx, func(tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, insert, size)
				return err
			})
		},
		"batch": func(ctx context.Context, s *Store) error {
			return s.writeNoted(ctx, func(ctx context.Context, tx *sql.Tx, _ *batchNotes) (*txNote, error) {
				_, err := tx.ExecContext(ctx, insert, size)
				return nil, err
			})
		},
	}
	for name, write := range paths {
		t.Run(name, func(t *testing.T) {
			s, path := openCheckpointed(t, Options{checkpointGap: time.Millisecond})
			s.cells.suspend.Add(1) // no aggregates' tables in this schema: no drain
			runs := settledCheckpointer(t, s)
			before := fileSize(t, path)
			if err := write(context.Background(), s); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "a checkpoint after the "+name+" commit", func() bool { return s.ckpt.runs.Load() > runs })
			waitFor(t, "the "+name+" commit's pages in the database file", func() bool {
				return fileSize(t, path) >= before+size
			})
		})
	}
}

// Close twice, and Close while commits go on and checkpoints run: the
// second Close is harmless, nothing panics or hangs, the checkpointer
// logs nothing (an interrupted checkpoint is not a failure), and every
// commit that succeeded is in the file once it is closed.
func TestAttackCloseRacingCommitsAndCheckpoints(t *testing.T) {
	logger, logged := capturedLog()
	s, path := openCheckpointed(t, Options{checkpointGap: time.Microsecond, Logger: logger})
	var wg sync.WaitGroup
	var mu sync.Mutex
	committed := 0
	for range 4 {
		wg.Go(func() {
			for {
				if _, err := s.w.ExecContext(context.Background(), "INSERT INTO ck_blobs (b) VALUES (randomblob(8192))"); err != nil {
					return // the store closed
				}
				mu.Lock()
				committed++
				mu.Unlock()
			}
		})
	}
	waitFor(t, "checkpoints among the commits", func() bool { return s.ckpt.runs.Load() >= 3 })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if err := s.Close(); err != nil {
		t.Errorf("a second Close: %v", err)
	}
	if out := logged(); strings.Contains(out, "checkpoint") {
		t.Errorf("the checkpointer logged while the store closed:\n%s", out)
	}
	if _, err := os.Stat(path + "-wal"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the log is still there after Close: %v", err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows int
	if err := db.QueryRow("SELECT count(*) FROM ck_blobs").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != committed {
		t.Errorf("%d rows in the closed file, %d commits succeeded", rows, committed)
	}
}

// A checkpoint under way when the store closes is interrupted, and that
// is not logged as a failure (the log says something is wrong only when
// it is); Close does not wait for the checkpoint to end on its own.
func TestAttackCloseDuringACheckpointLogsNothing(t *testing.T) {
	logger, logged := capturedLog()
	inside := make(chan struct{}, 1)
	run := func(ctx context.Context, db *sql.DB) (walCheckpoint, error) {
		select {
		case inside <- struct{}{}:
		default:
		}
		<-ctx.Done() // as SQLite's interrupt ends a checkpoint under way
		return walCheckpoint{}, fmt.Errorf("interrupted: %w", ctx.Err())
	}
	s, _ := openCheckpointed(t, Options{checkpointGap: time.Millisecond, checkpoint: run, Logger: logger})
	select {
	case <-inside: // the CREATE TABLE's checkpoint
	case <-time.After(time.Minute): // a hang guard, not a timing
		t.Fatal("no checkpoint after the table's creation")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if out := logged(); out != "" {
		t.Errorf("a checkpoint interrupted by Close was logged:\n%s", out)
	}
}

// openFDs counts the process's open file descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd:", err)
	}
	return len(fds)
}

// A store opened, written, checkpointed and closed many times leaves no
// goroutine and no file descriptor behind (the checkpointer's loop and
// its connection).
func TestAttackOpenCloseLeavesNoGoroutineOrFile(t *testing.T) {
	round := func() {
		s, _ := openCheckpointed(t, Options{checkpointGap: time.Millisecond})
		writeBlobs(t, s, 1, 4096)
		waitFor(t, "a checkpoint", func() bool { return s.ckpt.last.Load() != nil })
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	round() // the first store's one-off set-up (the survey, the driver) is not a leak
	runtime.GC()
	goroutines, fds := runtime.NumGoroutine(), openFDs(t)
	const rounds = 15
	for range rounds {
		round()
	}
	var nowG, nowF int
	for range 200 { // goroutines and finalizers ending after Close
		runtime.GC()
		nowG, nowF = runtime.NumGoroutine(), openFDs(t)
		if nowG <= goroutines && nowF <= fds {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("after %d stores opened and closed: goroutines %d → %d, open files %d → %d", rounds, goroutines, nowG, fds, nowF)
}

// A reader holding one read transaction while commits go on keeps the
// checkpoints from copying past its snapshot: that is no failure (nothing
// is logged), and once it ends the next checkpoint copies the whole log.
func TestAttackALongReadIsNoCheckpointFailure(t *testing.T) {
	logger, logged := capturedLog()
	s, _ := openCheckpointed(t, Options{checkpointGap: time.Millisecond, Logger: logger})
	writeBlobs(t, s, 1, 4096)
	ctx, end := s.ReadView(context.Background())
	defer end()
	var n int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM ck_blobs").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("the view reads %d rows, want 1", n)
	}
	runs := settledCheckpointer(t, s)
	writeBlobs(t, s, 20, 16<<10)
	waitFor(t, "a checkpoint that stopped at the reader's snapshot", func() bool {
		last := s.ckpt.last.Load()
		return s.ckpt.runs.Load() > runs && last != nil && last.moved < last.logged
	})
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM ck_blobs").Scan(&n); err != nil || n != 1 {
		t.Fatalf("the view reads %d rows (%v), want still 1", n, err)
	}
	end()
	writeBlobs(t, s, 1, 4096)
	waitFor(t, "a checkpoint of the whole log once the reader ended", func() bool {
		last := s.ckpt.last.Load()
		return last != nil && last.logged > 0 && last.moved == last.logged
	})
	if out := logged(); out != "" {
		t.Errorf("the checkpointer logged with a reader holding its snapshot:\n%s", out)
	}
}

// Two stores on one file (two processes' worth): two checkpointers and
// two writers' backstops meet (a checkpoint finding another under way is
// busy, not an error); nothing is logged, every commit of both is there
// and the file is sound; the last to close removes the log.
func TestAttackTwoStoresOnOneFile(t *testing.T) {
	logger, logged := capturedLog()
	a, path := openCheckpointed(t, Options{checkpointGap: time.Microsecond, Logger: logger, walBackstop: 20})
	b, err := Open(context.Background(), path, Options{Clock: time.Now, checkpointGap: time.Microsecond, Logger: logger, walBackstop: 20})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	const commits = 60
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, s := range []*Store{a, b} {
		wg.Go(func() {
			for i := range commits {
				if _, err := s.w.ExecContext(context.Background(), "INSERT INTO ck_blobs (b) VALUES (randomblob(?))", 4096*(1+i%8)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	waitFor(t, "both checkpointers to have run", func() bool { return a.ckpt.runs.Load() > 0 && b.ckpt.runs.Load() > 0 })
	var rows int
	var check string
	if err := b.r.QueryRowContext(context.Background(), "SELECT count(*) FROM ck_blobs").Scan(&rows); err != nil || rows != 2*commits {
		t.Errorf("%d rows (%v), want %d", rows, err, 2*commits)
	}
	if err := a.r.QueryRowContext(context.Background(), "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check: %q, %v", check, err)
	}
	if err := errors.Join(a.Close(), b.Close()); err != nil {
		t.Fatal(err)
	}
	if out := logged(); out != "" {
		t.Errorf("two stores on one file logged:\n%s", out)
	}
	if _, err := os.Stat(path + "-wal"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the log is still there after both closed: %v", err)
	}
}

// A bulk build keeps no log (journal_mode OFF): it has no checkpointer,
// and its writer no backstop setting; the built file holds every row.
func TestAttackBuildHasNoCheckpointer(t *testing.T) {
	path := t.TempDir() + "/built.db"
	err := Build(context.Background(), path, Options{Clock: time.Now}, func(s *Store) error {
		if s.ckpt != nil {
			return fmt.Errorf("a bulk store runs a checkpointer")
		}
		var mode string
		if err := s.w.QueryRowContext(context.Background(), "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "off" {
			return fmt.Errorf("bulk journal_mode %q (%v), want off", mode, err)
		}
		if _, err := s.w.ExecContext(context.Background(), "CREATE TABLE ck_blobs (b BLOB)"); err != nil {
			return err
		}
		writeBlobs(t, s, 10, 64<<10)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), path, Options{Clock: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var rows int
	if err := s.r.QueryRowContext(context.Background(), "SELECT count(*) FROM ck_blobs").Scan(&rows); err != nil || rows != 10 {
		t.Errorf("the built file holds %d rows (%v), want 10", rows, err)
	}
}
