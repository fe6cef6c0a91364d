package store

import (
	"context"
	"database/sql"
	"log/slog"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
)

// Checkpoints off the writer.
//
// In WAL mode SQLite copies the log back into the database file (a
// checkpoint) from the connection whose commit takes the log past
// wal_autocheckpoint pages, and a checkpoint syncs the log and the file.
// That connection was the writer, the one every write waits for: under the
// load tool's firm cycle (docs/PERFORMANCE.md) the writer was inside a
// batch 87 % of the wall clock, and 7 % of its batches' wall time was the
// checkpoint's fsync, while the saves queued behind it waited.
//
// So a goroutine with a connection of its own checkpoints soon after
// commits, PASSIVE: it waits for no reader and no writer, and blocks none
// (a checkpoint that meets a reader still using the log copies what it can,
// and the next one goes on). The writer keeps an automatic checkpoint only
// as a backstop, at walBackstopPages, so the log stays bounded should the
// checkpointer fall behind, hang or fail.

// walBackstopPages is the writer's own wal_autocheckpoint: ten times
// SQLite's default, some 40 MB of log with 4 KB pages.
//
// Under steady commits the log does grow to it: SQLite starts the log over
// only when a write begins after a checkpoint that copied every frame, and
// commits keep landing while the checkpointer copies. The writer's
// checkpoint at the backstop then copies what is left (at most a gap's
// worth) and the log starts over: two syncs in the writer every ~10,000
// pages instead of every 1,000, and a log file of up to ~40 MB.
const walBackstopPages = 10000

// checkpointGap is how long the checkpointer lets commits gather after
// one wakes it, so that a stream of commits costs one checkpoint (and its
// two syncs) a gap, not one each. Under the firm cycle the writer's own
// checkpoint at 1,000 pages came about every half second; with a gap of
// 100 ms the checkpointer synced five times as often and the cycle was no
// faster, with a second it was 7-10 % faster (docs/PERFORMANCE.md).
const checkpointGap = time.Second

// walCheckpoint is what PRAGMA wal_checkpoint answers: whether it was
// kept from finishing (busy), the frames in the log, and the frames copied
// into the database file.
type walCheckpoint struct {
	busy, logged, moved int
}

// checkpointFunc runs one checkpoint on db.
type checkpointFunc func(ctx context.Context, db *sql.DB) (walCheckpoint, error)

// passiveCheckpoint runs PRAGMA wal_checkpoint(PASSIVE) on db.
func passiveCheckpoint(ctx context.Context, db *sql.DB) (walCheckpoint, error) {
	var c walCheckpoint
	err := db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&c.busy, &c.logged, &c.moved)
	return c, err
}

// checkpointer checkpoints the log after commits (see above).
type checkpointer struct {
	db     *sql.DB
	run    checkpointFunc
	gap    time.Duration
	pages  int // the writer's backstop, for the log
	log    *slog.Logger
	kick   chan struct{} // a commit happened; holds one
	ctx    context.Context
	cancel context.CancelFunc // stops the loop and interrupts a checkpoint
	done   chan struct{}      // closed when the loop has returned

	runs atomic.Int64                  // checkpoints run (tests)
	last atomic.Pointer[walCheckpoint] // the last one's answer (tests)
}

// newCheckpointer opens (lazily) a connection of its own at dsn and starts
// the loop, for a writer whose backstop is pages; committed wakes it, close
// stops it.
func newCheckpointer(dsn string, pages int, opt Options) *checkpointer {
	c := &checkpointer{
		db:    sql.OpenDB(dsnConnector{&sqlite.Driver{}, dsn}),
		run:   opt.checkpoint,
		gap:   opt.checkpointGap,
		pages: pages,
		log:   opt.Logger,
		kick:  make(chan struct{}, 1),
		done:  make(chan struct{}),
	}
	if c.run == nil {
		c.run = passiveCheckpoint
	}
	if c.gap <= 0 {
		c.gap = checkpointGap
	}
	c.db.SetMaxOpenConns(1)
	c.db.SetMaxIdleConns(1)
	c.db.SetConnMaxIdleTime(0)
	c.ctx, c.cancel = context.WithCancel(context.Background())
	go c.loop()
	return c
}

// committed wakes the checkpointer after a commit; it never blocks (the
// writer calls it, see writerDB.afterCommit).
func (c *checkpointer) committed() {
	if c == nil {
		return
	}
	select {
	case c.kick <- struct{}{}:
	default: // already woken
	}
}

// loop waits for a commit, lets the gap pass, checkpoints, and again,
// until close.
func (c *checkpointer) loop() {
	defer close(c.done)
	gap := time.NewTimer(c.gap)
	gap.Stop()
	failing := false
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-c.kick:
		}
		gap.Reset(c.gap)
		select {
		case <-c.ctx.Done():
			gap.Stop()
			return
		case <-gap.C:
		}
		failing = c.checkpoint(failing)
	}
}

// checkpoint runs one checkpoint and reports whether it failed. A failure
// is logged when the checkpoints start failing and again when they work
// again, not at every commit: the writer's backstop bounds the log
// meanwhile.
func (c *checkpointer) checkpoint(failing bool) bool {
	res, err := c.run(c.ctx, c.db)
	c.runs.Add(1)
	if err != nil {
		if c.ctx.Err() != nil {
			return failing // interrupted by close: not a failure
		}
		if !failing {
			c.log.Error("store: checkpoint the write-ahead log (the writer's own checkpoint at its backstop bounds the log meanwhile)",
				"err", err, "backstop_pages", c.pages)
		}
		return true
	}
	c.last.Store(&res)
	if failing {
		c.log.Info("store: checkpoints of the write-ahead log work again", "log_frames", res.logged, "copied", res.moved)
	}
	return false
}

// close stops the loop, interrupting a checkpoint under way, waits for it
// and closes the connection.
func (c *checkpointer) close() error {
	if c == nil {
		return nil
	}
	c.cancel()
	<-c.done
	return c.db.Close()
}
