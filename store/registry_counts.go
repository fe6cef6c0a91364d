package store

import (
	"context"
	"strings"
)

// RegistryCounts returns how many firms the registry holds in each group
// of the cells, keyed as the cells are ("p", "d:16", "s:C", "z:small",
// "w:25747", "k:vsip2", "x:C|small", and "a:<id>" for an association's
// members), from counters that triggers keep (migrations 0018 and 0019):
// a few hundred rows, whatever the number of firms. Groups that hold no
// firm are left out.
func (s *Store) RegistryCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT name, n FROM counters WHERE (name LIKE 'reg:%' OR name LIKE 'members:%') AND n > 0")
	if err != nil {
		return nil, mapErr("registry counts", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var name string
		var n int
		if err := rows.Scan(&name, &n); err != nil {
			return nil, err
		}
		if g, ok := strings.CutPrefix(name, "reg:"); ok {
			out[g] = n
		} else if id, ok := strings.CutPrefix(name, "members:"); ok {
			out[groupAssoc+id] = n
		}
	}
	return out, mapErr("registry counts", rows.Err())
}
