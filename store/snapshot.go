package store

import (
	"context"
	"database/sql"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"dxready/disclosure"
	"dxready/scoring"
	"dxready/survey"
)

// Snapshot is the province as aggregates read it: each firm's dimensions,
// memberships and submitted results on one instrument, read in one
// transaction. Dashboards, exports and charts all compute from it, so their
// numbers agree; computing in memory keeps a dashboard well under a
// millisecond once its figures are cached, where SQL over 68,000 firms and
// their pillar scores took tens of milliseconds.
type Snapshot struct {
	BuiltAt    time.Time
	Instrument string
	Pillars    []string // pillar IDs, in the instrument's order
	Firms      []SnapFirm
	version    uint64
	cache      sync.Map // AggFilter → *Aggregate
	cached     atomic.Int64
	groups     sync.Map // Group → strata, for comparisons
	byID       map[int64]int
}

// SnapFirm is one firm in a snapshot.
type SnapFirm struct {
	ID     int64
	Key    uint32  // its secret record key (package disclosure); never shown
	Assocs []int64 // associations it belongs to
	Shares []int64 // of those, the ones it shares its results with now
	// Strata are the associations it shared with at the start of the
	// snapshot's quarter: the split of protected figures into shared and
	// non-shared results (package disclosure) follows these, so switching
	// consent back and forth cannot make new cells (fresh noise) within a
	// quarter. Who sees what follows Shares, at once.
	Strata                        []int64
	Division, Section, Size, Ward string
	Results                       []SnapResult // submitted, oldest first
}

// SnapResult is one submitted result.
type SnapResult struct {
	At      time.Time
	Key     uint32 // its secret record key (package disclosure); never shown
	FirmKey uint32 // its firm's
	scoring.Entry
}

// Record is the result as package disclosure counts it. Its key is mixed
// with its scores, so a rescore (dxready rescore --fix) that changes them
// also changes the noise: the figures before and after never differ by the
// exact changes.
func (r SnapResult) Record() disclosure.Record {
	return disclosure.Record{Entry: r.Entry, Key: disclosure.ScoredKey(r.Key, r.Entry), FirmKey: r.FirmKey}
}

// current is the instant whose current results are the snapshot's "now":
// just after BuiltAt, so a result submitted at that very instant counts.
func (snap *Snapshot) current() time.Time { return snap.BuiltAt.Add(time.Nanosecond) }

// AsOf returns the firm's result current at t: its last submitted before t.
func (f *SnapFirm) AsOf(t time.Time) (SnapResult, bool) {
	for i := len(f.Results) - 1; i >= 0; i-- {
		if f.Results[i].At.Before(t) {
			return f.Results[i], true
		}
	}
	return SnapResult{}, false
}

// aggState holds the snapshots and what invalidates them.
type aggState struct {
	version  atomic.Uint64 // bumped by every write that changes aggregates
	mu       sync.Mutex
	snaps    map[string]*Snapshot
	building map[string]bool
	buildMu  sync.Mutex // one synchronous build at a time
	// Background rebuilds are the store's own work: Close cancels ctx and
	// waits for them before the database closes.
	ctx  context.Context
	stop context.CancelFunc
	work sync.WaitGroup
}

// changed records a write that aggregates and comparisons must see.
func (s *Store) changed() {
	s.agg.version.Add(1)
}

// Snapshot returns the aggregate snapshot for instrument in. The first call
// builds it; after a change it is rebuilt in the background once it is
// older than AggregateRefresh (at once when SyncAggregates is set, as tests
// do, so they read their own writes).
func (s *Store) Snapshot(ctx context.Context, in *survey.Instrument) (*Snapshot, error) {
	key, v := in.Key(), s.agg.version.Load()
	s.agg.mu.Lock()
	snap := s.agg.snaps[key]
	if snap != nil && (snap.version == v || !s.opts.SyncAggregates) {
		if snap.version != v && !s.agg.building[key] && s.now().Sub(snap.BuiltAt) >= s.opts.AggregateRefresh {
			s.agg.building[key] = true
			s.agg.work.Add(1)
			go s.rebuild(in, v)
		}
		s.agg.mu.Unlock()
		return snap, nil
	}
	s.agg.mu.Unlock()
	s.agg.buildMu.Lock()
	defer s.agg.buildMu.Unlock()
	s.agg.mu.Lock()
	snap = s.agg.snaps[key]
	s.agg.mu.Unlock()
	if snap != nil && snap.version == v {
		return snap, nil
	}
	snap, err := s.buildSnapshot(ctx, in, v)
	if err != nil {
		return nil, err
	}
	s.keep(snap)
	return snap, nil
}

// rebuild builds a fresh snapshot in the background; a failure is logged
// (the old snapshot keeps answering, and the next read tries again), a
// rebuild cut short by Close is not.
func (s *Store) rebuild(in *survey.Instrument, v uint64) {
	defer s.agg.work.Done()
	ctx, cancel := context.WithTimeout(s.agg.ctx, time.Minute)
	defer cancel()
	snap, err := s.buildSnapshot(ctx, in, v)
	s.agg.mu.Lock()
	delete(s.agg.building, in.Key())
	s.agg.mu.Unlock()
	switch {
	case err == nil:
		s.keep(snap)
	case s.agg.ctx.Err() == nil:
		s.opts.Logger.Error("store: rebuild aggregate snapshot", "instrument", in.Key(), "err", err)
	}
}

func (s *Store) keep(snap *Snapshot) {
	s.agg.mu.Lock()
	defer s.agg.mu.Unlock()
	if old := s.agg.snaps[snap.Instrument]; old == nil || old.version <= snap.version {
		s.agg.snaps[snap.Instrument] = snap
	}
}

// buildSnapshot reads firms, memberships and results in one read
// transaction, so they are consistent with each other.
func (s *Store) buildSnapshot(ctx context.Context, in *survey.Instrument, v uint64) (*Snapshot, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, mapErr("snapshot", err)
	}
	defer tx.Rollback()
	snap := &Snapshot{BuiltAt: s.now(), Instrument: in.Key(), version: v, byID: map[int64]int{}}
	pillarIdx := map[string]int{}
	for i, p := range in.Pillars {
		snap.Pillars = append(snap.Pillars, p.ID)
		pillarIdx[p.ID] = i
	}
	if err := snap.readFirms(ctx, tx); err != nil {
		return nil, err
	}
	if err := snap.readMemberships(ctx, tx); err != nil {
		return nil, err
	}
	if err := snap.readSharing(ctx, tx); err != nil {
		return nil, err
	}
	if err := snap.readResults(ctx, tx, pillarIdx); err != nil {
		return nil, err
	}
	return snap, nil
}

func (snap *Snapshot) readFirms(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, record_key, COALESCE(substr(vsic_code, 1, 2), ''), COALESCE(section, ''),
		COALESCE(size_class, ''), COALESCE(ward_code, '') FROM firms ORDER BY id`)
	if err != nil {
		return mapErr("snapshot firms", err)
	}
	defer rows.Close()
	intern := map[string]string{}
	in := func(s string) string {
		if v, ok := intern[s]; ok {
			return v
		}
		intern[s] = s
		return s
	}
	for rows.Next() {
		var f SnapFirm
		if err := rows.Scan(&f.ID, &f.Key, &f.Division, &f.Section, &f.Size, &f.Ward); err != nil {
			return err
		}
		f.Division, f.Section, f.Size, f.Ward = in(f.Division), in(f.Section), in(f.Size), in(f.Ward)
		snap.byID[f.ID] = len(snap.Firms)
		snap.Firms = append(snap.Firms, f)
	}
	return rows.Err()
}

// readMemberships reads which associations each firm belongs to.
func (snap *Snapshot) readMemberships(ctx context.Context, tx *sql.Tx) error {
	return snap.readFirmAssocs(ctx, tx, "memberships", "SELECT firm_id, association_id FROM firm_associations ORDER BY firm_id, association_id",
		func(f *SnapFirm, assoc int64) { f.Assocs = append(f.Assocs, assoc) })
}

// readSharing reads which associations each firm shares its results with
// now, and with which it shared at the start of the snapshot's quarter
// (its last consent event before then).
func (snap *Snapshot) readSharing(ctx context.Context, tx *sql.Tx) error {
	if err := snap.readFirmAssocs(ctx, tx, "sharing", "SELECT firm_id, association_id FROM result_sharing ORDER BY firm_id, association_id",
		func(f *SnapFirm, assoc int64) { f.Shares = append(f.Shares, assoc) }); err != nil {
		return err
	}
	start := scoring.QuarterOf(snap.BuiltAt).Start().UTC()
	return snap.readFirmAssocs(ctx, tx, "sharing at the quarter's start", `SELECT e.firm_id, e.association_id FROM sharing_events e
		WHERE e.event = 'shared' AND e.id = (SELECT MAX(l.id) FROM sharing_events l
			WHERE l.firm_id = e.firm_id AND l.association_id = e.association_id AND l.at < ?)
		ORDER BY e.firm_id, e.association_id`,
		func(f *SnapFirm, assoc int64) { f.Strata = append(f.Strata, assoc) }, start)
}

// readFirmAssocs reads (firm, association) pairs and hands each to add.
func (snap *Snapshot) readFirmAssocs(ctx context.Context, tx *sql.Tx, what, query string, add func(*SnapFirm, int64), args ...any) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return mapErr("snapshot "+what, err)
	}
	defer rows.Close()
	for rows.Next() {
		var firm, assoc int64
		if err := rows.Scan(&firm, &assoc); err != nil {
			return err
		}
		if i, ok := snap.byID[firm]; ok {
			add(&snap.Firms[i], assoc)
		}
	}
	return rows.Err()
}

// readResults reads every submitted response, then their pillar scores.
// Two plain scans (no join, no sort: the firm index already orders
// responses by firm and time) and pillar names read without allocating
// keep a province with a million pillar scores to about a second.
func (snap *Snapshot) readResults(ctx context.Context, tx *sql.Tx, pillarIdx map[string]int) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, firm_id, submitted_at, record_key, overall, level FROM responses
		WHERE status = 'submitted' AND instrument = ? ORDER BY firm_id, submitted_at`, snap.Instrument)
	if err != nil {
		return mapErr("snapshot results", err)
	}
	defer rows.Close()
	type ref struct {
		firm, result int
	}
	byResponse := map[int64]ref{}
	for rows.Next() {
		var id, firm int64
		var res SnapResult
		if err := rows.Scan(&id, &firm, &res.At, &res.Key, &res.Overall, &res.Level); err != nil {
			return err
		}
		i, ok := snap.byID[firm]
		if !ok {
			continue
		}
		res.Pillars = make([]float64, len(pillarIdx))
		for j := range res.Pillars {
			res.Pillars[j] = math.NaN()
		}
		f := &snap.Firms[i]
		res.FirmKey = f.Key
		byResponse[id] = ref{i, len(f.Results)}
		f.Results = append(f.Results, res)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	ps, err := tx.QueryContext(ctx, `SELECT p.response_id, p.pillar, p.score FROM pillar_scores p
		WHERE p.scored = 1 AND p.response_id IN (SELECT id FROM responses WHERE status = 'submitted' AND instrument = ?)`, snap.Instrument)
	if err != nil {
		return mapErr("snapshot pillar scores", err)
	}
	defer ps.Close()
	var id int64
	var pillar sql.RawBytes
	var score float64
	for ps.Next() {
		if err := ps.Scan(&id, &pillar, &score); err != nil {
			return err
		}
		rf, ok := byResponse[id]
		j, known := pillarIdx[string(pillar)]
		if ok && known {
			snap.Firms[rf.firm].Results[rf.result].Pillars[j] = score
		}
	}
	return ps.Err()
}
