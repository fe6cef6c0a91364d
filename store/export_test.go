package store

import (
	"context"
	"database/sql"

	"dxready/survey"
)

// Rebuild builds a fresh snapshot, bypassing the cache (benchmarks).
func (s *Store) Rebuild(ctx context.Context, in *survey.Instrument) (*Snapshot, error) {
	return s.buildSnapshot(ctx, in, s.agg.version.Load())
}

// Compute computes f's figures without the cache (benchmarks).
func (snap *Snapshot) Compute(f AggFilter) *Aggregate { return snap.compute(f) }

// InsertBookingUnchecked writes a booking without the free-slot check, to
// prove the database's own overlap rule.
func InsertBookingUnchecked(s *Store, advisorID, firmID, start, end int64) error {
	return s.inTx(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO bookings (advisor_id, firm_id, start_at, end_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			advisorID, firmID, start, end, s.now(), s.now())
		return bookingErr(err)
	})
}

// RerunMigration runs migration version again on the data as it is now,
// as Migrate would on a database made before it (later migrations stay
// applied).
func RerunMigration(s *Store, version int) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	return s.inTx(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(ms[version-1].sql)
		return err
	})
}

// GroupStrata computes group g's tallies, bypassing the snapshot's cache
// (benchmarks).
func (snap *Snapshot) GroupStrata(g Group) { snap.computeGroup(g) }

// CloseReaders closes the read pool under a live store, so reads fail.
func CloseReaders(s *Store) { s.r.Close() }

// CachedAggregates counts the figures snap keeps.
func CachedAggregates(snap *Snapshot) int {
	n := 0
	snap.cache.Range(func(any, any) bool { n++; return true })
	return n
}
