// Package store keeps dxready's data in SQLite (modernc, no cgo): one writer
// connection with immediate transactions and a pool of read-only readers,
// WAL journal, foreign keys on, numbered embedded SQL migrations.
//
// Methods take ctx first, return domain types, and report a missing row as
// ErrNotFound and a uniqueness violation as ErrConflict; never (nil, nil).
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"dxready/survey"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Errors the store returns; callers test them with errors.Is.
var (
	ErrNotFound = errors.New("store: not found")
	ErrConflict = errors.New("store: conflict")
)

// Store is the database. It is safe for concurrent use.
type Store struct {
	w      writerDB // exactly one connection; every write goes here
	r      readPool // read-only pool (reads join their context's read view)
	path   string
	cells  *cellsMem  // the aggregates' cells in memory (cells_state.go)
	shared sharedSets // association's sharing members (cells_shared.go)
	opts   Options
	watch  *userWatch   // see OnUserChange
	saves  *saveBatcher // SaveAnswers' group commit (save_batch.go)
	// answers are the answers of the responses read last (answers_cache.go)
	answers *answersCache
	ckpt    *checkpointer // checkpoints the log off the writer (checkpoint.go); nil for a bulk build
	// rCount and wCount count what the pools run (SQLCounts).
	rCount, wCount *poolCounts
}

// Options are a store's settings, fixed when it opens: there is nothing to
// change on a Store afterwards.
type Options struct {
	// Clock tells the time (required). main hands the same clock to the
	// store, the web layer and the mail sender; tests give a fixed one.
	// Times are stored in UTC whatever zone it returns.
	Clock func() time.Time
	// Instruments are the survey instruments whose results aggregates count,
	// keyed by "ID@Version"; nil: every embedded one (survey.LoadEmbedded).
	Instruments map[string]*survey.Instrument
	// Logger reports what fails in the store's own background work;
	// nil: slog.Default().
	Logger *slog.Logger
	// Bulk opens a file that one builder fills before anyone else sees it
	// (Build sets it): no rollback journal and no syncs, since a build cut
	// short leaves only a file that is deleted, and a larger page cache.
	Bulk bool

	// checkpointGap and checkpoint replace the checkpointer's gap and its
	// checkpoint (checkpoint.go), walBackstop the writer's backstop; zero:
	// the defaults. Tests only.
	checkpointGap time.Duration
	checkpoint    checkpointFunc
	walBackstop   int
}

// Readers is the size of the read-only pool.
const Readers = 4

// Pragmas are the connection settings of every connection the store opens
// (the DSN's query, modernc.org/sqlite's _pragma form). `dxready load`
// opens its raw SQLite baseline with the same, so the two compare.
const Pragmas = "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
	"&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_pragma=mmap_size(0)&_pragma=cache_size(-16000)"

// writerPragmas are the writer's own settings, after Pragmas (the last
// of a setting wins): a page cache of 2 MB instead of 16.
//
// At each commit SQLite drops from the writer's cache any page numbered
// past the end of the database. When a b-tree split reorders its new
// pages, SQLite parks one under a page number far past the end (the
// lock-byte page's, 262,145 with 4 KB pages), and the next commit then
// walks the cache's whole hash table and every page in it: with 16 MB
// (~3,900 pages, 4,096 buckets) that was 4.9 % of the server's CPU in the
// load tool's firm cycle, on about 40 % of commits. A 2 MB cache made that
// walk 0.4-0.5 %, and the writer's page reads did not rise (its
// transactions touch few pages; the readers keep 16 MB). The whole-file
// import, one transaction, was 3-8 % slower in the same sitting. See
// docs/PERFORMANCE.md.
const writerPragmas = "_pragma=cache_size(-2000)"

// Open opens (creating if needed) the database file at path with opt. It
// does not migrate; call Migrate before use.
//
// Memory-mapped I/O stays off (mmap_size 0). Under steady writes every new
// read transaction sees a changed WAL and SQLite unmaps the whole mapping,
// which cost 10% of the CPU during the survey load test; without it
// autosaves went from ~2,700 to ~3,900 a second and step saves from ~950 to
// ~1,300, while read-only pages (result, search) kept the same latency.
// See docs/PERFORMANCE.md.
func Open(ctx context.Context, path string, opt Options) (*Store, error) {
	if opt.Clock == nil {
		return nil, errors.New("store: open: Options.Clock is required")
	}
	if opt.Instruments == nil {
		ins, err := survey.LoadEmbedded()
		if err != nil {
			return nil, fmt.Errorf("store: open: %w", err)
		}
		opt.Instruments = ins
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	base := "file:" + (&url.URL{Path: abs}).EscapedPath() + "?" + Pragmas + "&_time_format=sqlite"
	writer := base + "&" + writerPragmas
	if opt.Bulk { // one builder writes big transactions: it keeps its 32 MB
		base = "file:" + (&url.URL{Path: abs}).EscapedPath() + "?" + bulkPragmas + "&_time_format=sqlite"
		writer = base
	}
	var ckpt *checkpointer
	if !opt.Bulk { // a bulk build keeps no log
		backstop := opt.walBackstop
		if backstop == 0 {
			backstop = walBackstopPages
		}
		writer += fmt.Sprintf("&_pragma=wal_autocheckpoint(%d)", backstop)
		ckpt = newCheckpointer(base+"&"+writerPragmas, backstop, opt)
	}
	watch := &userWatch{}
	rCount, wCount := &poolCounts{}, &poolCounts{}
	w := openWriter(writer+"&_txlock=immediate", watch, wCount, ckpt)
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("store: open %s: %w", path, err), w.Close(), ckpt.close())
	}
	// A log left by a process that died (or by another one) is copied
	// without waiting for this store's first commit; not before the
	// writer's first connection has put a new file in WAL mode, which a
	// second connection opening beside it would make fail as locked.
	ckpt.committed()
	r := sql.OpenDB(cachingConnector{dsnConnector{readerDriver(), base + "&mode=ro"}, rCount})
	r.SetMaxOpenConns(Readers)
	r.SetMaxIdleConns(Readers)
	return &Store{w: w, r: newReadPool(r), path: abs, opts: opt, watch: watch, cells: newCellsMem(opt.Instruments), rCount: rCount, wCount: wCount,
		saves: newSaveBatcher(), ckpt: ckpt, answers: newAnswersCache(answersCacheMax)}, nil
}

// bulkPragmas are the settings of a store opened with Options.Bulk: a
// bulk build writes straight into its file and never syncs (a build cut
// short is deleted), caches 32 MB instead of 16, and lets the sorts that
// create its indexes at the end spill to temporary files instead of
// memory, so that its memory does not grow with the data (see
// docs/PERFORMANCE.md).
const bulkPragmas = "_pragma=busy_timeout(5000)&_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)" +
	"&_pragma=foreign_keys(ON)&_pragma=temp_store(FILE)&_pragma=mmap_size(0)&_pragma=cache_size(-32000)"

// Close stops the checkpointer and closes both pools, the writer last: the
// last connection to close checkpoints the whole log and removes it.
func (s *Store) Close() error {
	return errors.Join(s.ckpt.close(), s.r.Close(), s.w.Close())
}

// Path returns the database file's absolute path.
func (s *Store) Path() string { return s.path }

// Ping checks that the database answers a read.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// now reads the clock, in UTC.
func (s *Store) now() time.Time { return s.opts.Clock().UTC() }

// inTx runs fn in a write transaction and commits if fn returns nil. The
// rollback is deferred, so a panic cannot leave the writer in a
// transaction. When ctx ended meanwhile, the error says so (database/sql
// reports only that the transaction is done), so callers can tell a
// client that went away from a failure.
func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	return s.inTxNoted(ctx, func(tx *sql.Tx) (*txNote, error) { return nil, fn(tx) })
}

// inTxNoted is inTx for a writer that tells the cells' drain what its
// transaction changed: fn returns a txNote, or nil when it cannot vouch
// for one.
func (s *Store) inTxNoted(ctx context.Context, fn func(*sql.Tx) (*txNote, error)) error {
	leaveView(ctx)       // no reader held while waiting for the writer
	defer leaveView(ctx) // and the next read sees this write (readview.go)
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer s.w.afterCommit() // after the commit (or rollback) below
	defer tx.Rollback()
	note, err := fn(tx)
	var ch *cellChange
	if err == nil && s.cells.suspend.Load() == 0 {
		ch, err = s.drainAll(ctx, tx, note)
	}
	if err == nil {
		// A context ended after fn makes database/sql roll the transaction
		// back, and Commit says only sql.ErrTxDone: name the cause.
		err = s.commit(tx, ch)
	}
	if cerr := ctx.Err(); err != nil && cerr != nil && !errors.Is(err, cerr) {
		err = fmt.Errorf("%w: %w", cerr, err)
	}
	return err
}

// drainAll reconciles the cells and the funnel of the firms tx changed,
// after one look at both change logs (most transactions, a step saved,
// change neither).
func (s *Store) drainAll(ctx context.Context, tx *sql.Tx, note *txNote) (*cellChange, error) {
	var cells, funnel bool
	if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM agg_dirty), EXISTS (SELECT 1 FROM funnel_dirty)").Scan(&cells, &funnel); err != nil {
		return nil, mapErr("changed firms", err)
	}
	var ch *cellChange
	var err error
	if cells {
		ch, err = s.drain(ctx, tx, note)
	}
	if err == nil && funnel {
		err = s.drainFunnel(ctx, tx, note)
	}
	return ch, err
}

// commit commits tx and then applies its change to the cells in memory,
// holding applyMu across both so that memory applies changes in the order
// they committed.
func (s *Store) commit(tx *sql.Tx, ch *cellChange) error {
	if ch == nil {
		return tx.Commit()
	}
	s.cells.applyMu.Lock()
	defer s.cells.applyMu.Unlock()
	if err := tx.Commit(); err != nil {
		return err
	}
	s.cells.apply(ch)
	return nil
}

// mapErr turns sql.ErrNoRows into ErrNotFound and uniqueness violations
// into ErrConflict, keeping what for the message.
func mapErr(what string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: %s: %w", what, ErrNotFound)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("store: %s: %w", what, ErrConflict)
		}
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("store: bad migration name %q", e.Name())
		}
		body, err := fs.ReadFile(migrationFS, "migrations/"+e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{v, e.Name(), string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("store: migrations must be numbered 1, 2, 3…; found %q", m.name)
		}
	}
	return out, nil
}

// Migrate applies, in order and each in its own transaction, the embedded
// migrations not yet recorded in schema_migrations. It returns how many ran.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	ms, err := migrations()
	if err != nil {
		return 0, err
	}
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at DATETIME NOT NULL)`); err != nil {
		return 0, fmt.Errorf("store: migrate: %w", err)
	}
	var current int
	if err := s.w.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&current); err != nil {
		return 0, fmt.Errorf("store: migrate: %w", err)
	}
	if current > len(ms) {
		return 0, fmt.Errorf("store: database schema version %d is newer than this binary (%d)", current, len(ms))
	}
	ran, err := s.runMigrations(ctx, ms[current:])
	if err != nil {
		return ran, err
	}
	if err := s.ensureCells(ctx); err != nil {
		return ran, err
	}
	if err := s.ensureFunnel(ctx); err != nil {
		return ran, err
	}
	// Firms changed behind the store's back (by hand, with the sqlite3
	// shell) are named in agg_dirty: an empty transaction reconciles them.
	return ran, s.inTx(ctx, func(*sql.Tx) error { return nil })
}

// runMigrations runs ms in order, each in its own transaction with its Go
// step if it has one (migrationSteps, audit_chain.go). Cells are
// reconciled once the schema has them (ensureCells, after), not by each
// migration's transaction, some of which predate them.
func (s *Store) runMigrations(ctx context.Context, ms []migration) (int, error) {
	s.cells.suspend.Add(1)
	defer s.cells.suspend.Add(-1)
	ran := 0
	for _, m := range ms {
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			if step := migrationSteps[m.version]; step != nil {
				if err := step(ctx, tx); err != nil {
					return err
				}
			}
			_, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", m.version, m.name, s.now())
			return err
		})
		if err != nil {
			return ran, fmt.Errorf("store: migration %s: %w", m.name, err)
		}
		ran++
	}
	return ran, nil
}

// SchemaVersion returns the highest applied migration.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.r.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v)
	return v, err
}
