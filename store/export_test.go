package store

import (
	"context"

	"dxready/survey"
)

// Rebuild builds a fresh snapshot, bypassing the cache (benchmarks).
func (s *Store) Rebuild(ctx context.Context, in *survey.Instrument) (*Snapshot, error) {
	return s.buildSnapshot(ctx, in, s.agg.version.Load())
}

// Compute computes f's figures without the cache (benchmarks).
func (snap *Snapshot) Compute(f AggFilter) *Aggregate { return snap.compute(f) }
