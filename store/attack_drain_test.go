package store_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// Attacks on the drain of a batch holding submits of several firms
// (fe9d928: each submitting firm taken from its kept inputs with its new
// results added, appendSubmitted): after each, the kept aggregates, the
// cells in memory and the funnel equal a full derivation (derivedAgain),
// every call gets its own outcome, and one call's failure fails no other.

// submitCall is a batched call submitting d of firm with r.
func (w *cycleWorld) submitCall(d *survey.Response, firm int64, r scoring.Result) func() error {
	return func() error { return w.s.SubmitResponse(ctx, d.ID, firm, 0, d.Version(), r) }
}

// allNil fails unless every error of errs is nil.
func allNil(t *testing.T, when string, errs []error) {
	t.Helper()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("%s: call %d: %v", when, i, err)
		}
	}
}

// appendedBy runs fn and returns how many firms drains took from their
// kept inputs meanwhile.
func appendedBy(s *store.Store, fn func()) int64 {
	before := store.AppendedFirms(s)
	fn()
	return store.AppendedFirms(s) - before
}

// fixedWorld is a cycle world whose clock stands still (the fixtures'):
// every write of a batch is at one time. GoDuc and NoiThat have kept
// inputs: a result two months ago each, submitted alone.
func fixedWorld(t *testing.T) *cycleWorld {
	s, fx := storetest.Open(t)
	w := &cycleWorld{t: t, s: s, fx: fx, in: storetest.Instrument(t), firms: []int64{fx.GoDuc.ID, fx.NoiThat.ID, fx.Kho.ID},
		owners: []int64{0, fx.FirmUser.ID}}
	now := fx.Clock.Now()
	fx.Clock.Set(now.AddDate(0, -2, 0))
	for _, firm := range []int64{fx.GoDuc.ID, fx.NoiThat.ID} {
		d, r := w.submittable(firm, 0)
		if err := s.SubmitResponse(ctx, d.ID, firm, 0, d.Version(), r); err != nil {
			t.Fatal(err)
		}
	}
	fx.Clock.Set(now)
	return w
}

// Two submits of one firm in one batch (its shared draft and a user's),
// beside another firm's: the firm is taken from its kept inputs with both
// results added, and the aggregates equal a full derivation. (Fails when
// mergeNotes keeps one firm's last response only.)
func TestDrainTwoSubmitsOfOneFirmInOneBatch(t *testing.T) {
	w := newCycleWorld(t)
	s, fx := w.s, w.fx
	round := func(when string, want int64) {
		t.Helper()
		a, ra := w.submittable(fx.GoDuc.ID, 0)
		b, rb := w.submittable(fx.GoDuc.ID, fx.FirmUser.ID)
		n, rn := w.submittable(fx.NoiThat.ID, 0)
		got := appendedBy(s, func() {
			allNil(t, when, batchOf(t, s, w.submitCall(a, fx.GoDuc.ID, ra), w.submitCall(n, fx.NoiThat.ID, rn), w.submitCall(b, fx.GoDuc.ID, rb)))
		})
		if got != want {
			t.Errorf("%s: %d firms taken from their kept inputs, want %d", when, got, want)
		}
		w.derivedAgain(when)
	}
	round("two submits of GoDuc (kept) beside NoiThat's first", 1)
	round("two submits of GoDuc beside NoiThat's second", 2)
}

// Submits at one time (a clock that stands still): two of one firm in one
// batch tie with each other, and a later batch's tie with the firm's kept
// results; a tied firm is read whole (the order of equal times is the
// responses' ids, which inputs do not keep), while another firm's submit
// at the same time, which ties with none of its own, is still taken from
// its kept inputs. (Fails when appendResults inserts a tied result.)
func TestDrainTiedSubmitsAreReadWhole(t *testing.T) {
	w := fixedWorld(t)
	s, fx := w.s, w.fx
	a, ra := w.submittable(fx.GoDuc.ID, 0)
	b, rb := w.submittable(fx.GoDuc.ID, fx.FirmUser.ID)
	rb.Overall, rb.Level = ra.Overall/2, 1 // the two tied results differ
	n, rn := w.submittable(fx.NoiThat.ID, 0)
	got := appendedBy(s, func() {
		allNil(t, "tied", batchOf(t, s, w.submitCall(a, fx.GoDuc.ID, ra), w.submitCall(b, fx.GoDuc.ID, rb), w.submitCall(n, fx.NoiThat.ID, rn)))
	})
	if got != 1 {
		t.Errorf("%d firms taken from their kept inputs, want 1 (NoiThat; GoDuc's two results tie)", got)
	}
	w.derivedAgain("two submits of one firm at one time")

	a, ra = w.submittable(fx.GoDuc.ID, 0)
	n, rn = w.submittable(fx.NoiThat.ID, 0)
	got = appendedBy(s, func() {
		allNil(t, "tied with kept", batchOf(t, s, w.submitCall(n, fx.NoiThat.ID, rn), w.submitCall(a, fx.GoDuc.ID, ra)))
	})
	if got != 0 {
		t.Errorf("%d firms taken from their kept inputs, want 0 (each ties with a kept result)", got)
	}
	w.derivedAgain("submits at the time of kept results")
}

// A submit earlier than a kept result (the kept one submitted when the
// clock stood ahead): the new result goes between the kept ones, in time
// order, as a full read orders them. (Fails when appendResults appends at
// the end.)
func TestDrainSubmitBeforeAKeptResult(t *testing.T) {
	w := fixedWorld(t)
	s, fx := w.s, w.fx
	now := fx.Clock.Now()
	fx.Clock.Set(now.Add(72 * time.Hour))
	for _, firm := range []int64{fx.GoDuc.ID, fx.NoiThat.ID} {
		d, r := w.submittable(firm, 0)
		if err := s.SubmitResponse(ctx, d.ID, firm, 0, d.Version(), r); err != nil {
			t.Fatal(err)
		}
	}
	fx.Clock.Set(now)
	a, ra := w.submittable(fx.GoDuc.ID, 0)
	n, rn := w.submittable(fx.NoiThat.ID, 0)
	ra.Overall, ra.Level = 3, 1
	got := appendedBy(s, func() {
		allNil(t, "earlier", batchOf(t, s, w.submitCall(a, fx.GoDuc.ID, ra), w.submitCall(n, fx.NoiThat.ID, rn)))
	})
	if got != 2 {
		t.Errorf("%d firms taken from their kept inputs, want 2", got)
	}
	fx.Clock.Set(now.Add(72 * time.Hour)) // derivedAgain's quarters reach the later results
	w.derivedAgain("submits before kept results")
}

// dupPillars is r with its first pillar twice: pillar_scores' key refuses
// the second, after the submit has marked the response submitted.
func dupPillars(r scoring.Result) scoring.Result {
	r.Pillars = append(r.Pillars, r.Pillars[0])
	return r
}

// A submit that fails after it wrote (the response marked submitted, then
// its pillar scores refused), first in a batch with a submit of its own
// firm's other draft and another firm's: its savepoint is undone, its
// draft is still a draft, the others are written and taken from their
// kept inputs, and the aggregates equal a full derivation. (Fails when a
// failed save's savepoint is not rolled back.)
func TestDrainSubmitRolledBackBesideOthers(t *testing.T) {
	w := newCycleWorld(t)
	s, fx := w.s, w.fx
	n, rn := w.submittable(fx.NoiThat.ID, 0)
	if err := s.SubmitResponse(ctx, n.ID, fx.NoiThat.ID, 0, n.Version(), rn); err != nil {
		t.Fatal(err)
	}
	bad, rbad := w.submittable(fx.GoDuc.ID, 0)
	good, rgood := w.submittable(fx.GoDuc.ID, fx.FirmUser.ID)
	n, rn = w.submittable(fx.NoiThat.ID, 0)
	var errs []error
	got := appendedBy(s, func() {
		errs = batchOf(t, s, w.submitCall(bad, fx.GoDuc.ID, dupPillars(rbad)), w.submitCall(good, fx.GoDuc.ID, rgood),
			w.submitCall(n, fx.NoiThat.ID, rn))
	})
	if errs[0] == nil {
		t.Fatal("a submit with a pillar twice was written")
	}
	allNil(t, "beside a failed submit", errs[1:])
	if d, err := s.FindResponse(ctx, bad.ID); err != nil || d.Status != survey.Draft {
		t.Fatalf("the failed submit's response: %+v, %v; want still a draft", d, err)
	}
	if got != 2 {
		t.Errorf("%d firms taken from their kept inputs, want 2", got)
	}
	w.derivedAgain("after a submit undone in its batch")
}

// A submit of a draft on an instrument the store does not load (its
// results count in no cell), as the one submit of a firm with kept
// inputs, beside another firm's: the firm's inputs stay as kept and the
// submit is written. (Fails
// when a named firm none of whose results is read is not kept as it is.)
// The aggregates equal the store's own derivation, which leaves the
// unloaded instrument out.
func TestDrainSubmitOfAnUnloadedInstrument(t *testing.T) {
	w := newCycleWorld(t)
	s, fx := w.s, w.fx
	n, rn := w.submittable(fx.NoiThat.ID, 0)
	if err := s.SubmitResponse(ctx, n.ID, fx.NoiThat.ID, 0, n.Version(), rn); err != nil {
		t.Fatal(err)
	}
	other := *w.in
	other.Version += 9000 // not among the store's instruments
	d, err := s.StartDraft(ctx, fx.GoDuc.ID, fx.FirmUser.ID, &other, 0)
	if err == nil {
		err = s.SaveAnswers(ctx, d.ID, fx.GoDuc.ID, w.allAnswers(), 0)
	}
	if err == nil {
		d, err = s.FindResponse(ctx, d.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	ro := scoring.Score(&other, d.Profile, d.Answers)
	n, rn = w.submittable(fx.NoiThat.ID, 0)
	got := appendedBy(s, func() {
		allNil(t, "unloaded instrument", batchOf(t, s, w.submitCall(d, fx.GoDuc.ID, ro), w.submitCall(n, fx.NoiThat.ID, rn)))
	})
	if got != 2 {
		t.Errorf("%d firms taken from their kept inputs, want 2", got)
	}
	if sub, err := s.FindResponse(ctx, d.ID); err != nil || sub.Status != survey.Submitted {
		t.Fatalf("the submit on an unloaded instrument: %+v, %v", sub, err)
	}
	// Not derivedAgain: its reference counts every result, whatever its
	// instrument. The store's own derivation (VerifyAggregates) leaves
	// the unloaded instrument out, as the drains do.
	if c, err := s.VerifyAggregates(ctx); err != nil || c.BadInputs != 0 || c.BadCells != 0 {
		t.Fatalf("verify aggregates: %+v, %v", c, err)
	}
	funnelEqualsRebuild(t, s, "after a submit on an unloaded instrument")
}

// A raw connection changes the memberships and consent of both submitting
// firms while their submits queue (the writer held): the logs are not
// clean as the batch begins, so no firm is taken from its kept inputs,
// and the aggregates equal a full derivation. (Fails when the batch's
// note is trusted though the logs were not clean.)
func TestDrainHandWriteWhileSubmitsQueue(t *testing.T) {
	w := newCycleWorld(t)
	s, fx := w.s, w.fx
	n, rn := w.submittable(fx.NoiThat.ID, 0)
	if err := s.SubmitResponse(ctx, n.ID, fx.NoiThat.ID, 0, n.Version(), rn); err != nil {
		t.Fatal(err)
	}
	if err := s.AddMemberships(ctx, fx.Wood.ID, []int64{fx.GoDuc.ID, fx.NoiThat.ID}); err != nil {
		t.Fatal(err)
	}
	a, ra := w.submittable(fx.GoDuc.ID, 0)
	n, rn = w.submittable(fx.NoiThat.ID, 0)
	db := openRaw(t, s)
	hand := func() error {
		for _, q := range []string{
			"DELETE FROM firm_associations WHERE firm_id = ?1",
			`INSERT INTO sharing_events (firm_id, association_id, event, at)
				SELECT firm_id, association_id, 'shared', '2026-01-05 00:00:00+00:00' FROM firm_associations WHERE firm_id = ?2`,
			"UPDATE firms SET size_class = 'large' WHERE id = ?2",
		} {
			if _, err := db.Exec(q, fx.GoDuc.ID, fx.NoiThat.ID); err != nil {
				return err
			}
		}
		return nil
	}
	got := appendedBy(s, func() {
		allNil(t, "hand write", batchOf(t, s,
			func() error {
				if err := hand(); err != nil { // while the batch's writer is held
					return err
				}
				return w.submitCall(a, fx.GoDuc.ID, ra)()
			},
			w.submitCall(n, fx.NoiThat.ID, rn)))
	})
	if got != 0 {
		t.Errorf("%d firms taken from their kept inputs after a hand write, want 0", got)
	}
	w.derivedAgain("after a hand write while submits queued")
}

// A log dirtied by hand with more firms than a drain reads at a time (ids
// no firm has, before the real ones, so that the submitting firms and a
// firm changed by hand fall in different chunks), then a batch of submits
// of several firms: every chunk is reconciled, the log emptied, and the
// aggregates equal a full derivation.
func TestDrainHandDirtiedLogAcrossChunks(t *testing.T) {
	w := newCycleWorld(t)
	s, fx := w.s, w.fx
	n, rn := w.submittable(fx.NoiThat.ID, 0)
	if err := s.SubmitResponse(ctx, n.ID, fx.NoiThat.ID, 0, n.Version(), rn); err != nil {
		t.Fatal(err)
	}
	a, ra := w.submittable(fx.GoDuc.ID, 0)
	n, rn = w.submittable(fx.NoiThat.ID, 0)
	db := openRaw(t, s)
	// 999 ids below every firm's, then GoDuc and NoiThat: the first two
	// chunks are 500 and 499 of them and the smaller of the two firms.
	if _, err := db.Exec(`WITH RECURSIVE n(i) AS (SELECT -999 UNION ALL SELECT i + 1 FROM n WHERE i < -1)
		INSERT INTO agg_dirty (firm_id) SELECT i FROM n`); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"UPDATE firms SET ward_code = '25813' WHERE id = ?1", "UPDATE firms SET ward_code = '25942' WHERE id = ?2"} {
		if _, err := db.Exec(q, fx.GoDuc.ID, fx.NoiThat.ID); err != nil {
			t.Fatal(err)
		}
	}
	allNil(t, "across chunks", batchOf(t, s, w.submitCall(a, fx.GoDuc.ID, ra), w.submitCall(n, fx.NoiThat.ID, rn)))
	var left int
	if err := db.QueryRow("SELECT COUNT(*) FROM agg_dirty").Scan(&left); err != nil || left != 0 {
		t.Fatalf("agg_dirty holds %d firms after the drain (%v)", left, err)
	}
	w.derivedAgain("after a drain of three chunks")
}

// A batch whose drain panics (a test hook, on GoDuc's submit) runs each
// call again alone; a caller who left meanwhile (after its submit ran in
// the batch undone) is not written when its call runs again, and is told
// so; a third call, another firm's submit, is written.
func TestDrainRerunLeavesACallerWhoLeftUnwritten(t *testing.T) {
	w := newCycleWorld(t)
	s, fx := w.s, w.fx
	a, ra := w.submittable(fx.GoDuc.ID, 0)
	n, rn := w.submittable(fx.NoiThat.ID, 0)
	k, rk := w.submittable(fx.Kho.ID, fx.FirmUser.ID)
	store.PanicDrainOf(s, a.ID)
	gone, leave := context.WithCancel(ctx)
	defer leave()
	store.TraceSaves(s, func(c context.Context, err error) {
		if c == gone {
			leave() // its submit has run in the batch: its caller leaves
		}
	})
	errs := batchOf(t, s,
		w.submitCall(a, fx.GoDuc.ID, ra),
		func() error { return s.SubmitResponse(gone, n.ID, fx.NoiThat.ID, 0, n.Version(), rn) },
		func() error { return s.SubmitResponse(ctx, k.ID, fx.Kho.ID, 0, k.Version(), rk) },
	)
	store.TraceSaves(s, nil)
	if errs[0] == nil || !strings.Contains(errs[0].Error(), "panicked") {
		t.Errorf("the submit whose drain panics: %v", errs[0])
	}
	if !errors.Is(errs[1], context.Canceled) {
		t.Errorf("the submit whose caller left: %v, want context.Canceled", errs[1])
	}
	if errs[2] != nil {
		t.Errorf("Kho's submit: %v", errs[2])
	}
	for _, c := range []struct {
		d    *survey.Response
		want string
	}{{a, survey.Draft}, {n, survey.Draft}, {k, survey.Submitted}} {
		if got, err := s.FindResponse(ctx, c.d.ID); err != nil || got.Status != c.want {
			t.Errorf("response %d: %+v, %v; want %s", c.d.ID, got, err, c.want)
		}
	}
	store.PanicDrainOf(s, -1)
	w.derivedAgain("after a batch run again without a caller who left")
}

// A step whose Decide panics, in a batch with submits of two firms with
// kept inputs: the step fails alone, both submits are written and taken
// from their kept inputs, and the aggregates equal a full derivation.
func TestDrainPanickingDecideBesideSubmitsOfSeveralFirms(t *testing.T) {
	w := newCycleWorld(t)
	s, fx := w.s, w.fx
	n, rn := w.submittable(fx.NoiThat.ID, 0)
	if err := s.SubmitResponse(ctx, n.ID, fx.NoiThat.ID, 0, n.Version(), rn); err != nil {
		t.Fatal(err)
	}
	kho, err := s.StartDraft(ctx, fx.Kho.ID, 0, w.in, 0)
	if err != nil {
		t.Fatal(err)
	}
	a, ra := w.submittable(fx.GoDuc.ID, 0)
	n, rn = w.submittable(fx.NoiThat.ID, 0)
	var errs []error
	got := appendedBy(s, func() {
		errs = batchOf(t, s,
			w.submitCall(a, fx.GoDuc.ID, ra),
			func() error {
				_, err := s.SaveStep(ctx, kho.ID, 0, nil, func(*survey.Response) (map[string]survey.Answer, error) { panic("a bad form") })
				return err
			},
			w.submitCall(n, fx.NoiThat.ID, rn))
	})
	if errs[1] == nil || !strings.Contains(errs[1].Error(), "panicked") {
		t.Errorf("the panicking step: %v", errs[1])
	}
	allNil(t, "beside a panicking step", []error{errs[0], errs[2]})
	if got != 2 {
		t.Errorf("%d firms taken from their kept inputs, want 2", got)
	}
	w.derivedAgain(fmt.Sprintf("after a panicking step (%d appended)", got))
}

// A submit whose overall score is NaN (bound as NULL: the response is
// marked submitted, then current_results refuses it), beside another
// firm's submit: only the NaN submit fails, its savepoint undone and its
// draft still a draft; the other is written and the aggregates equal a
// full derivation. Two guards hold it: the failed save's savepoint is
// undone, and were it not, the batch's drain (which cannot read a NULL
// overall) would fail and each call run again alone. (Fails with both
// broken: the other firm's submit is told the Scan error.)
func TestDrainNaNOverallFailsOnlyItsSubmit(t *testing.T) {
	w := newCycleWorld(t)
	s, fx := w.s, w.fx
	a, ra := w.submittable(fx.GoDuc.ID, 0)
	n, rn := w.submittable(fx.NoiThat.ID, 0)
	ra.Overall = math.NaN()
	errs := batchOf(t, s, w.submitCall(a, fx.GoDuc.ID, ra), w.submitCall(n, fx.NoiThat.ID, rn))
	if errs[0] == nil {
		t.Error("a submit with a NaN overall score was written")
	}
	if errs[1] != nil {
		t.Errorf("the other firm's submit: %v", errs[1])
	}
	if d, err := s.FindResponse(ctx, a.ID); err != nil || d.Status != survey.Draft {
		t.Errorf("the NaN submit's response: %+v, %v; want still a draft", d, err)
	}
	w.derivedAgain("after a NaN submit")
}

// Memberships and consent changed through the store just before a batch
// of submits of the firms concerned (each change drained in its own
// transaction, so the logs are clean again), in the quarter of the
// submits: the firms are taken from their kept inputs, which hold the
// changes, and the aggregates equal a full derivation. (Fails when a
// drain leaves a member firm's kept inputs as they were.)
func TestDrainSubmitsAfterMembershipAndConsentChanges(t *testing.T) {
	w := newCycleWorld(t)
	s, fx := w.s, w.fx
	n, rn := w.submittable(fx.NoiThat.ID, 0)
	if err := s.SubmitResponse(ctx, n.ID, fx.NoiThat.ID, 0, n.Version(), rn); err != nil {
		t.Fatal(err)
	}
	steps := []func() error{
		func() error { return s.AddMemberships(ctx, fx.Wood.ID, []int64{fx.GoDuc.ID, fx.NoiThat.ID}) },
		func() error { return s.AddMemberships(ctx, fx.Logistics.ID, []int64{fx.NoiThat.ID}) },
		func() error { return s.SetSharing(ctx, fx.GoDuc.ID, fx.Wood.ID, true, 0) },
		func() error { return s.SetSharing(ctx, fx.NoiThat.ID, fx.Logistics.ID, true, 0) },
		func() error { return s.SetSharing(ctx, fx.NoiThat.ID, fx.Logistics.ID, false, 0) },
		func() error { return s.SetSharing(ctx, fx.NoiThat.ID, fx.Wood.ID, true, 0) },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("change %d: %v", i, err)
		}
		a, ra := w.submittable(fx.GoDuc.ID, 0)
		n, rn := w.submittable(fx.NoiThat.ID, 0)
		got := appendedBy(s, func() {
			allNil(t, "after a change", batchOf(t, s, w.submitCall(a, fx.GoDuc.ID, ra), w.submitCall(n, fx.NoiThat.ID, rn)))
		})
		if got != 2 {
			t.Errorf("after change %d: %d firms taken from their kept inputs, want 2", i, got)
		}
		w.derivedAgain(fmt.Sprintf("submits after change %d", i))
	}
}

// Unlogged hand writes (no agg_ trigger names the firm: an UPDATE of a
// membership's association, an UPDATE or DELETE of a consent event), then
// a batch of submits of that firm and another. Before fe9d928 such a batch
// read every firm whole and so followed the rows again; then each firm was
// its kept inputs plus its new result, and the hand write was never seen
// (a lone submit missed it before that). Migration 0031 logs these writes;
// the members' counters follow a moved membership too.
func TestDrainUnloggedHandWritesThenABatchOfSubmits(t *testing.T) {
	for _, h := range []struct{ name, q string }{
		{"membership moved", "UPDATE firm_associations SET association_id = ?3 WHERE firm_id = ?1 AND association_id = ?2"},
		{"consent event changed", "UPDATE sharing_events SET event = 'withdrawn' WHERE firm_id = ?1"},
		{"consent event deleted", "DELETE FROM sharing_events WHERE firm_id = ?1"},
		{"consent moved", "UPDATE result_sharing SET association_id = ?3 WHERE firm_id = ?1 AND association_id = ?2"},
	} {
		t.Run(h.name, func(t *testing.T) {
			w := newCycleWorld(t)
			s, fx := w.s, w.fx
			n, rn := w.submittable(fx.NoiThat.ID, 0)
			if err := s.SubmitResponse(ctx, n.ID, fx.NoiThat.ID, 0, n.Version(), rn); err != nil {
				t.Fatal(err)
			}
			if err := s.AddMemberships(ctx, fx.Wood.ID, []int64{fx.GoDuc.ID}); err != nil {
				t.Fatal(err)
			}
			if err := s.SetSharing(ctx, fx.GoDuc.ID, fx.Wood.ID, true, 0); err != nil {
				t.Fatal(err)
			}
			if _, err := openRaw(t, s).Exec(h.q, fx.GoDuc.ID, fx.Wood.ID, fx.Logistics.ID); err != nil {
				t.Fatal(err)
			}
			a, ra := w.submittable(fx.GoDuc.ID, 0)
			n, rn = w.submittable(fx.NoiThat.ID, 0)
			allNil(t, h.name, batchOf(t, s, w.submitCall(a, fx.GoDuc.ID, ra), w.submitCall(n, fx.NoiThat.ID, rn)))
			w.derivedAgain("a batch of submits after: " + h.name)
			membersCountedAsListed(t, s, h.name)
		})
	}
}

// membersCountedAsListed checks that each association's members counter
// equals its rows in firm_associations.
func membersCountedAsListed(t *testing.T, s *store.Store, when string) {
	t.Helper()
	rows, err := openRaw(t, s).Query(`SELECT a.name, a.n, (SELECT COUNT(*) FROM firm_associations m
		WHERE 'members:' || m.association_id = a.name) FROM counters a WHERE a.name LIKE 'members:%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var counted, listed int
		if err := rows.Scan(&name, &counted, &listed); err != nil {
			t.Fatal(err)
		}
		if counted != listed {
			t.Errorf("%s: counter %s = %d, but %d memberships are listed", when, name, counted, listed)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}
