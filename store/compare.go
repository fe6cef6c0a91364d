package store

import (
	"context"
	"errors"
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
	if g.key() == "" {
		return disclosure.Protect(disclosure.NewTally(len(snap.Pillars))), nil
	}
	in, err := snap.firmInputs(ctx, firmID)
	if err != nil {
		return disclosure.Figures{}, err
	}
	return snap.CompareFirm(FirmInputs{in: in, read: true}, g)
}

// FirmInputs are what one firm contributes to the figures, read once for
// all of its comparisons (ResultReads.Inputs).
type FirmInputs struct {
	in   *firmInputs // nil: the firm has no result
	read bool
}

// CompareFirm is Compare for the firm whose inputs f are, read already:
// the same figures without a read per group. Inputs that were never
// read are an error, not a firm without results, which would leave the
// firm's own result in its groups' figures.
func (snap *Snapshot) CompareFirm(f FirmInputs, g Group) (disclosure.Figures, error) {
	if !f.read {
		return disclosure.Figures{}, errors.New("store: compare: the firm's inputs were not read")
	}
	gk := g.key()
	if gk == "" {
		return disclosure.Protect(disclosure.NewTally(len(snap.Pillars))), nil
	}
	q := scoring.QuarterOf(snap.BuiltAt)
	st := snap.strataAt(gk, q)
	if f.in != nil {
		if r, shared, ok := f.in.current(snap.Instrument, gk, quarterIndex(q)); ok {
			st.exclude(r, shared)
		}
	}
	return st.figures(), nil
}
