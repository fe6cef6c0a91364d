package store_test

import (
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// TestAFirmSubmittingAllDayKeepsItsInputsBounded is the attack of a firm
// that submits again and again (a script, or a user trying every answer
// to see the score move): each submission decodes, walks and writes the
// firm's kept inputs in the writer's transaction, which every other
// firm's saves wait for. They must stay the size of its quarters, not of
// its submissions, while the cells still equal a full recomputation and
// the lead's most improved still starts from the firm's first result of
// the window.
func TestAFirmSubmittingAllDayKeepsItsInputsBounded(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	w := &cellsWorld{t: t, s: s, fx: fx, in: in, rng: rand.New(rand.NewPCG(14, 14))}
	id := fx.GoDuc.ID
	if err := s.AddMemberships(ctx, fx.Wood.ID, []int64{id}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddSharing(ctx, fx.Wood.ID, []int64{id}); err != nil {
		t.Fatal(err)
	}
	db := openRaw(t, s)
	size := func() int {
		var n int
		if err := db.QueryRowContext(ctx, "SELECT length(data) FROM agg_inputs WHERE firm_id = ?", id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	kept := func() int {
		n, err := store.KeptResults(s, id)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	start := fx.Clock.Now()
	submit := func(overall float64) {
		d, err := s.Draft(ctx, id, in, survey.Profile{Section: "C", Size: "small"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		r := w.result()
		r.Overall, r.Level = overall, int(overall/20)
		if err := s.SubmitResponse(ctx, d.ID, id, 0, d.Version(), r); err != nil {
			t.Fatal(err)
		}
		fx.Clock.Add(3 * time.Minute)
	}
	submit(10) // the first of the quarter
	submit(11)
	submit(12)
	after3, kept3 := size(), kept()
	for i := range 60 {
		submit(20 + float64(i)/2)
	}
	submit(90) // the last of the quarter
	if got := kept(); got != 2 || kept3 != 2 {
		t.Fatalf("the firm's kept inputs hold %d results after 3 submissions and %d after 64 in the same quarter, want the first and last: 2", kept3, got)
	}
	// Each result carries its record key, a random uint32 written as a
	// varint of 1 to 5 bytes: the last result's key may be longer or
	// shorter than the one before it, by at most 4 bytes. (A result is ~80
	// bytes: 64 kept would be ~5 KB.)
	if got := size(); got > after3+4 {
		t.Fatalf("the firm's kept inputs grew from %d bytes after 3 submissions to %d after 64 in the same quarter", after3, got)
	}
	w.check("after 64 submissions in a quarter", start)
	check, err := s.VerifyAggregates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if check.BadInputs != 0 || check.BadCells != 0 {
		t.Fatalf("verify after 64 submissions: %+v", check)
	}
	snap, err := s.Snapshot(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	a := aggregate(t, snap, store.AggFilter{AssociationID: fx.Wood.ID})
	var mine *store.Improvement
	for i := range a.Improved {
		if a.Improved[i].FirmID == id {
			mine = &a.Improved[i]
		}
	}
	if mine == nil || mine.From.Overall != 10 || mine.To.Overall != 90 {
		t.Fatalf("most improved of the quarter, from its first result (10) to its last (90): %+v", a.Improved)
	}
	if q := scoring.QuarterOf(start); q != scoring.QuarterOf(fx.Clock.Now()) {
		t.Fatalf("the submissions left the quarter %v: the test did not test one quarter", q)
	}
}

// TestAnOlderCellsLayoutIsDerivedAgainAtTheStart: a database whose cells
// are of the layout before compaction (format 3: every result kept) is
// derived again when the store starts (Migrate), says so in its log, and then
// verifies clean.
func TestAnOlderCellsLayoutIsDerivedAgainAtTheStart(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	storetest.SevenWoodFirms(t, s, fx, in)
	db := openRaw(t, s)
	for _, q := range []string{"UPDATE agg_meta SET n = 3 WHERE name = 'format'", "DELETE FROM agg_inputs", "DELETE FROM agg_cells"} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	log := &storetest.LogBuffer{}
	again, err := store.Open(ctx, s.Path(), store.Options{Clock: fx.Clock.Now, Logger: slog.New(slog.NewTextHandler(log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if _, err := again.Migrate(ctx); err != nil { // as every start does
		t.Fatal(err)
	}
	if got := log.String(); !strings.Contains(got, "older layout") || !strings.Contains(got, "from=3 to=4") || !strings.Contains(got, "derived again") {
		t.Fatalf("the start did not say it derived the cells again:\n%s", got)
	}
	check, err := again.VerifyAggregates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if check.Firms != 7 || check.BadInputs != 0 || check.BadCells != 0 {
		t.Fatalf("after the start: %+v", check)
	}
}
