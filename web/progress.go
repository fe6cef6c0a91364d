package web

import (
	"context"
	"slices"
	"strings"
	"time"

	"dxready/advisors"
	"dxready/locale"
	"dxready/store"
	"dxready/survey"
)

// changeRow is one pillar's T0 → T1 change as a page shows it.
type changeRow struct {
	Pillar        string
	Before, After float64
	Delta         float64
	Class         string // delta-up, delta-down or ""
	Count         int    // consultations averaged (the Center's view)
}

// progressView is a consultation's T0 → T1 comparison.
type progressView struct {
	Consulted  string // date of the consultation
	Before     string // date of T0
	After      string // date of T1; "" while the firm has not re-assessed
	BookingURL string
	Rows       []changeRow
}

func changeClass(d float64) string {
	switch {
	case d >= 0.05:
		return "delta-up"
	case d <= -0.05:
		return "delta-down"
	}
	return ""
}

func pillarOrder(in *survey.Instrument) []string {
	out := make([]string, len(in.Pillars))
	for i, pl := range in.Pillars {
		out[i] = pl.ID
	}
	return out
}

// consultationProgress compares the firm's result before the completed
// consultation b with its re-assessment after it; nil when b is not done
// or the firm had no result before it.
func (s *Server) consultationProgress(ctx context.Context, b *store.Booking, loc *locale.Localizer, l string) (*progressView, error) {
	if b.Status != store.BookingDone {
		return nil, nil
	}
	subs, err := s.baselineCandidates(ctx, b)
	if err != nil {
		return nil, err
	}
	times := make([]time.Time, len(subs))
	for i, sub := range subs {
		times[i] = sub.SubmittedAt
	}
	t0, t1 := advisors.Baseline(times, b.Period)
	if t0 < 0 {
		return nil, nil
	}
	v := &progressView{Consulted: loc.Date(b.Start), Before: loc.Date(subs[t0].SubmittedAt), BookingURL: bookingURL(b.ID, "")}
	if t1 < 0 || subs[t1].Instrument != subs[t0].Instrument {
		return v, nil
	}
	v.After = loc.Date(subs[t1].SubmittedAt)
	in, ok := s.cfg.Instruments[subs[t0].Instrument]
	if !ok {
		in = s.defaultInstrument()
	}
	for _, c := range advisors.Progress(pillarOrder(in), subs[t0].Pillars, subs[t1].Pillars) {
		v.Rows = append(v.Rows, s.changeRow(in, c, l, 0))
	}
	return v, nil
}

// baselineCandidates are the submissions of b's firm that
// advisors.Baseline can choose, newest first: the latest, and the latest
// at or before the consultation's start. Baseline chooses the same from
// them as from the firm's whole history, which is not read.
func (s *Server) baselineCandidates(ctx context.Context, b *store.Booking) ([]store.Submission, error) {
	subs, err := s.store.FindSubmissions(ctx, store.SubmissionFilter{FirmID: b.FirmID, Limit: 1})
	if err != nil || len(subs) == 0 || !subs[0].SubmittedAt.After(b.Period.Start) {
		return subs, err
	}
	before, err := s.store.FindSubmissions(ctx, store.SubmissionFilter{FirmID: b.FirmID, UpTo: b.Period.Start, Limit: 1})
	return append(subs, before...), err
}

func (s *Server) changeRow(in *survey.Instrument, c advisors.PillarChange, l string, count int) changeRow {
	name := c.Pillar
	if pl, ok := in.Pillar(c.Pillar); ok {
		name = pl.Name.In(l)
	}
	return changeRow{Pillar: name, Before: c.Before, After: c.After, Delta: c.Delta(), Class: changeClass(c.Delta()), Count: count}
}

// programmeProgress is the average change per pillar over completed
// consultations (one advisor's, or the Center's with advisorID 0).
func (s *Server) programmeProgress(ctx context.Context, advisorID int64, l string) ([]changeRow, error) {
	ps, err := s.store.ConsultationProgress(ctx, advisorID)
	if err != nil {
		return nil, err
	}
	in := s.defaultInstrument()
	order := pillarOrder(in)
	slices.SortFunc(ps, func(a, b store.PillarProgress) int {
		return slices.Index(order, a.Pillar) - slices.Index(order, b.Pillar)
	})
	var out []changeRow
	for _, p := range ps {
		out = append(out, s.changeRow(in, advisors.PillarChange{Pillar: p.Pillar, Before: p.Before, After: p.After}, l, p.Consultations))
	}
	return out, nil
}

// resultSummary is a result in one line for an advisor preparing a
// consultation: score, level, weakest pillars.
func (s *Server) resultSummary(sub *store.Submission, loc *locale.Localizer, l string) string {
	if sub == nil {
		return loc.T("booking.no_result")
	}
	in, ok := s.cfg.Instruments[sub.Instrument]
	if !ok {
		in = s.defaultInstrument()
	}
	weak := weakest(in, sub.Pillars)
	names := pillarNames(in, weak[:min(2, len(weak))], l)
	return loc.T("booking.result_summary", "Score", loc.Decimal(sub.Overall, 1), "Level", sub.Level, "Weakest", strings.Join(names, ", "))
}

// pillarNames names the known pillars among ids in language l, in order.
func pillarNames(in *survey.Instrument, ids []string, l string) []string {
	var out []string
	for _, id := range ids {
		if pl, ok := in.Pillar(id); ok {
			out = append(out, pl.Name.In(l))
		}
	}
	return out
}

// weakest orders the scored pillars weakest first (instrument order on ties).
func weakest(in *survey.Instrument, scores map[string]float64) []string {
	var ids []string
	for _, pl := range in.Pillars {
		if _, ok := scores[pl.ID]; ok {
			ids = append(ids, pl.ID)
		}
	}
	slices.SortStableFunc(ids, func(a, b string) int {
		switch da, db := scores[a], scores[b]; {
		case da < db:
			return -1
		case da > db:
			return 1
		}
		return 0
	})
	return ids
}
