package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"dxready/advisors"
	"dxready/disclosure"
	"dxready/locale"
	"dxready/store"
	"dxready/survey"
)

// qualityWeeks is how many ISO weeks of utilisation the page shows,
// ending with the current one; qualityQuarters how many quarters.
const (
	qualityWeeks    = 8
	qualityQuarters = 8
)

// scoreChangeCache keeps the score change T0 → T1 (the one figure of the
// quality page that reads bookings and results: about 0.1 s at 50,000
// bookings) for one value of the counters' seq, which every booking
// status, booking move and submitted result changes. A view whose seq
// moved gets the figures of the last computation at once and starts one
// recomputation after the response (stale while revalidating), so no view
// waits for it but the first after a start.
type scoreChangeCache struct {
	mu         sync.Mutex
	seq        int64
	ok         bool
	refreshing bool
	changes    []store.PillarChange
	log        func(msg string, args ...any)
}

func (c *scoreChangeCache) get(ctx context.Context, seq int64, read func(context.Context) ([]store.PillarChange, error)) ([]store.PillarChange, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.ok && c.seq == seq:
		return c.changes, nil
	case c.ok:
		if !c.refreshing {
			c.refreshing = true
			go c.refresh(context.WithoutCancel(ctx), seq, read)
		}
		return c.changes, nil
	}
	ch, err := read(ctx)
	if err != nil {
		return nil, err
	}
	c.seq, c.ok, c.changes = seq, true, ch
	return ch, nil
}

// refresh computes the figures for seq and keeps them; a failure is
// logged, and the next view tries again.
func (c *scoreChangeCache) refresh(ctx context.Context, seq int64, read func(context.Context) ([]store.PillarChange, error)) {
	ch, err := read(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.refreshing = false
	if err != nil {
		if c.log != nil {
			c.log("score change not recomputed", "seq", seq, "err", err)
		}
		return
	}
	c.seq, c.changes = seq, ch
}

type rateCells struct {
	Label                   string
	Held, NoShow, Cancelled string // shares, formatted
	Counts                  advisors.Rates
	Known                   int
}

type utilCell struct {
	Booked, Open string // hours
	Share        string // booked / open; "" when no open hours
}

type advisorQuality struct {
	Name    string
	Rates   rateCells
	Ratings int
	Mean    string // "" below advisors.MinRatings ratings
	Weeks   []utilCell
}

type pillarChangeRow struct {
	Name       string
	N          int
	Mean       string // signed, "" when suppressed
	Suppressed bool
}

type qualityPage struct {
	page
	Quarters   []rateCells
	WeekLabels []string
	Advisors   []advisorQuality
	WaitMedian string
	WaitN      int
	WaitBands  []rateCells // Label and Known (firms) only
	Changes    []pillarChangeRow
	MinGroup   int
	MinRatings int
}

// centerQuality is the consultation quality page of the Center staff.
func (s *Server) centerQuality(w http.ResponseWriter, r *http.Request) {
	ctx, loc := r.Context(), s.loc(r)
	monday := mondayOf(s.now())
	from := monday.AddDate(0, 0, -7*(qualityWeeks-1))
	c, err := s.store.QualityCounts(ctx, from, monday.AddDate(0, 0, 7))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	as, err := s.store.Advisors(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := s.defaultInstrument()
	changes, err := s.quality.get(ctx, c.Seq, func(ctx context.Context) ([]store.PillarChange, error) {
		return s.store.ScoreChanges(ctx, in.Key())
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := qualityPage{page: s.newPage(w, r, "page.quality.title"), MinGroup: disclosure.MinGroup, MinRatings: advisors.MinRatings}
	p.Quarters = quarterRates(c.Tallies, loc)
	weeks := make([]time.Time, qualityWeeks)
	for i := range weeks {
		weeks[i] = from.AddDate(0, 0, 7*i)
		y, wk := weeks[i].ISOWeek()
		p.WeekLabels = append(p.WeekLabels, loc.T("page.quality.week", "Week", wk, "Year", y))
	}
	p.Advisors = s.advisorQuality(as, c, weeks, loc)
	s.fillWait(&p, c.Wait, loc)
	p.Changes = changeRows(changes, in, loc)
	s.render(w, r, http.StatusOK, "center_quality", p)
}

// changeRows are the score changes as the page shows them: the mean
// change of a pillar only over disclosure.MinGroup firms or more, so no
// firm's own change can be read; the number of firms, a count, is exact.
func changeRows(changes []store.PillarChange, in *survey.Instrument, loc *locale.Localizer) []pillarChangeRow {
	var out []pillarChangeRow
	for _, ch := range changes {
		row := pillarChangeRow{Name: ch.Pillar, N: ch.N, Suppressed: ch.N < disclosure.MinGroup}
		if pl, ok := in.Pillar(ch.Pillar); ok {
			row.Name = pl.Name.In(loc.Lang)
		}
		if !row.Suppressed {
			row.Mean = signed(loc, ch.Sum/float64(ch.N))
		}
		out = append(out, row)
	}
	return out
}

// signed is v with one decimal in loc's style and its sign.
func signed(loc *locale.Localizer, v float64) string {
	if v > 0 {
		return "+" + loc.Decimal(v, 1)
	}
	return loc.Decimal(v, 1)
}

// rateCellsOf formats counts by status as the page shows them.
func rateCellsOf(label string, by map[string]int, loc *locale.Localizer) rateCells {
	rt := advisors.RatesOf(by)
	return rateCells{Label: label, Counts: rt, Known: rt.Held + rt.NoShow + rt.Cancelled,
		Held: loc.Percent(rt.HeldRate, 0), NoShow: loc.Percent(rt.NoShowRate, 0), Cancelled: loc.Percent(rt.CancelledRate, 0)}
}

// quarterRates are the rates of the latest quarters, newest first.
func quarterRates(ts []store.QualityTally, loc *locale.Localizer) []rateCells {
	by := map[string]map[string]int{}
	for _, t := range ts {
		if by[t.Quarter] == nil {
			by[t.Quarter] = map[string]int{}
		}
		by[t.Quarter][t.Status] += t.N
	}
	qs := make([]string, 0, len(by))
	for q := range by {
		qs = append(qs, q)
	}
	slices.Sort(qs)
	slices.Reverse(qs)
	var out []rateCells
	for _, q := range qs[:min(len(qs), qualityQuarters)] {
		out = append(out, rateCellsOf(q, by[q], loc))
	}
	return out
}

// advisorQuality is each advisor's rates (all quarters), mean rating and
// utilisation by week: booked hours against advisors.OpenMinutes.
func (s *Server) advisorQuality(as []*store.Advisor, c *store.QualityCounts, weeks []time.Time, loc *locale.Localizer) []advisorQuality {
	status := map[int64]map[string]int{}
	for _, t := range c.Tallies {
		if status[t.AdvisorID] == nil {
			status[t.AdvisorID] = map[string]int{}
		}
		status[t.AdvisorID][t.Status] += t.N
	}
	booked := map[string]int{}
	for _, wk := range c.Weeks {
		booked[fmt.Sprintf("%d|%s", wk.AdvisorID, wk.Week)] = wk.Minutes
	}
	hours := func(min int) string { return loc.Decimal(float64(min)/60, 1) }
	var out []advisorQuality
	for _, a := range as {
		row := advisorQuality{Name: a.Name, Rates: rateCellsOf(a.Name, status[a.ID], loc)}
		rt := c.Ratings[a.ID]
		row.Ratings = rt[0]
		if m, ok := advisors.MeanRating(rt[0], rt[1]); ok {
			row.Mean = loc.Decimal(m, 1)
		}
		for _, wk := range weeks {
			open := advisors.OpenMinutes(a.Hours, a.Rules, c.Leave[a.ID], s.holidays, wk)
			b := booked[fmt.Sprintf("%d|%s", a.ID, wk.Format(time.DateOnly))]
			cell := utilCell{Booked: hours(b), Open: hours(open)}
			if open > 0 {
				cell.Share = loc.Percent(float64(b)/float64(open), 0)
			}
			row.Weeks = append(row.Weeks, cell)
		}
		out = append(out, row)
	}
	return out
}

// fillWait is the days from result to first booking: median and bands.
func (s *Server) fillWait(p *qualityPage, hist []advisors.DayCount, loc *locale.Localizer) {
	med, n := advisors.MedianDays(hist)
	p.WaitN = n
	if n > 0 {
		p.WaitMedian = loc.Decimal(med, 1)
	}
	bands := advisors.Banded(hist)
	for i, lo := range advisors.DayBands {
		label := loc.T("page.quality.band_open", "From", lo)
		if i+1 < len(advisors.DayBands) {
			label = loc.T("page.quality.band", "From", lo, "To", advisors.DayBands[i+1]-1)
		}
		p.WaitBands = append(p.WaitBands, rateCells{Label: label, Known: bands[i]})
	}
}
