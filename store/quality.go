package store

import (
	"context"
	"time"

	"dxready/advisors"
)

// QualityTally is how many bookings of an advisor that start in a local
// quarter have a status.
type QualityTally struct {
	Quarter   string // 2026-Q4
	AdvisorID int64
	Status    string
	N         int
}

// QualityWeek is the minutes an advisor has booked (not cancelled) in the
// local week starting Monday Week (2006-01-02).
type QualityWeek struct {
	Week      string
	AdvisorID int64
	Minutes   int
}

// QualityCounts are the counters the quality page reads, kept by the
// triggers of migration 0024 (never a scan of the bookings).
type QualityCounts struct {
	Tallies []QualityTally
	Weeks   []QualityWeek       // weeks in the range asked
	Wait    []advisors.DayCount // days from result to first booking, by days
	Ratings map[int64][2]int    // advisor → {number of ratings, their sum}
	Leave   map[int64][]advisors.Period
	Seq     int64 // quality_meta.seq: moves when the score change may
}

// QualityCounts reads the quality page's counters, with the weeks (and
// advisors' leave) in [from, to).
func (s *Store) QualityCounts(ctx context.Context, from, to time.Time) (*QualityCounts, error) {
	c := &QualityCounts{Ratings: map[int64][2]int{}, Leave: map[int64][]advisors.Period{}}
	if err := s.r.QueryRowContext(ctx, "SELECT seq FROM quality_meta WHERE id = 1").Scan(&c.Seq); err != nil {
		return nil, mapErr("quality seq", err)
	}
	steps := []struct {
		sql  string
		args []any
		scan func(scanner) error
	}{
		{"SELECT quarter, advisor_id, status, n FROM quality_tally WHERE n > 0", nil, func(sc scanner) error {
			var t QualityTally
			err := sc.Scan(&t.Quarter, &t.AdvisorID, &t.Status, &t.N)
			c.Tallies = append(c.Tallies, t)
			return err
		}},
		{"SELECT week, advisor_id, minutes FROM quality_week WHERE week >= ? AND week < ?",
			[]any{from.In(advisors.Zone).Format(time.DateOnly), to.In(advisors.Zone).Format(time.DateOnly)}, func(sc scanner) error {
				var w QualityWeek
				err := sc.Scan(&w.Week, &w.AdvisorID, &w.Minutes)
				c.Weeks = append(c.Weeks, w)
				return err
			}},
		{"SELECT days, n FROM quality_wait WHERE n > 0", nil, func(sc scanner) error {
			var d advisors.DayCount
			err := sc.Scan(&d.Days, &d.N)
			c.Wait = append(c.Wait, d)
			return err
		}},
		{"SELECT advisor_id, n, total FROM quality_ratings WHERE n > 0", nil, func(sc scanner) error {
			var id int64
			var n, total int
			err := sc.Scan(&id, &n, &total)
			c.Ratings[id] = [2]int{n, total}
			return err
		}},
		{"SELECT advisor_id, start_at, end_at FROM advisor_leave WHERE end_at > ? AND start_at < ?", []any{from.Unix(), to.Unix()}, func(sc scanner) error {
			var id, st, en int64
			err := sc.Scan(&id, &st, &en)
			c.Leave[id] = append(c.Leave[id], advisors.Period{Start: time.Unix(st, 0).UTC(), End: time.Unix(en, 0).UTC()})
			return err
		}},
	}
	for _, st := range steps {
		if err := s.eachRow(ctx, st.sql, st.args, st.scan); err != nil {
			return nil, mapErr("quality counts", err)
		}
	}
	return c, nil
}

// eachRow runs q with args on the readers and calls scan for each row.
func (s *Store) eachRow(ctx context.Context, q string, args []any, scan func(scanner) error) error {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// PillarChange is, for one pillar, how many firms re-assessed after a
// held consultation and the sum of their score changes T1 − T0.
type PillarChange struct {
	Pillar string
	N      int
	Sum    float64
}

// ScoreChanges compares, for each firm with a held consultation, its
// latest result of instrument before its first held consultation ended
// (T0) with its first result after (T1), pillar by pillar. Only firms
// with both, and pillars scored in both, count. It reads the held bookings (bookings_held_idx), so the
// page keeps its answer for one QualityCounts.Seq.
func (s *Store) ScoreChanges(ctx context.Context, instrument string) ([]PillarChange, error) {
	var out []PillarChange
	// A firm whose latest result (current_results, one row a firm) came
	// before its first held consultation ended has no T1: it is left out
	// before any lookup in its history.
	err := s.eachRow(ctx, `WITH held AS MATERIALIZED (
			SELECT h.firm_id, h.t FROM (
				SELECT firm_id, MIN(end_at) / 86400.0 + 2440587.5 AS t FROM bookings WHERE status = 'done' GROUP BY firm_id) h
			JOIN current_results cr ON cr.firm_id = h.firm_id WHERE julianday(cr.submitted_at) >= h.t),
		pairs AS MATERIALIZED (SELECT
			(SELECT r.id FROM responses r WHERE r.firm_id = h.firm_id AND r.status = 'submitted' AND r.instrument = ?
				AND julianday(r.submitted_at) < h.t ORDER BY r.submitted_at DESC LIMIT 1) AS t0,
			(SELECT r.id FROM responses r WHERE r.firm_id = h.firm_id AND r.status = 'submitted' AND r.instrument = ?
				AND julianday(r.submitted_at) >= h.t ORDER BY r.submitted_at LIMIT 1) AS t1
			FROM held h)
		SELECT p0.pillar, COUNT(*), SUM(p1.score - p0.score) FROM pairs
		JOIN pillar_scores p0 ON p0.response_id = pairs.t0
		JOIN pillar_scores p1 ON p1.response_id = pairs.t1 AND p1.pillar = p0.pillar
		WHERE pairs.t0 IS NOT NULL AND pairs.t1 IS NOT NULL AND p0.scored = 1 AND p1.scored = 1
		GROUP BY p0.pillar ORDER BY p0.pillar`, []any{instrument, instrument}, func(sc scanner) error {
		var p PillarChange
		err := sc.Scan(&p.Pillar, &p.N, &p.Sum)
		out = append(out, p)
		return err
	})
	return out, mapErr("score changes", err)
}
