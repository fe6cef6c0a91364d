package store

import (
	"context"
	"database/sql"
	"fmt"
)

// ExecForTest runs one write on s, as a test that drives the tables the
// quality counters follow needs (statuses, moves, deletes).
func ExecForTest(s *Store, q string, args ...any) error {
	return s.inTx(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(q, args...)
		return err
	})
}

// QualityDrift compares the quality counters with a recount from the
// bookings and ratings; "" when they agree, else the first difference.
func QualityDrift(s *Store) (string, error) {
	for _, c := range []struct{ kept, recount string }{
		{"SELECT quarter, advisor_id, status, n FROM quality_tally WHERE n <> 0 ORDER BY 1, 2, 3",
			`SELECT strftime('%Y', start_at + 25200, 'unixepoch') || '-Q' || ((CAST(strftime('%m', start_at + 25200, 'unixepoch') AS INTEGER) + 2) / 3),
				advisor_id, status, COUNT(*) FROM bookings GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`},
		{"SELECT week, advisor_id, minutes FROM quality_week WHERE minutes <> 0 ORDER BY 1, 2",
			`SELECT date(start_at + 25200, 'unixepoch', 'weekday 0', '-6 days'), advisor_id, SUM((end_at - start_at) / 60)
				FROM bookings WHERE status <> 'cancelled' GROUP BY 1, 2 ORDER BY 1, 2`},
		{"SELECT days, n FROM quality_wait WHERE n <> 0 ORDER BY 1", "SELECT days, COUNT(*) FROM quality_first_booking GROUP BY 1 ORDER BY 1"},
		{"SELECT advisor_id, n, total FROM quality_ratings WHERE n <> 0 ORDER BY 1",
			"SELECT advisor_id, COUNT(*), SUM(rating) FROM booking_ratings GROUP BY 1 ORDER BY 1"},
	} {
		a, err := dump(s, c.kept)
		if err != nil {
			return "", err
		}
		b, err := dump(s, c.recount)
		if err != nil {
			return "", err
		}
		if a != b {
			return fmt.Sprintf("kept %s\nrecount %s", a, b), nil
		}
	}
	return "", nil
}

func dump(s *Store, q string) (string, error) {
	rows, err := s.r.Query(q)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	out := ""
	for rows.Next() {
		v := make([]any, len(cols))
		p := make([]any, len(cols))
		for i := range v {
			p[i] = &v[i]
		}
		if err := rows.Scan(p...); err != nil {
			return "", err
		}
		out += fmt.Sprint(v...) + ";"
	}
	return out, rows.Err()
}

// LastBookingID is the id of the booking written last.
func LastBookingID(s *Store) (int64, error) {
	var id int64
	err := s.r.QueryRow("SELECT MAX(id) FROM bookings").Scan(&id)
	return id, err
}
