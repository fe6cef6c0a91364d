package store

import "context"

// queryIDs runs a query of one integer column (ids, in the order the query
// gives) on q, a pool or a transaction; what names an error (mapErr).
func queryIDs(ctx context.Context, q querier, what, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, mapErr(what, err)
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
	return ids, mapErr(what, rows.Err())
}
