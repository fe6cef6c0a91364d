package store

import (
	"context"
	"strings"

	"dxready/disclosure"
	"dxready/scoring"
)

// Group is a set of firms a result is compared with.
type Group struct {
	AssociationID int64  // members of this association, or
	Division      string // firms whose VSIC code starts with these two digits
}

// key is the group's cells; "" for a group that names nothing.
func (g Group) key() string {
	if g.AssociationID != 0 {
		return assocGroup(g.AssociationID)
	}
	if d := strings.TrimSpace(g.Division); d != "" {
		return groupDivision + d
	}
	return ""
}

// Compare returns the figures of group g's current results without firm
// firmID's own, protected by package disclosure. The firm's figures are
// left out but not its keys: the noise is the group's, the same for every
// firm that looks, so firms that pool their pages (or one person with many
// accounts) all see one noise, not one each. A firm that submits again
// changes the half of the noise keyed by results, never the half keyed by
// firms. An association's results are split into those shared with it and
// the rest, as on its dashboard; an industry is one stratum. The group's
// tallies are its cells, kept up to date by every write: a submission
// elsewhere changes them by one result and costs a comparison nothing.
func (snap *Snapshot) Compare(ctx context.Context, firmID int64, g Group) (disclosure.Figures, error) {
	gk := g.key()
	if gk == "" {
		return disclosure.Protect(disclosure.NewTally(len(snap.Pillars))), nil
	}
	q := scoring.QuarterOf(snap.BuiltAt)
	st := snap.strataAt(gk, q)
	in, err := snap.firmInputs(ctx, firmID)
	if err != nil {
		return disclosure.Figures{}, err
	}
	if in != nil {
		if r, shared, ok := in.current(snap.Instrument, gk, quarterIndex(q)); ok {
			st.exclude(r, shared)
		}
	}
	return st.figures(), nil
}
