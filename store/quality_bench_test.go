package store_test

import (
	"context"
	"os"
	"testing"
	"time"

	"dxready/store"
)

// BenchmarkQuality reads what the consultation quality page reads, on a
// copy of a demo database with bookings (DXREADY_BENCH_QUALITY; see
// docs/PERFORMANCE.md, Issue 15 → Consultation quality).
func BenchmarkQuality(b *testing.B) {
	path := os.Getenv("DXREADY_BENCH_QUALITY")
	if path == "" {
		b.Skip("DXREADY_BENCH_QUALITY (a demo database with bookings) not set")
	}
	ctx := context.Background()
	s, err := store.Open(ctx, path, store.Options{Clock: time.Now})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	monday := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	b.Run("counters", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.QualityCounts(ctx, monday.AddDate(0, 0, -49), monday.AddDate(0, 0, 7)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("score-change", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.ScoreChanges(ctx, "dbi-2021@1"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("advisor-ratings", func(b *testing.B) {
		for b.Loop() {
			if _, _, _, err := s.AdvisorRatings(ctx, 10, 20); err != nil {
				b.Fatal(err)
			}
		}
	})
}
