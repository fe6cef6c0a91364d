package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// Attacks on the submit note (txNote: store/cells_reuse.go,
// store/funnel_note.go): a second writer outside the store (another
// process, the sqlite3 shell, a CLI tool on a raw database/sql
// connection) changes the rows between or around the store's writes; the
// kept cells and funnel must still equal those derived again from the
// rows.

// funnelEqualsRebuild fails unless the kept funnel tallies equal those
// derived again from the rows (RebuildFunnel).
func funnelEqualsRebuild(t *testing.T, s *store.Store, when string) {
	t.Helper()
	db := openRaw(t, s)
	keptRows := rowsText(t, db, "SELECT * FROM funnel_firms ORDER BY firm_id")
	kept, _, err := s.FunnelCells(context.Background(), store.FunnelFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RebuildFunnel(context.Background()); err != nil {
		t.Fatal(err)
	}
	derived, _, err := s.FunnelCells(context.Background(), store.FunnelFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if !sameCells(kept, derived) {
		t.Fatalf("%s: funnel kept %v, derived again %v", when, kept, derived)
	}
	if derivedRows := rowsText(t, db, "SELECT * FROM funnel_firms ORDER BY firm_id"); !slices.Equal(keptRows, derivedRows) {
		t.Fatalf("%s: funnel rows kept %q, derived again %q", when, keptRows, derivedRows)
	}
}

// TestAttack17HandWritesAroundSubmissionsEqualARebuild: before each
// submission of one firm, and between its draft and its submission, a raw
// connection changes the firm's row, its memberships, its sharing, an
// earlier result's scores, another firm (deleted), or the firm's own
// drafts' times; after each submission the cells and the funnel equal a
// full derivation.
func TestAttack17HandWritesAroundSubmissionsEqualARebuild(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	w := &cellsWorld{t: t, s: s, fx: fx, in: in, rng: rand.New(rand.NewPCG(17, 1))}
	db := openRaw(t, s)
	id := fx.GoDuc.ID
	if err := s.AddMemberships(ctx, fx.Wood.ID, []int64{id}); err != nil {
		t.Fatal(err)
	}
	hand := []struct{ name, q string }{
		{"section", `UPDATE firms SET section = CASE section WHEN 'C' THEN 'G' ELSE 'C' END WHERE id = ?1`},
		{"ward", `UPDATE firms SET ward_code = CASE ward_code WHEN '25760' THEN '25813' ELSE '25760' END WHERE id = ?1`},
		{"leave", `DELETE FROM firm_associations WHERE firm_id = ?1`},
		{"join", `INSERT OR IGNORE INTO firm_associations (firm_id, association_id, since) SELECT ?1, id, '2026-01-01 00:00:00+00:00' FROM associations`},
		{"share", `INSERT OR IGNORE INTO result_sharing (firm_id, association_id, since) SELECT ?1, id, '2026-01-01 00:00:00+00:00' FROM associations`},
		{"withdraw", `DELETE FROM result_sharing WHERE firm_id = ?1`},
		{"pillar", `UPDATE pillar_scores SET score = score / 2 + 3 WHERE scored = 1 AND response_id =
			(SELECT MAX(id) FROM responses WHERE firm_id = ?1 AND status = 'submitted')`},
		{"overall", `UPDATE responses SET overall = 12.5, level = 1 WHERE id =
			(SELECT MIN(id) FROM responses WHERE firm_id = ?1 AND status = 'submitted')`},
		{"moved back", `UPDATE responses SET submitted_at = '2025-01-02 03:04:05+00:00' WHERE id =
			(SELECT MAX(id) FROM responses WHERE firm_id = ?1 AND status = 'submitted')`},
		{"other firm deleted", `DELETE FROM firms WHERE id = (SELECT MAX(id) FROM firms WHERE id <> ?1 AND id NOT IN (SELECT firm_id FROM users WHERE firm_id IS NOT NULL))`},
	}
	for i := range 3 * len(hand) {
		h := hand[i%len(hand)]
		fx.Clock.Add(time.Duration(1+w.rng.IntN(40*24)) * time.Hour)
		if i%3 == 2 {
			fx.Clock.Add(-time.Duration(1+w.rng.IntN(80*24)) * time.Hour)
		}
		before := i%2 == 0
		if before {
			w.submitOnce(id) // a result for the hand write to change
			if _, err := db.Exec(h.q, id); err != nil {
				t.Fatalf("%s: %v", h.name, err)
			}
		}
		d := w.answeredDraft(id)
		if !before {
			if _, err := db.Exec(h.q, id); err != nil {
				t.Fatalf("%s: %v", h.name, err)
			}
		}
		if err := s.SubmitResponse(ctx, d.ID, id, 0, d.Version(), w.result()); err != nil {
			t.Fatalf("%s: %v", h.name, err)
		}
		verifyCells(t, s, i)
		funnelEqualsRebuild(t, s, fmt.Sprintf("step %d, after %s", i, h.name))
	}
}

// TestAttack17HandEditedAnswersThenASubmission: an earlier result's
// adoption answers changed by a raw connection (no trigger names the firm:
// answers are not in agg_dirty's triggers), then a submission of the
// same firm. Before the note the submission read every result of its firm
// again, and so the cells followed the answers from then on.
func TestAttack17HandEditedAnswersThenASubmission(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	w := &cellsWorld{t: t, s: s, fx: fx, in: in, rng: rand.New(rand.NewPCG(17, 2))}
	db := openRaw(t, s)
	id := fx.GoDuc.ID
	for range 2 {
		fx.Clock.Add(24 * time.Hour)
		w.submitOnce(id)
	}
	if _, err := db.Exec(`UPDATE answers SET options = '[]' WHERE response_id =
		(SELECT MIN(id) FROM responses WHERE firm_id = ? AND status = 'submitted')`, id); err != nil {
		t.Fatal(err)
	}
	fx.Clock.Add(24 * time.Hour)
	w.submitOnce(id)
	verifyCells(t, s, 3)
}

// rawSubmitted writes by hand a submitted response of firm with created_at
// and submitted_at both at, as given (any SQLite type).
func rawSubmitted(t *testing.T, db *sql.DB, in *survey.Instrument, firm int64, at any) {
	t.Helper()
	if _, err := db.Exec(`INSERT OR IGNORE INTO instruments (key, hash, first_used_at) VALUES (?, 'by hand', '2026-01-01 00:00:00+00:00')`, in.Key()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO responses (firm_id, instrument, status, section, size_class, created_at, updated_at, submitted_at, overall, level)
		VALUES (?, ?, 'submitted', 'C', 'small', ?, ?, ?, 50, 2)`, firm, in.Key(), at, at, at); err != nil {
		t.Fatal(err)
	}
}

// zoneWorld is a firm with a draft at 31 March 16:00 UTC (23:00 in
// Vietnam, the first quarter) and an earlier assessment written by hand by
// a tool with its time in its own zone (a Go time.Time not in UTC, as
// time.Now() is, written as the driver writes every time: "2026-03-31
// 14:00:00 -0400 EDT"), which the driver reads back as the same instant,
// 18:00 UTC (1 April 01:00 in Vietnam, the second quarter): later than
// the draft's submission, but before it as text. Any store write drains
// the hand write first.
func zoneWorld(t *testing.T) (*cellsWorld, *survey.Response) {
	s, fx := storetest.Open(t)
	w := &cellsWorld{t: t, s: s, fx: fx, in: storetest.Instrument(t), rng: rand.New(rand.NewPCG(17, 3))}
	fx.Clock.Set(time.Date(2026, 3, 31, 16, 0, 0, 0, time.UTC))
	d := w.answeredDraft(fx.GoDuc.ID)
	rawSubmitted(t, openRaw(t, s), w.in, fx.GoDuc.ID, time.Date(2026, 3, 31, 14, 0, 0, 0, time.FixedZone("EDT", -4*3600)))
	if err := store.FunnelExec(s); err != nil {
		t.Fatal(err)
	}
	funnelEqualsRebuild(t, s, "after the hand write")
	verifyCells(t, s, 0)
	return w, d
}

// TestAttack17FunnelAfterAHandWrittenTimeInAnotherZone: the store submits
// the draft; its submission is the firm's first, so Submitted moves to it,
// a quarter earlier. keepsMarks compares submitted_at with the bound time
// as text, finds the hand-written one "at or before", and skips.
func TestAttack17FunnelAfterAHandWrittenTimeInAnotherZone(t *testing.T) {
	w, d := zoneWorld(t)
	if err := w.s.SubmitResponse(ctx, d.ID, w.fx.GoDuc.ID, 0, d.Version(), w.result()); err != nil {
		t.Fatal(err)
	}
	funnelEqualsRebuild(t, w.s, "after a submission before it")
}

// TestAttack17CellsAfterAHandWrittenTimeInAnotherZone: the same
// submission; the cells' full read orders a firm's results by
// submitted_at as text (ORDER BY submitted_at), appendSubmitted inserts
// the new one by instant.
func TestAttack17CellsAfterAHandWrittenTimeInAnotherZone(t *testing.T) {
	w, d := zoneWorld(t)
	if err := w.s.SubmitResponse(ctx, d.ID, w.fx.GoDuc.ID, 0, d.Version(), w.result()); err != nil {
		t.Fatal(err)
	}
	verifyCells(t, w.s, 1)
}

// TestAttack17ConcurrentWritersOfOneSecond: with the clock standing
// still, two firms submit again and again at once while tabs of a third
// start its draft at once (some tabs of the first two as well); each
// firm has one draft at a time, and the cells and funnel equal a full
// derivation at the end. Every submission of a firm but its first has the
// very time of its others.
func TestAttack17ConcurrentWritersOfOneSecond(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	profile := survey.Profile{Section: "C", Size: "small"}
	w := &cellsWorld{t: t, s: s, fx: fx, in: in, rng: rand.New(rand.NewPCG(17, 4))}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for _, firm := range []int64{fx.GoDuc.ID, fx.NoiThat.ID} {
		// Each round's answers and result drawn here, before the writers
		// start: the world's random source is not theirs to share.
		var answers []map[string]survey.Answer
		var results []scoring.Result
		for range 6 {
			answers, results = append(answers, w.adoptionAnswers()), append(results, w.result())
		}
		wg.Go(func() {
			for i := range 6 {
				d, err := s.DraftOf(ctx, firm, 0, in, profile, 0)
				if err == nil {
					err = s.SaveAnswers(ctx, d.ID, firm, answers[i], 0)
				}
				if err == nil {
					d, err = s.DraftOf(ctx, firm, 0, in, profile, 0)
				}
				if err == nil {
					err = s.SubmitResponse(ctx, d.ID, firm, 0, d.Version(), results[i])
				}
				if err != nil {
					errs <- fmt.Errorf("firm %d: %w", firm, err)
					return
				}
			}
		})
	}
	drafts := make(chan int64, 8)
	for range 8 {
		wg.Go(func() {
			d, err := s.DraftOf(ctx, fx.Kho.ID, 0, in, profile, 0)
			if err != nil {
				errs <- fmt.Errorf("tab: %w", err)
				return
			}
			drafts <- d.ID
		})
	}
	wg.Wait()
	close(errs)
	close(drafts)
	for err := range errs {
		t.Error(err)
	}
	seen := map[int64]bool{}
	for id := range drafts {
		seen[id] = true
	}
	if len(seen) != 1 {
		t.Errorf("tabs got drafts %v, want one", seen)
	}
	verifyCells(t, s, 12)
	funnelEqualsRebuild(t, s, "after the writers")
}

// TestAttack17ReassessmentWithinASecondOfTheConsultation: submissions
// half a second after a held consultation's start, at its very second, and
// back among them, each noted by the writer: the funnel's short cut
// (keepsMarks) must tell a submission after the consultation from one at
// it, though the consultation's start is kept in whole seconds and the
// submissions' times to the nanosecond, as text.
func TestAttack17ReassessmentWithinASecondOfTheConsultation(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	w := &cellsWorld{t: t, s: s, fx: fx, in: in, rng: rand.New(rand.NewPCG(17, 7))}
	held := time.Date(2026, 6, 30, 23, 59, 50, 0, time.UTC) // the last seconds of a quarter
	fx.Clock.Set(held.Add(-48 * time.Hour))
	w.submitOnce(fx.GoDuc.ID)
	if err := store.FunnelExec(s, booking(901, int(fx.GoDuc.ID), held.Add(-72*time.Hour).Format(time.DateTime), held.Format(time.DateTime), "done")); err != nil {
		t.Fatal(err)
	}
	funnelEqualsRebuild(t, s, "after the consultation")
	for i, at := range []time.Duration{0, 500 * time.Millisecond, 250 * time.Millisecond, time.Second, 0, 20 * time.Second, 10 * time.Second} {
		fx.Clock.Set(held.Add(at))
		w.submitOnce(fx.GoDuc.ID)
		funnelEqualsRebuild(t, s, fmt.Sprintf("submission %d, %v after the consultation", i, at))
		verifyCells(t, s, i)
	}
}
