package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"

	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// sameAsUnkept returns response id read as every page reads it (with the
// answers kept in memory), after checking that a read of the whole
// response from the database gives the same.
func sameAsUnkept(t *testing.T, c context.Context, s *store.Store, id int64, what string) *survey.Response {
	t.Helper()
	got, err := s.FindResponse(c, id)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	want, err := store.ReadResponseUnkept(c, s, id)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: response %d read with the answers kept\n%+v\nread from the database\n%+v", what, id, got, want)
	}
	return got
}

// newDraft opens a store with the fixtures and starts GoDuc's draft.
func newDraft(t *testing.T) (*store.Store, *storetest.Fixtures, *survey.Instrument, *survey.Response) {
	t.Helper()
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	d, err := s.DraftOf(ctx, fx.GoDuc.ID, 0, in, survey.Profile{}, fx.FirmUser.ID)
	if err != nil {
		t.Fatal(err)
	}
	return s, fx, in, d
}

// fromMemory is sameAsUnkept for a read that must take the answers from
// memory: it fails when the read packed them.
func fromMemory(t *testing.T, s *store.Store, id int64, what string) *survey.Response {
	t.Helper()
	hits, misses, _, _ := store.AnswersKeptCounts(s)
	got := sameAsUnkept(t, ctx, s, id, what)
	if h, m, _, _ := store.AnswersKeptCounts(s); h != hits+1 || m != misses {
		t.Fatalf("%s: the answers were read from the database, not taken from memory", what)
	}
	return got
}

// randomAnswers are up to four answers to questions of pillar pi, each a
// random choice of its options (or none, as a checklist left empty).
func randomAnswers(rng *rand.Rand, in *survey.Instrument, pi int) map[string]survey.Answer {
	qs := in.Pillars[pi].Questions
	out := map[string]survey.Answer{}
	for range 1 + rng.IntN(4) {
		q := qs[rng.IntN(len(qs))]
		var opts []string
		for _, o := range q.Options {
			if rng.IntN(3) == 0 {
				opts = append(opts, o.ID)
			}
		}
		out[q.ID] = survey.Answer{Options: opts}
	}
	return out
}

// The answers kept in memory are never shown for another state of the
// draft: after random step saves, autosaves, answers changed, added and
// deleted by another tool, and drafts deleted and started again (which
// may reuse the deleted one's ID), every read equals a read of the
// database, and every step save is decided on the draft's answers as the
// database holds them, whether or not a read came between. Each part is
// checked to have been used.
func TestKeptAnswersAreAlwaysTheDatabasesAnswers(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	rng := rand.New(rand.NewPCG(14, 32))
	firmIDs := []int64{fx.GoDuc.ID, fx.NoiThat.ID, fx.Kho.ID}
	drafts := make([]int64, len(firmIDs))
	start := func(i int) {
		d, err := s.DraftOf(ctx, firmIDs[i], 0, in, survey.Profile{Section: "C", Size: "small"}, fx.FirmUser.ID)
		if err != nil {
			t.Fatal(err)
		}
		drafts[i] = d.ID
	}
	for i := range firmIDs {
		start(i)
		sameAsUnkept(t, ctx, s, drafts[i], "start")
	}
	reused := 0
	for step := range 400 {
		i := rng.IntN(len(drafts))
		id := drafts[i]
		q := in.Questions()[rng.IntN(len(in.Questions()))]
		switch op := rng.IntN(10); {
		case op < 4: // a step posted, decided on the draft as it was
			pi := rng.IntN(len(in.Pillars))
			before, err := store.ReadResponseUnkept(ctx, s, id)
			if err != nil {
				t.Fatal(err)
			}
			var asked []string
			want := map[string]survey.Answer{}
			for _, q := range in.Questions() {
				if rng.IntN(4) == 0 {
					asked = append(asked, q.ID)
					if a, ok := before.Answers[q.ID]; ok {
						want[q.ID] = a
					}
				}
			}
			var seen *survey.Response
			_, err = s.SaveStep(ctx, id, fx.FirmUser.ID, asked, func(r *survey.Response) (map[string]survey.Answer, error) {
				seen = r
				return randomAnswers(rng, in, pi), nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(seen.Answers, want) {
				t.Fatalf("step %d: a step save was decided on\n%+v\nthe draft's answers to the questions asked were\n%+v", step, seen.Answers, want)
			}
		case op < 6: // an autosave
			if err := s.SaveAnswers(ctx, id, firmIDs[i], randomAnswers(rng, in, rng.IntN(len(in.Pillars))), fx.FirmUser.ID); err != nil {
				t.Fatal(err)
			}
		case op == 6:
			byHand(t, s, fmt.Sprintf(`UPDATE answers SET options = '["by_hand_%d"]' WHERE response_id = %d AND question = '%s'`, step, id, q.ID))
		case op == 7:
			byHand(t, s, fmt.Sprintf(`DELETE FROM answers WHERE response_id = %d AND question = '%s'`, id, q.ID))
		case op == 8:
			byHand(t, s, fmt.Sprintf(`INSERT INTO answers (response_id, question, options, updated_at) VALUES (%d, '%s', '["by_hand"]', '2026-11-22 03:00:00')
				ON CONFLICT DO UPDATE SET options = '["by_hand_again"]'`, id, q.ID))
		default: // the draft deleted by hand and started again
			// (byHand's connection has no foreign keys: its answers go first)
			byHand(t, s, fmt.Sprintf("DELETE FROM answers WHERE response_id = %d", id), fmt.Sprintf("DELETE FROM responses WHERE id = %d", id))
			start(i)
			if drafts[i] == id {
				reused++
			}
		}
		if rng.IntN(2) == 0 {
			continue // the next step comes before any read: what is kept may be behind
		}
		for _, d := range drafts {
			sameAsUnkept(t, ctx, s, d, fmt.Sprintf("step %d", step))
		}
		for j, f := range firmIDs {
			got, err := s.FindDraftOf(ctx, f, 0)
			if err != nil {
				t.Fatal(err)
			}
			if want := sameAsUnkept(t, ctx, s, drafts[j], "open draft"); !reflect.DeepEqual(got, want) {
				t.Fatalf("step %d: the open draft of firm %d read with the answers kept\n%+v\nread from the database\n%+v", step, f, got, want)
			}
		}
	}
	hits, misses, through, _ := store.AnswersKeptCounts(s)
	decided := store.StepsDecidedOnKeptAnswers(s)
	if hits == 0 || misses == 0 || through == 0 || decided == 0 || reused == 0 {
		t.Fatalf("the sequence left a part untried: %d reads from memory, %d from the database, %d saves moved on, %d decided on the answers kept, %d IDs reused",
			hits, misses, through, decided, reused)
	}
}

// A draft deleted and another inserted under its ID with as many answers
// (so at the same answers_rev) is told apart by its record key: the new
// draft's answers are shown, not the old one's kept in memory.
func TestADraftTakingADeletedOnesIDIsNotShownItsAnswers(t *testing.T) {
	s, fx, in, d := newDraft(t)
	q := in.Pillars[0].Questions[0]
	if err := s.SaveAnswers(ctx, d.ID, fx.GoDuc.ID, map[string]survey.Answer{q.ID: {Options: []string{q.Options[0].ID}}}, fx.FirmUser.ID); err != nil {
		t.Fatal(err)
	}
	if got := sameAsUnkept(t, ctx, s, d.ID, "before"); got.Answers[q.ID].Options[0] != q.Options[0].ID {
		t.Fatalf("got %+v", got.Answers)
	}
	byHand(t, s, fmt.Sprintf("DELETE FROM answers WHERE response_id = %d", d.ID), fmt.Sprintf("DELETE FROM responses WHERE id = %d", d.ID),
		fmt.Sprintf(`INSERT INTO responses (id, firm_id, instrument, status, created_at, updated_at) VALUES (%d, %d, '%s', 'draft', '2026-11-22 03:00:00', '2026-11-22 03:00:00')`,
			d.ID, fx.GoDuc.ID, in.Key()),
		fmt.Sprintf(`INSERT INTO answers (response_id, question, options, updated_at) VALUES (%d, '%s', '["%s"]', '2026-11-22 03:00:00')`,
			d.ID, q.ID, q.Options[1].ID))
	got := sameAsUnkept(t, ctx, s, d.ID, "after")
	if got.Answers[q.ID].Options[0] != q.Options[1].ID {
		t.Fatalf("the new draft shows %+v", got.Answers)
	}
}

// The page after a step post takes the draft's answers from memory: the
// save moved them on to the version it wrote. (Had the version it counted
// been off, the page would read them from the database.) Each step save
// after the first page is decided on the answers kept too.
func TestThePageAfterAStepTakesTheAnswersFromMemory(t *testing.T) {
	s, fx, in, d := newDraft(t)
	sameAsUnkept(t, ctx, s, d.ID, "first page")
	for pi := range in.Pillars {
		q := in.Pillars[pi].Questions[0]
		_, err := s.SaveStep(ctx, d.ID, fx.FirmUser.ID, []string{q.ID}, func(*survey.Response) (map[string]survey.Answer, error) {
			return map[string]survey.Answer{q.ID: {Options: []string{q.Options[0].ID}}}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := store.StepsDecidedOnKeptAnswers(s); n != int64(pi+1) {
			t.Fatalf("after step %d, %d steps decided on the answers kept", pi+1, n)
		}
		if got := fromMemory(t, s, d.ID, fmt.Sprintf("after step %d", pi+1)); len(got.Answers) != pi+1 {
			t.Fatalf("after step %d: %d answers", pi+1, len(got.Answers))
		}
	}
}

// A read running beside step saves shows, within its read view, the
// answers of the one snapshot it reads, whatever the saves keep in memory
// meanwhile (run under the race step); some of them from memory.
func TestKeptAnswersBesideSavesMatchTheReadsSnapshot(t *testing.T) {
	s, fx, in, d := newDraft(t)
	var wg sync.WaitGroup
	done, stop := make(chan struct{}), make(chan struct{})
	defer wg.Wait() // the saver stops before the test ends, whatever ends it
	defer close(stop)
	wg.Go(func() {
		defer close(done)
		rng := rand.New(rand.NewPCG(1, 2))
		for range 150 {
			select {
			case <-stop:
				return
			default:
			}
			a := randomAnswers(rng, in, rng.IntN(len(in.Pillars)))
			if _, err := s.SaveStep(ctx, d.ID, fx.FirmUser.ID, []string{}, func(*survey.Response) (map[string]survey.Answer, error) {
				return a, nil
			}); err != nil {
				t.Error(err)
				return
			}
		}
	})
	hits, _, _, _ := store.AnswersKeptCounts(s)
	for reads := 0; ; reads++ {
		select {
		case <-done:
			sameAsUnkept(t, ctx, s, d.ID, "at the end")
			if h, _, _, _ := store.AnswersKeptCounts(s); h == hits {
				t.Fatalf("none of %d reads beside the saves took the answers from memory", reads)
			}
			return
		default:
		}
		c, end := s.ReadView(ctx)
		sameAsUnkept(t, c, s, d.ID, fmt.Sprintf("read %d", reads))
		end()
	}
}

// Step saves of one draft in one batch, each in its savepoint: one adding
// an answer, one changing it, one sending it again unchanged, one whose
// decision fails (undone), one adding two. Once the batch commits, the
// answers kept have moved on through each in turn, and the next read
// takes them from memory and equals the database.
func TestABatchOfStepsOnOneDraftMovesTheKeptAnswersOnInTurn(t *testing.T) {
	s, fx, in, d := newDraft(t)
	sameAsUnkept(t, ctx, s, d.ID, "before")
	q1, q2, q3 := in.Pillars[0].Questions[0], in.Pillars[0].Questions[1], in.Pillars[1].Questions[0]
	answer := func(q survey.Question, o int) map[string]survey.Answer {
		return map[string]survey.Answer{q.ID: {Options: []string{q.Options[o].ID}}}
	}
	step := func(answers map[string]survey.Answer, fail error) func() error {
		return func() error {
			_, err := s.SaveStep(ctx, d.ID, fx.FirmUser.ID, []string{q1.ID}, func(*survey.Response) (map[string]survey.Answer, error) {
				return answers, fail
			})
			return err
		}
	}
	refused := errors.New("refused")
	two := answer(q2, 0)
	two[q3.ID] = survey.Answer{Options: []string{q3.Options[0].ID}}
	errs := batchOf(t, s, step(answer(q1, 0), nil), step(answer(q1, 1), nil), step(answer(q1, 1), nil), step(answer(q2, 1), refused), step(two, nil))
	for i, err := range errs {
		if want := (i == 3); (err != nil) != want || (want && !errors.Is(err, refused)) {
			t.Fatalf("save %d: %v", i, err)
		}
	}
	if _, _, through, _ := store.AnswersKeptCounts(s); through != 4 {
		t.Fatalf("%d saves moved the answers kept on, want 4", through)
	}
	got := fromMemory(t, s, d.ID, "after the batch")
	if len(got.Answers) != 3 || got.Answers[q1.ID].Options[0] != q1.Options[1].ID {
		t.Fatalf("after the batch: %+v", got.Answers)
	}
}

// The answers kept after a save are those the database stored, not those
// sent: a list left out is an empty one, and a string that is not UTF-8
// is stored (and so shown) with U+FFFD in place of its bad byte.
func TestKeptAnswersAreWhatTheDatabaseStored(t *testing.T) {
	s, fx, in, d := newDraft(t)
	sameAsUnkept(t, ctx, s, d.ID, "before")
	q1, q2, q3 := in.Pillars[0].Questions[0], in.Pillars[0].Questions[1], in.Pillars[0].Questions[2]
	_, err := s.SaveStep(ctx, d.ID, fx.FirmUser.ID, []string{}, func(*survey.Response) (map[string]survey.Answer, error) {
		return map[string]survey.Answer{q1.ID: {}, q2.ID: {Options: []string{"bad\xff"}}, q3.ID: {Options: []string{`<a href="x">`, "b"}}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got := fromMemory(t, s, d.ID, "after")
	if got.Answers[q2.ID].Options[0] != "bad\uFFFD" || got.Answers[q1.ID].Options == nil {
		t.Fatalf("kept %+v", got.Answers)
	}
}
