package store

import (
	"slices"
	"strings"

	"dxready/disclosure"
)

// Group is a set of firms a result is compared with.
type Group struct {
	AssociationID int64  // members of this association, or
	Division      string // firms whose VSIC code starts with these two digits
}

// Compare returns the figures of group g's current results without firm
// firmID's own, protected by package disclosure. The firm's figures are
// left out but not its keys: the noise is the group's, the same for every
// firm that looks, so firms that pool their pages (or one person with many
// accounts) all see one noise, not one each. A firm that submits again
// changes the half of the noise keyed by results, never the half keyed by
// firms. An association's results are split into those shared with it and
// the rest, as on its dashboard; an industry is one stratum.
func (snap *Snapshot) Compare(firmID int64, g Group) disclosure.Figures {
	st := snap.groupStrata(g)
	if i, ok := snap.byID[firmID]; ok {
		sf := &snap.Firms[i]
		if cur, ok := sf.AsOf(snap.current()); ok && g.has(sf) {
			st.exclude(cur, g.AssociationID != 0 && slices.Contains(sf.Strata, g.AssociationID))
		}
	}
	return st.figures()
}

func (g Group) has(sf *SnapFirm) bool {
	if g.AssociationID != 0 {
		return slices.Contains(sf.Assocs, g.AssociationID)
	}
	return g.Division != "" && sf.Division == strings.TrimSpace(g.Division)
}

// groupStrata returns a copy of g's tallies, computed once per snapshot.
func (snap *Snapshot) groupStrata(g Group) strata {
	if v, ok := snap.groups.Load(g); ok {
		return v.(strata).clone()
	}
	st := snap.computeGroup(g)
	snap.groups.Store(g, st)
	return st.clone()
}

func (snap *Snapshot) computeGroup(g Group) strata {
	st := newStrata(len(snap.Pillars))
	now := snap.current()
	for i := range snap.Firms {
		sf := &snap.Firms[i]
		if !g.has(sf) {
			continue
		}
		if cur, ok := sf.AsOf(now); ok {
			st.add(cur, g.AssociationID != 0 && slices.Contains(sf.Strata, g.AssociationID))
		}
	}
	return st
}

// exclude takes r's figures out of the strata but keeps its keys, so
// every firm of the group sees the same noise (disclosure.Tally.Exclude).
func (s *strata) exclude(r SnapResult, shared bool) {
	i := 1
	if shared {
		i = 0
	}
	s[i].Exclude(r.Record())
}

// clone copies the tallies' pillar slices, so a caller's Remove leaves the
// cached strata whole.
func (s strata) clone() strata {
	for i := range s {
		s[i].Pillars = slices.Clone(s[i].Pillars)
	}
	return s
}
