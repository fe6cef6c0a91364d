package store

import (
	"context"
	"slices"
	"sync"
)

// sharedFirm is a member that shares its results with an association:
// the lead may see each of its results, so figures over such members are
// exact, and filter by their current dimensions.
type sharedFirm struct {
	ID                            int64
	Division, Section, Size, Ward string
	Results                       []resultInputs // on one instrument, in time order
}

// sharedSets keeps, per instrument and association, the sharing members
// read at one version of the association's members; any change to a member
// (a result, consent, dimension or membership) makes the next read load
// them again. Memory holds one set per association: its sharing members,
// not the registry.
type sharedSets struct {
	mu   sync.Mutex
	sets map[sharedKey]*sharedEntry
}

type sharedKey struct {
	instrument string
	assoc      int64
}

type sharedEntry struct {
	version [2]uint64
	firms   []sharedFirm
}

// sharedSet returns association a's sharing members with their results
// on instrument, loaded from agg_inputs when a member changed since.
func (s *Store) sharedSet(ctx context.Context, instrument string, a int64) ([]sharedFirm, error) {
	k := sharedKey{instrument, a}
	v := s.cells.assocVersion(a)
	s.shared.mu.Lock()
	e := s.shared.sets[k]
	s.shared.mu.Unlock()
	if e != nil && e.version == v {
		return e.firms, nil
	}
	firms, err := s.loadSharedSet(ctx, instrument, a)
	if err != nil {
		return nil, err
	}
	s.shared.mu.Lock()
	if s.shared.sets == nil {
		s.shared.sets = map[sharedKey]*sharedEntry{}
	}
	if old := s.shared.sets[k]; old == nil || old.version[0] < v[0] || old.version[0] == v[0] && old.version[1] <= v[1] {
		s.shared.sets[k] = &sharedEntry{version: v, firms: firms}
	}
	s.shared.mu.Unlock()
	return firms, nil
}

// loadSharedSet reads the members sharing with a, through the consent's
// primary key, and their inputs.
func (s *Store) loadSharedSet(ctx context.Context, instrument string, a int64) ([]sharedFirm, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT i.firm_id, i.data FROM result_sharing sh
		JOIN agg_inputs i ON i.firm_id = sh.firm_id WHERE sh.association_id = ? ORDER BY sh.firm_id`, a)
	if err != nil {
		return nil, mapErr("sharing members", err)
	}
	defer rows.Close()
	var out []sharedFirm
	for rows.Next() {
		var id int64
		var b []byte
		if err := rows.Scan(&id, &b); err != nil {
			return nil, err
		}
		in, err := decodeInputs(id, b)
		if err != nil {
			return nil, err
		}
		if in.membership(a) == nil {
			continue
		}
		sf := sharedFirm{ID: id, Division: in.Division, Section: in.Section, Size: in.Size, Ward: in.Ward}
		sf.Results = slices.DeleteFunc(in.Results, func(r resultInputs) bool { return r.Instrument != instrument })
		if len(sf.Results) > 0 {
			out = append(out, sf)
		}
	}
	return out, mapErr("sharing members", rows.Err())
}
