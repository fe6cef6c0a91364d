package store

import (
	"context"
	"strings"
	"time"
)

// SubmissionFilter selects some of a firm's submitted responses in the
// order of Submissions (newest first; the same time by ID, highest first).
// A page that shows one result needs the latest one or two of them, not
// the firm's whole history, which grows with every assessment.
type SubmissionFilter struct {
	FirmID int64
	After  int64     // only those after response After in that order (older); 0: from the newest
	UpTo   time.Time // only those submitted at or before UpTo; zero: any
	Limit  int       // at most this many (at least 1)
}

// FindSubmissions returns the submissions f selects, newest first, each
// with its scored pillars: at most f.Limit of them, read from the index of
// the firm's responses, so the read does not grow with its history.
func (s *Store) FindSubmissions(ctx context.Context, f SubmissionFilter) ([]Submission, error) {
	var where strings.Builder
	args := []any{f.FirmID}
	where.WriteString("firm_id = ? AND status = 'submitted'")
	if f.After != 0 {
		where.WriteString(" AND (submitted_at, id) < (SELECT submitted_at, id FROM responses WHERE id = ?)")
		args = append(args, f.After)
	}
	if !f.UpTo.IsZero() {
		// Stored times are UTC text of one format, whose order is the times'.
		where.WriteString(" AND submitted_at <= ?")
		args = append(args, f.UpTo.UTC())
	}
	// The limit is written into the SQL (limitSQL), not bound.
	rows, err := s.r.QueryContext(ctx, submissionSelect+`WHERE r.id IN (SELECT id FROM responses WHERE `+where.String()+`
		ORDER BY submitted_at DESC, id DESC`+limitSQL(max(1, f.Limit))+`) ORDER BY r.submitted_at DESC, r.id DESC`, args...)
	if err != nil {
		return nil, mapErr("find submissions", err)
	}
	defer rows.Close()
	return collectSubmissions(rows)
}
