package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"dxready/firms"
	"dxready/locale"
	"dxready/store"
)

// dimDistrict is the former district (before the 2025 reform) of a ward:
// not a group of cells of its own, but the union of its wards'.
const dimDistrict = "district"

// provinceDims are the dimensions the province dashboard filters and
// breaks down by, in the order its form shows them.
var provinceDims = []string{store.DimAssociation, store.DimSection, store.DimDivision, store.DimSize, dimDistrict, store.DimWard, store.DimPark}

// provinceSelection is the set of firms the province dashboard shows: the
// whole province, or the firms of one value of one dimension.
type provinceSelection struct {
	Dim, Value string
	Groups     []string // the cells' groups whose union it is
	Ignored    []string // dimensions also asked for, which the page does not combine
}

// selectionOf reads the filter from the query: the first dimension given,
// in provinceDims' order. The cells hold one dimension at a time, so a
// second one is named as ignored rather than silently dropped.
func (s *Server) selectionOf(q url.Values) provinceSelection {
	sel := provinceSelection{Groups: []string{store.GroupKey("", "")}}
	for _, dim := range provinceDims {
		v := q.Get(dim)
		if v == "" {
			continue
		}
		if sel.Dim != "" {
			sel.Ignored = append(sel.Ignored, dim)
			continue
		}
		sel.Dim, sel.Value, sel.Groups = dim, v, s.groupsOf(dim, v)
	}
	return sel
}

// groupsOf is the union of cells' groups of one value of a dimension: a
// district's wards, or the one group; none for a value that names nothing.
func (s *Server) groupsOf(dim, value string) []string {
	if dim == dimDistrict {
		var gs []string
		for _, w := range s.ref.Wards {
			if w.FormerDistrictCode == value {
				gs = append(gs, store.GroupKey(store.DimWard, w.Code))
			}
		}
		return gs
	}
	if g := store.GroupKey(dim, value); g != "" {
		return []string{g}
	}
	return nil
}

// registryOf is how many firms of the registry the groups hold.
func registryOf(groups []string, registry map[string]int) int {
	n := 0
	for _, g := range groups {
		n += registry[g]
	}
	return n
}

// dimValues lists a dimension's values with their names, in the order a
// person looks for them: associations by name, codes in code order, wards
// and districts by name. Reference lists are built once per language (a
// page shows seven of them); the caller gets its own copy to mark.
func (s *Server) dimValues(dim string, assocs []firms.Association, loc *locale.Localizer, l string) []option {
	if dim == store.DimAssociation {
		var out []option
		for _, a := range assocs {
			out = append(out, option{Value: strconv.FormatInt(a.ID, 10), Label: a.Name(l)})
		}
		return sortByName(out)
	}
	key := dim + "/" + l
	if v, ok := s.dimOptions.Load(key); ok {
		return slices.Clone(v.([]option))
	}
	out := s.referenceValues(dim, loc, l)
	s.dimOptions.Store(key, out)
	return slices.Clone(out)
}

func (s *Server) referenceValues(dim string, loc *locale.Localizer, l string) []option {
	var out []option
	switch dim {
	case store.DimSection, store.DimDivision:
		width := map[string]int{store.DimSection: 1, store.DimDivision: 2}[dim]
		for _, i := range s.ref.Industries {
			if i.Version == firms.VSICVersion2018 && len(i.Code) == width {
				out = append(out, option{Value: i.Code, Label: i.Code + " – " + i.Name(l)})
			}
		}
		return out
	case store.DimSize:
		for _, sz := range firms.SizeClasses {
			out = append(out, option{Value: string(sz), Label: loc.T("size." + string(sz))})
		}
		return out
	case store.DimWard:
		for _, w := range s.ref.Wards {
			out = append(out, option{Value: w.Code, Label: w.Name})
		}
	case dimDistrict:
		seen := map[string]bool{}
		for _, w := range s.ref.Wards {
			if !seen[w.FormerDistrictCode] {
				seen[w.FormerDistrictCode] = true
				out = append(out, option{Value: w.FormerDistrictCode, Label: w.FormerDistrictName})
			}
		}
	case store.DimPark:
		for _, p := range s.ref.Parks {
			out = append(out, option{Value: p.Code, Label: p.Name})
		}
	}
	return sortByName(out)
}

// sortByName sorts options by their names without diacritics (đ after d),
// each name folded once.
func sortByName(out []option) []option {
	keys := make(map[string]string, len(out))
	for _, o := range out {
		keys[o.Label] = firms.Fold(o.Label)
	}
	slices.SortStableFunc(out, func(a, b option) int { return strings.Compare(keys[a.Label], keys[b.Label]) })
	return out
}

// dimLabel names one value of a dimension, or the value itself when the
// reference does not know it.
func (s *Server) dimLabel(dim, value string, assocs []firms.Association, loc *locale.Localizer, l string) string {
	if value == "" {
		return loc.T("common.not_given")
	}
	for _, o := range s.dimValues(dim, assocs, loc, l) {
		if o.Value == value {
			return o.Label
		}
	}
	return value
}
