package store

import (
	"context"
)

// PillarProgress is the average change of one pillar over completed
// consultations whose firm has re-assessed since (T0 → T1).
type PillarProgress struct {
	Pillar        string
	Consultations int
	Before, After float64 // averages
}

// consultationPairs pairs each completed consultation with T0, the firm's
// latest submission at or before its start, and T1, its newest after the
// end, on the same instrument; consultations without both are left out.
const consultationPairs = `WITH pairs AS (
	SELECT b.id,
		(SELECT r.id FROM responses r WHERE r.firm_id = b.firm_id AND r.status = 'submitted'
			AND r.submitted_at < datetime(b.start_at + 1, 'unixepoch') ORDER BY r.submitted_at DESC, r.id DESC LIMIT 1) AS t0,
		(SELECT r.id FROM responses r WHERE r.firm_id = b.firm_id AND r.status = 'submitted'
			AND r.submitted_at > datetime(b.end_at, 'unixepoch') ORDER BY r.submitted_at DESC, r.id DESC LIMIT 1) AS t1
	FROM bookings b WHERE b.status = 'done' AND (? = 0 OR b.advisor_id = ?)
)`

// ConsultationProgress averages, per pillar, the change since completed
// consultations: of one advisor, or of all when advisorID is 0.
func (s *Store) ConsultationProgress(ctx context.Context, advisorID int64) ([]PillarProgress, error) {
	rows, err := s.r.QueryContext(ctx, consultationPairs+`
		SELECT p0.pillar, COUNT(*), AVG(p0.score), AVG(p1.score)
		FROM pairs
		JOIN responses r0 ON r0.id = pairs.t0
		JOIN responses r1 ON r1.id = pairs.t1 AND r1.instrument = r0.instrument
		JOIN pillar_scores p0 ON p0.response_id = r0.id AND p0.scored
		JOIN pillar_scores p1 ON p1.response_id = r1.id AND p1.pillar = p0.pillar AND p1.scored
		GROUP BY p0.pillar`, advisorID, advisorID)
	if err != nil {
		return nil, mapErr("consultation progress", err)
	}
	defer rows.Close()
	var out []PillarProgress
	for rows.Next() {
		var p PillarProgress
		if err := rows.Scan(&p.Pillar, &p.Consultations, &p.Before, &p.After); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
