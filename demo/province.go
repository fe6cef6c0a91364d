package demo

import (
	"context"

	"dxready/firms"
	"dxready/store"
)

// province builds the demo's firms a batch at a time: each firm is drawn
// whole (its record, memberships, assessments and sharing, in that order
// from the one random source), so the province is the same whatever the
// batch size, and a batch is written and dropped before the next is drawn.
type province struct {
	g      *generator
	opt    Options
	assocs []firms.Association
	res    *Result
	picks  accountPicks
}

func newProvince(g *generator, opt Options, assocs []firms.Association, res *Result) *province {
	if opt.BatchSize <= 0 {
		opt.BatchSize = DefaultBatch
	}
	return &province{g: g, opt: opt, assocs: assocs, res: res, picks: newAccountPicks(opt.Firms, len(assocs))}
}

// drawn is one batch of firms, from the from-th, with the association
// indexes of each.
type drawn struct {
	from   int
	firms  []store.LoadedFirm
	member [][]int
}

// build writes opt.Firms firms, stopping at the first error or when ctx
// ends. One goroutine draws the next batch while this one writes the last,
// so that the two cores share the work; at most three batches are held.
func (p *province) build(ctx context.Context, st *store.Store) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan drawn, 1)
	go func() {
		defer close(batches)
		for from := 0; from < p.opt.Firms; from += p.opt.BatchSize {
			select {
			case batches <- p.draw(from, min(p.opt.BatchSize, p.opt.Firms-from)):
			case <-ctx.Done():
				return
			}
		}
	}()
	for b := range batches {
		if err := p.write(ctx, st, b); err != nil {
			cancel()
			for range batches { // let the drawing goroutine end
			}
			return err
		}
	}
	return ctx.Err()
}

// write writes one batch and notes what the demo accounts need of it.
func (p *province) write(ctx context.Context, st *store.Store, b drawn) error {
	if err := st.LoadFirms(ctx, p.opt.Instrument, b.firms); err != nil {
		return err
	}
	for j, lf := range b.firms {
		p.count(lf)
		p.picks.note(b.from+j, lf.Firm, b.member[j])
	}
	if p.opt.Progress != nil {
		p.opt.Progress(b.from + len(b.firms))
	}
	return nil
}

// draw makes firms from..from+n-1.
func (p *province) draw(from, n int) drawn {
	b := drawn{from: from, firms: make([]store.LoadedFirm, n), member: make([][]int, n)}
	for j := range n {
		b.firms[j], b.member[j] = p.drawFirm()
	}
	store.PrepareLoad(b.firms) // here, not on the writing goroutine
	return b
}

// drawFirm makes the next firm with all it has done.
func (p *province) drawFirm() (store.LoadedFirm, []int) {
	f := p.g.firm()
	member := p.g.memberships(f)
	lf := store.LoadedFirm{Firm: f}
	for _, i := range member {
		lf.Associations = append(lf.Associations, p.assocs[i].ID)
	}
	if p.opt.Instrument == nil {
		return lf, member
	}
	lf.Submissions = p.g.submissions(p.opt.Instrument, f, len(member), p.opt.Now)
	if len(lf.Submissions) > 0 {
		for _, k := range p.g.shares(member) {
			lf.SharesWith = append(lf.SharesWith, lf.Associations[k])
		}
	}
	return lf, member
}

func (p *province) count(lf store.LoadedFirm) {
	p.res.Firms++
	p.res.Memberships += len(lf.Associations)
	p.res.Submissions += len(lf.Submissions)
	p.res.Sharing += len(lf.SharesWith)
}

// demoFirmAccounts is how many firm accounts the demo makes.
const demoFirmAccounts = 20

// firmRef is a firm a demo account belongs to.
type firmRef struct {
	ID   int64
	Name string
}

// accountPicks keeps, as the province streams by, the few firms the demo
// accounts belong to: the first members of each association (firm
// account i takes member (i/associations)*7 of association
// i%associations, so every association has a demo firm to show) and, for
// an association with no members, the firm at position i*7919.
type accountPicks struct {
	firms   int
	keep    int         // members kept per association
	members [][]firmRef // per association, its first keep members
	at      map[int]firmRef
}

func newAccountPicks(n, assocs int) accountPicks {
	p := accountPicks{firms: n, keep: ((demoFirmAccounts-1)/max(assocs, 1))*7 + 1, members: make([][]firmRef, assocs), at: map[int]firmRef{}}
	for i := range demoFirmAccounts {
		p.at[(i*7919)%n] = firmRef{}
	}
	return p
}

// note sees firm f, the pos-th, a member of the associations member.
func (p *accountPicks) note(pos int, f *firms.Firm, member []int) {
	ref := firmRef{f.ID, f.Name}
	if _, ok := p.at[pos]; ok {
		p.at[pos] = ref
	}
	for _, a := range member {
		if len(p.members[a]) < p.keep {
			p.members[a] = append(p.members[a], ref)
		}
	}
}

// firmAccount is the firm of demo firm account i.
func (p *accountPicks) firmAccount(i int) firmRef {
	if m := p.members[i%len(p.members)]; len(m) > 0 {
		return m[(i/len(p.members))*7%len(m)]
	}
	return p.at[(i*7919)%p.firms]
}
