package store

import (
	"context"
	"database/sql"
	"strings"

	"dxready/scoring"
)

// insertPillarScores replaces responseID's pillar scores with r's, all
// pillars in one INSERT of as many rows (a statement per pillar was six
// runs a submission). The scores are bound, never written as text, so
// each is stored as the very float64 scoring computed.
func insertPillarScores(ctx context.Context, tx *sql.Tx, responseID int64, r scoring.Result) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM pillar_scores WHERE response_id = ?", responseID); err != nil {
		return err
	}
	if len(r.Pillars) == 0 {
		return nil
	}
	args := make([]any, 0, 4*len(r.Pillars))
	for _, p := range r.Pillars {
		args = append(args, responseID, p.PillarID, p.Score, p.Scored)
	}
	_, err := tx.ExecContext(ctx, pillarScoresInsert(len(r.Pillars)), args...)
	return mapErr("pillar score", err)
}

// pillarScoresInserts are the INSERTs of 1 to 16 pillars' scores: an
// instrument's pillars are few, and one text per count keeps the writer's
// kept statements (stmtcache.go) to those few.
var pillarScoresInserts = func() (qs [17]string) {
	for n := 1; n < len(qs); n++ {
		qs[n] = "INSERT INTO pillar_scores (response_id, pillar, score, scored) VALUES (?, ?, ?, ?)" + strings.Repeat(", (?, ?, ?, ?)", n-1)
	}
	return qs
}()

func pillarScoresInsert(n int) string {
	if n < len(pillarScoresInserts) {
		return pillarScoresInserts[n]
	}
	return "INSERT INTO pillar_scores (response_id, pillar, score, scored) VALUES (?, ?, ?, ?)" + strings.Repeat(", (?, ?, ?, ?)", n-1)
}
