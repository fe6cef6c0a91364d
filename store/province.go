package store

import (
	"slices"
	"strconv"
	"strings"

	"dxready/disclosure"
	"dxready/scoring"
)

// Dimensions the Center's figures are cut by. A district (the former
// district of a ward, before the 2025 reform) is the union of its wards'
// groups; the caller, who holds the reference data, names them.
const (
	DimAssociation = "association"
	DimSection     = "section"
	DimDivision    = "division"
	DimSize        = "size"
	DimWard        = "ward"
	DimPark        = "park"
)

// GroupKey is the cells' group of firms whose dimension dim is value
// ("" and "" for the whole province); "" for a dimension the cells do not
// keep or an association that is not a number.
func GroupKey(dim, value string) string {
	switch dim {
	case "":
		return groupProvince
	case DimAssociation:
		if id, err := strconv.ParseInt(value, 10, 64); err == nil && id > 0 {
			return assocGroup(id)
		}
	case DimSection:
		return groupSection + value
	case DimDivision:
		return groupDivision + value
	case DimSize:
		return groupSize + value
	case DimWard:
		return groupWard + value
	case DimPark:
		return groupPark + value
	}
	return ""
}

// GroupValue is the dimension's value a group key of dim names.
func GroupValue(dim, key string) string {
	if dim == DimAssociation {
		return strings.TrimPrefix(key, groupAssoc)
	}
	return key[min(2, len(key)):]
}

// Union returns the protected figures of the results current at the end of
// quarter q in the union of groups (disjoint groups: a ward's, a district's
// wards): their tallies added, stratum by stratum, then protected as one
// cell, so a district's figures are the same whichever way they are asked.
func (snap *Snapshot) Union(groups []string, q scoring.Quarter) disclosure.Figures {
	return snap.unionStrata(groups, q).figures()
}

func (snap *Snapshot) unionStrata(groups []string, q scoring.Quarter) strata {
	st := strata{disclosure.NewTally(len(snap.Pillars)), disclosure.NewTally(len(snap.Pillars))}
	for _, g := range groups {
		gs := snap.strataAt(g, q)
		st[0].Merge(gs[0])
		st[1].Merge(gs[1])
	}
	return st
}

// UnionTrend is Union at the end of each of the TrendQuarters quarters up
// to last.
func (snap *Snapshot) UnionTrend(groups []string, last scoring.Quarter) []TrendPoint {
	var out []TrendPoint
	for _, q := range scoring.LastQuarters(last, TrendQuarters) {
		out = append(out, TrendPoint{Quarter: q, Figures: snap.Union(groups, q)})
	}
	return out
}

// GroupsOf lists the groups of dimension dim that hold a result at the end
// of quarter q or a firm of the registry (registry from RegistryCounts),
// sorted by key.
func (snap *Snapshot) GroupsOf(dim string, q scoring.Quarter, registry map[string]int) []string {
	prefix := GroupKey(dim, "")
	if prefix == "" || prefix == groupProvince {
		return nil
	}
	seen := map[string]bool{}
	for g := range registry {
		if strings.HasPrefix(g, prefix) {
			seen[g] = true
		}
	}
	for _, g := range snap.s.cells.groupsWith(snap.Instrument, prefix) {
		if t := snap.strataAt(g, q); t[0].N+t[1].N > 0 {
			seen[g] = true
		}
	}
	out := make([]string, 0, len(seen))
	for g := range seen {
		out = append(out, g)
	}
	slices.Sort(out)
	return out
}

// Estimate is the registry-weighted estimate (disclosure.PostStratify) for
// the firms of section (all sections when "") and size class (all when
// ""), at the end of quarter q: its strata are section × size class. A
// stratum with fewer than disclosure.MinGroup results is pooled with the
// others like it (their tallies added and protected as one cell, weighed
// by their registry together); a pool still too small is left out, and
// the estimate then speaks for fewer firms (Estimate.Registry).
func (snap *Snapshot) Estimate(section, size string, q scoring.Quarter, registry map[string]int) (disclosure.Estimate, bool) {
	return snap.estimate(section, size, q, registry, strata.figures)
}

// PublicEstimate is Estimate with open data's protection
// (disclosure.ProtectPublic) on every stratum and pool.
func (snap *Snapshot) PublicEstimate(section, size string, q scoring.Quarter, registry map[string]int) (disclosure.Estimate, bool) {
	return snap.estimate(section, size, q, registry, strata.public)
}

// PublicFigures are open data's figures (disclosure.ProtectPublic) of the
// union of groups (as Union) at the end of quarter q.
func (snap *Snapshot) PublicFigures(groups []string, q scoring.Quarter) disclosure.Figures {
	return snap.unionStrata(groups, q).public()
}

func (snap *Snapshot) estimate(section, size string, q scoring.Quarter, registry map[string]int, protect func(strata) disclosure.Figures) (disclosure.Estimate, bool) {
	var strata []disclosure.Stratum
	pool, poolRegistry := snap.unionStrata(nil, q), 0
	for g, n := range registry {
		sec, sz, ok := strings.Cut(strings.TrimPrefix(g, groupStratum), "|")
		if !strings.HasPrefix(g, groupStratum) || !ok || (section != "" && sec != section) || (size != "" && sz != size) {
			continue
		}
		st := snap.strataAt(g, q)
		if st[0].N+st[1].N < disclosure.MinGroup {
			pool[0].Merge(st[0])
			pool[1].Merge(st[1])
			poolRegistry += n
			continue
		}
		strata = append(strata, disclosure.Stratum{Registry: n, Figures: protect(st)})
	}
	strata = append(strata, disclosure.Stratum{Registry: poolRegistry, Figures: protect(pool)})
	return disclosure.PostStratify(strata)
}
