package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// SaveStep reads the draft in the write that touches it: decide is given
// what a read of the same answers gives (but the time it is touched at),
// and the step costs one write transaction of four statements, no read.
// Fails when the draft given to decide lacks a field or an answer, when
// it is read by a statement of its own, or outside the write.
func TestSaveStepReadsTheDraftInItsWrite(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	d, err := s.Draft(ctx, fx.GoDuc.ID, in, survey.Profile{Section: "C", Size: "medium"}, fx.FirmUser.ID)
	if err != nil {
		t.Fatal(err)
	}
	first := map[string]survey.Answer{"cx.website": {Options: []string{"weekly"}}, "cx.tools": {Options: []string{"crm", "email"}}}
	if err := s.SaveAnswers(ctx, d.ID, fx.GoDuc.ID, first, fx.FirmUser.ID); err != nil {
		t.Fatal(err)
	}
	questions := []string{"cx.website", "cx.online_sales"}
	want, err := s.FindResponseWith(ctx, d.ID, questions)
	if err != nil {
		t.Fatal(err)
	}
	fx.Clock.Add(time.Minute)
	want.UpdatedAt = fx.Clock.Now()
	before := s.SQLCounts()
	var seen *survey.Response
	got, err := s.SaveStep(ctx, d.ID, fx.FirmUser.ID, questions, func(r *survey.Response) (map[string]survey.Answer, error) {
		seen = r
		return map[string]survey.Answer{"cx.online_sales": {Options: []string{"na"}}}, nil
	})
	n := s.SQLCounts().Sub(before)
	if err != nil {
		t.Fatal(err)
	}
	if got != seen || !got.UpdatedAt.Equal(want.UpdatedAt) || !got.CreatedAt.Equal(want.CreatedAt) {
		t.Fatalf("returned %+v, decided on %+v, want %+v", got, seen, want)
	}
	got.UpdatedAt, got.CreatedAt, want.UpdatedAt, want.CreatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("decided on\n%+v\na read gives\n%+v", got, want)
	}
	if n != (store.SQLCounts{WriteStatements: 4, WriteTxs: 1}) {
		t.Fatalf("a step ran %+v, want 4 statements in one write transaction", n)
	}
	after, err := s.FindResponse(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Answers) != 3 || after.Answers["cx.online_sales"].Options[0] != "na" || !after.UpdatedAt.Equal(fx.Clock.Now()) {
		t.Fatalf("stored %+v", after)
	}
}

// What decide refuses, or leaves empty, writes nothing (not even the
// touch); a submitted draft is given to decide as it is, and answers to
// store on it are ErrSubmitted; no response is ErrNotFound without
// decide; a cancelled save is not decided. Fails when any of these
// writes the touch or answers, or says otherwise.
func TestSaveStepRefusalsWriteNothing(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	d, err := s.Draft(ctx, fx.GoDuc.ID, in, survey.Profile{Section: "C", Size: "medium"}, fx.FirmUser.ID)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := s.Draft(ctx, fx.NoiThat.ID, in, survey.Profile{Section: "C", Size: "small"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SubmitResponse(ctx, sub.ID, fx.NoiThat.ID, 0, sub.Version(), scoring.Score(in, sub.Profile, sub.Answers)); err != nil {
		t.Fatal(err)
	}
	some := map[string]survey.Answer{"cx.website": {Options: []string{"weekly"}}}
	refused := errors.New("refused")
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	cases := []struct {
		name    string
		id      int64
		ctx     context.Context
		answers map[string]survey.Answer
		err     error
		decided string // the status decide saw, "" if not called
	}{
		{"refused", d.ID, ctx, nil, refused, "draft"},
		{"nothing", d.ID, ctx, map[string]survey.Answer{}, nil, "draft"},
		{"submitted", sub.ID, ctx, some, store.ErrSubmitted, "submitted"},
		{"submitted, refused", sub.ID, ctx, nil, refused, "submitted"},
		{"submitted, nothing", sub.ID, ctx, map[string]survey.Answer{}, nil, "submitted"},
		{"no such response", sub.ID + 100, ctx, some, store.ErrNotFound, ""},
		{"cancelled", d.ID, cancelled, some, context.Canceled, ""},
	}
	for _, c := range cases {
		fx.Clock.Add(time.Minute)
		before := storetest.DraftRows(t, s)
		decided := ""
		_, err := s.SaveStep(c.ctx, c.id, fx.FirmUser.ID, []string{"cx.website"}, func(r *survey.Response) (map[string]survey.Answer, error) {
			decided = r.Status
			if c.answers == nil {
				return nil, refused
			}
			return c.answers, nil
		})
		if (c.err == nil) != (err == nil) || (c.err != nil && !errors.Is(err, c.err)) || decided != c.decided {
			t.Fatalf("%s: %v (decided on a %q draft), want %v (%q)", c.name, err, decided, c.err, c.decided)
		}
		if after := storetest.DraftRows(t, s); after != before {
			t.Fatalf("%s wrote:\n%s\nwas\n%s", c.name, after, before)
		}
	}
}

// Attack: concurrent steps in one batch, one of which fails after its
// draft was touched and decided on (its answer refused by the database),
// one refused by its decision (another firm's draft) and one on a draft
// submitted meanwhile: each undoes only itself (its touch too) and gets
// its own error; the others are written. Fails when a failing step's
// savepoint is not rolled back or its error spreads.
func TestSaveStepOneFailingInABatchUndoesOnlyItself(t *testing.T) {
	w := newBatchWorld(t)
	s := w.s
	q := w.in.Questions()[0]
	byHand(t, s, fmt.Sprintf(`CREATE TRIGGER test_refuse BEFORE INSERT ON answers WHEN NEW.question = '%s' AND NEW.options = '["%s"]'
		BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`, q.ID, q.Options[1].ID))
	ids := draftIDs(w)
	sub, err := s.FindResponse(ctx, ids[2])
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SubmitResponse(ctx, sub.ID, sub.FirmID, 0, sub.Version(), scoring.Score(w.in, sub.Profile, sub.Answers)); err != nil {
		t.Fatal(err)
	}
	ids[2] = w.draft(sub.FirmID)
	w.fx.Clock.Add(time.Hour)
	before := storetest.DraftRows(t, s)
	step := func(id int64, firm int64, a map[string]survey.Answer) func() error {
		return func() error {
			_, err := s.SaveStep(ctx, id, 0, nil, func(r *survey.Response) (map[string]survey.Answer, error) {
				if r.FirmID != firm {
					return nil, store.ErrNotFound
				}
				return a, nil
			})
			return err
		}
	}
	errs := batchOf(t, s,
		step(ids[0], w.drafts[ids[0]], w.answer(1, 0)),
		step(ids[1], w.drafts[ids[1]], w.answer(0, 1)), // refused by the trigger
		step(ids[2], w.fx.GoDuc.ID, w.answer(2, 0)),    // another firm's
		step(sub.ID, sub.FirmID, w.answer(4, 0)),       // submitted
		step(ids[0], w.drafts[ids[0]], w.answer(3, 0)),
	)
	if errs[0] != nil || errs[1] == nil || errors.Is(errs[1], store.ErrNotFound) || !errors.Is(errs[2], store.ErrNotFound) ||
		!errors.Is(errs[3], store.ErrSubmitted) || errs[4] != nil {
		t.Fatalf("errors = %v", errs)
	}
	after := storetest.DraftRows(t, s)
	for _, id := range []int64{ids[1], ids[2], sub.ID} {
		if line := responseLine(after, id); line != responseLine(before, id) {
			t.Fatalf("response %d changed:\n%s\nwas\n%s", id, line, responseLine(before, id))
		}
	}
	if line := responseLine(after, ids[0]); line == responseLine(before, ids[0]) {
		t.Fatalf("response %d not touched: %s", ids[0], line)
	}
	want := []string{
		fmt.Sprintf("%d %s %s 0", ids[0], w.in.Questions()[1].ID, optsJSON(w.answer(1, 0))),
		fmt.Sprintf("%d %s %s 0", ids[0], w.in.Questions()[3].ID, optsJSON(w.answer(3, 0))),
	}
	slices.Sort(want)
	if got := tableRows(t, s, "answers"); !slices.Equal(got, want) {
		t.Fatalf("answers = %q, want %q", got, want)
	}
}

// responseLine is response id's line of DraftRows.
func responseLine(rows string, id int64) string {
	for _, l := range strings.Split(rows, "\n") {
		if strings.HasPrefix(l, fmt.Sprint(id, " ")) {
			return l
		}
	}
	return ""
}

// A Decide that panics fails its own save only: the saves batched with it
// are written, the panic reaches no one (Decide runs on the batch leader's
// goroutine, perhaps another request's), and the panicking save's draft is
// as it was.
func TestSaveStepPanickingDecideFailsOnlyItself(t *testing.T) {
	w := newBatchWorld(t)
	s := w.s
	ids := draftIDs(w)
	w.fx.Clock.Add(time.Hour)
	before := storetest.DraftRows(t, s)
	step := func(id int64, a map[string]survey.Answer, panics bool) func() error {
		return func() error {
			_, err := s.SaveStep(ctx, id, 0, nil, func(*survey.Response) (map[string]survey.Answer, error) {
				if panics {
					panic("a bug in a step's checks")
				}
				return a, nil
			})
			return err
		}
	}
	errs := batchOf(t, s,
		step(ids[0], w.answer(1, 0), true),
		step(ids[1], w.answer(0, 1), false),
		step(ids[0], w.answer(3, 0), true),
		step(ids[2], w.answer(2, 0), false),
	)
	if errs[0] == nil || errs[2] == nil || !strings.Contains(errs[0].Error(), "a bug in a step's checks") || errs[1] != nil || errs[3] != nil {
		t.Fatalf("errors = %v", errs)
	}
	if line := responseLine(storetest.DraftRows(t, s), ids[0]); line != responseLine(before, ids[0]) {
		t.Fatalf("the panicking saves' draft changed: %s", line)
	}
	want := []string{
		fmt.Sprintf("%d %s %s 0", ids[1], w.in.Questions()[0].ID, optsJSON(w.answer(0, 1))),
		fmt.Sprintf("%d %s %s 0", ids[2], w.in.Questions()[2].ID, optsJSON(w.answer(2, 0))),
	}
	slices.Sort(want)
	if got := tableRows(t, s, "answers"); !slices.Equal(got, want) {
		t.Fatalf("answers = %q, want %q", got, want)
	}
}
