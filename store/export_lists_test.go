package store

import "context"

// MatchingFirmIDs lists the ids of the firms f's filters match, in id
// order, with the name words tested per row (perRow, as a walk along the
// name index does) or through firms_fts (as counts and sorted pages do).
func MatchingFirmIDs(s *Store, f FirmFilter, perRow bool) ([]int64, error) {
	where, args, _ := firmWhere(f, perRow)
	rows, err := s.r.QueryContext(context.Background(), "SELECT f.id FROM firms f WHERE "+where+" ORDER BY f.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
