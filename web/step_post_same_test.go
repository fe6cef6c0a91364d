package web

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"dxready/auth"
	"dxready/locale"
	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// stepTwin is one of two copies of the same store, with its portal and
// clock: one answers step posts the new way, the other reading first.
type stepTwin struct {
	st    *store.Store
	s     *Server
	clock *storetest.FakeClock
	post  func(*Server, http.ResponseWriter, *http.Request)
}

// stepWorld is the twins and what the random step posts aim at.
type stepWorld struct {
	t       *testing.T
	twins   [2]*stepTwin
	in      *survey.Instrument
	users   []*auth.User    // each a firm user as the middleware gives it
	own     map[int64]int64 // user → the open draft it answers
	targets []int64         // every response ID there is, and one that is not
}

// newStepWorld opens a store with drafts of three firms (a shared one
// each, a claimant's private one, a submitted one), copies it, and gives
// each copy its portal.
func newStepWorld(t *testing.T) *stepWorld {
	st, fx := storetest.Open(t)
	ins, err := survey.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	in, _ := survey.Latest(ins, survey.DefaultID)
	w := &stepWorld{t: t, in: in, own: map[int64]int64{}}
	for i, f := range []int64{fx.GoDuc.ID, fx.NoiThat.ID, fx.Kho.ID} {
		u := storetest.FirmUser(t, st, fmt.Sprintf("step%d@test.local", i), f)
		u.FirmVerified = true
		w.users = append(w.users, u)
	}
	claimant := storetest.FirmUser(t, st, "claimant@test.local", fx.NoiThat.ID)
	claimant.FirmVerified = false // an open claim: its own private draft
	w.users = append(w.users, claimant)
	p := survey.Profile{Section: "C", Size: "medium"}
	done, err := st.Draft(ctx, fx.Kho.ID, in, p, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SubmitResponse(ctx, done.ID, fx.Kho.ID, 0, done.Version(), scoring.Score(in, p, done.Answers)); err != nil {
		t.Fatal(err)
	}
	for _, u := range w.users {
		d, err := st.DraftOf(ctx, u.FirmID, auth.DraftOwner(u), in, p, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		w.own[u.ID] = d.ID
	}
	w.targets = []int64{done.ID, 999999}
	for _, id := range w.own {
		w.targets = append(w.targets, id)
	}
	copyPath := filepath.Join(t.TempDir(), "twin.db")
	if _, err := rawStoreDB(t, st).Exec("VACUUM INTO ?", copyPath); err != nil {
		t.Fatal(err)
	}
	clock := storetest.NewClock()
	twin, err := store.Open(ctx, copyPath, store.Options{Clock: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { twin.Close() })
	if _, err := twin.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	w.twins[0] = w.twin(st, fx.Clock, ins, fx, (*Server).assessmentStepPost)
	w.twins[1] = w.twin(twin, clock, ins, fx, (*Server).assessmentStepPostReadFirst)
	return w
}

func rawStoreDB(t *testing.T, st *store.Store) *sql.DB {
	db, err := sql.Open("sqlite", "file:"+st.Path()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func (w *stepWorld) twin(st *store.Store, clock *storetest.FakeClock, ins map[string]*survey.Instrument, fx *storetest.Fixtures,
	post func(*Server, http.ResponseWriter, *http.Request)) *stepTwin {
	bundle, err := locale.Load()
	if err != nil {
		w.t.Fatal(err)
	}
	s, err := New(Config{Store: st, Bundle: bundle, Ref: fx.Ref, Hasher: auth.NewHasher(storetest.Cheap, 2), Instruments: ins,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clock.Now})
	if err != nil {
		w.t.Fatal(err)
	}
	return &stepTwin{st: st, s: s, clock: clock, post: post}
}

// stepRequest is one random step post.
type stepRequest struct {
	u        *auth.User
	id, n    string
	body     string
	cancel   bool
	describe string
}

// randomStep is a step post of a random user to a random response (mostly
// their own draft), of a random step (mostly one there is), with random
// answers (some not valid, some of another step, some bodies unreadable).
func (w *stepWorld) randomStep(rng *rand.Rand, u *auth.User) stepRequest {
	id := w.own[u.ID]
	if rng.IntN(3) == 0 {
		id = w.targets[rng.IntN(len(w.targets))]
	}
	q := stepRequest{u: u, id: fmt.Sprint(id), n: fmt.Sprint(1 + rng.IntN(len(w.in.Pillars)))}
	switch rng.IntN(40) {
	case 0:
		q.id = "x"
	case 1:
		q.n = fmt.Sprint(len(w.in.Pillars) + 1)
	case 2:
		q.n = "0"
	case 3:
		q.cancel = true
	}
	pi := min(len(w.in.Pillars)-1, max(0, int(q.n[0]-'1')))
	f := url.Values{}
	for _, qu := range w.in.Pillars[pi].Questions {
		switch k := rng.IntN(10); {
		case k < 6:
			f.Set("q."+qu.ID, qu.Options[rng.IntN(len(qu.Options))].ID)
			if qu.Type == survey.Multi && rng.IntN(2) == 0 {
				f.Add("q."+qu.ID, qu.Options[rng.IntN(len(qu.Options))].ID)
			}
		case k == 6 && rng.IntN(4) == 0:
			f.Set("q."+qu.ID, "bogus")
		}
		if qu.Type == survey.Multi && rng.IntN(2) == 0 {
			f.Add("shown", qu.ID)
		}
		if qu.When == nil && rng.IntN(5) > 0 {
			f.Add("asked", qu.ID)
		}
	}
	if rng.IntN(30) == 0 { // a question of another step
		other := w.in.Questions()[rng.IntN(len(w.in.Questions()))]
		f.Set("q."+other.ID, other.Options[0].ID)
	}
	if rng.IntN(12) == 0 { // nothing answered: nothing to save
		f = url.Values{}
	}
	f.Set("nav", []string{"", "next", "prev", "review"}[rng.IntN(4)])
	if rng.IntN(5) == 0 {
		f.Set("from", "review")
		f.Set("changed", w.in.Questions()[rng.IntN(len(w.in.Questions()))].ID)
	}
	q.body = f.Encode()
	if rng.IntN(40) == 0 {
		q.body += "&bad=%zz" // not a form body
	}
	q.describe = fmt.Sprintf("user %d posts step %s of response %s (cancelled %v): %s", u.ID, q.n, q.id, q.cancel, q.body)
	return q
}

// send posts q to twin's step handler, as the middleware would hand it
// over, and returns what it answered.
func (tw *stepTwin) send(q stepRequest) string {
	ctx, cancel := context.WithCancel(context.WithValue(ctx, userKey, q.u))
	defer cancel()
	if q.cancel {
		cancel()
	}
	r := httptest.NewRequestWithContext(ctx, http.MethodPost, "/assessment/"+q.id+"/step/"+q.n, strings.NewReader(q.body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.SetPathValue("id", q.id)
	r.SetPathValue("n", q.n)
	rec := httptest.NewRecorder()
	tw.post(tw.s, rec, r)
	return fmt.Sprintf("%d %s\n%s", rec.Code, rec.Header().Get("Location"), rec.Body.String())
}

// TestStepPostSameAsReadingFirst posts ~400 random steps (a quarter of
// them under the race detector: storetest.Iterations), one at a time
// and in concurrent groups (each of a group to another response), to two
// copies of one store: through the step post that reads its draft inside
// its write, and through the read-then-write it replaced. Every answer
// (status, where it leads, page) and every stored row must be the same.
// Now and then a draft is submitted on both and a new one started.
func TestStepPostSameAsReadingFirst(t *testing.T) {
	w := newStepWorld(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 14))
	statuses := map[string]int{}
	for i := 0; i < storetest.Iterations(400); {
		if rng.IntN(25) == 0 {
			w.submitAndRestart(rng)
			continue
		}
		group := w.randomGroup(rng)
		i += len(group)
		var got [2][]string
		for k, tw := range w.twins {
			tw.clock.Add(time.Second)
			got[k] = make([]string, len(group))
			var wg sync.WaitGroup
			for j, q := range group {
				wg.Go(func() { got[k][j] = tw.send(q) })
			}
			wg.Wait()
		}
		for j, q := range group {
			statuses[got[0][j][:3]+fmt.Sprint(" in a group of ", len(group) > 1)]++
			if got[0][j] != got[1][j] {
				t.Fatalf("%s\nanswered\n%.600s\nreading first\n%.600s", q.describe, got[0][j], got[1][j])
			}
		}
		if a, b := storetest.DraftRows(t, w.twins[0].st), storetest.DraftRows(t, w.twins[1].st); a != b {
			t.Fatalf("after %d posts the stores differ:\n%s\nreading first:\n%s", i, a, b)
		}
	}
	t.Logf("answers: %v", statuses)
}

// randomGroup is one step post, or (one time in five) two to six posted
// at once, each to another response.
func (w *stepWorld) randomGroup(rng *rand.Rand) []stepRequest {
	n := 1
	if rng.IntN(5) == 0 {
		n = 2 + rng.IntN(5)
	}
	var group []stepRequest
	aimed := map[string]bool{}
	for range n {
		q := w.randomStep(rng, w.users[rng.IntN(len(w.users))])
		if !aimed[q.id] {
			aimed[q.id] = true
			group = append(group, q)
		}
	}
	return group
}

// submitAndRestart submits a random user's draft on both stores and
// starts another: its old ID stays a target, now submitted.
func (w *stepWorld) submitAndRestart(rng *rand.Rand) {
	u := w.users[rng.IntN(len(w.users))]
	id := w.own[u.ID]
	for k, tw := range w.twins {
		tw.clock.Add(time.Second)
		d, err := tw.st.FindResponse(ctx, id)
		if err != nil {
			w.t.Fatal(err)
		}
		if err := tw.st.SubmitResponse(ctx, id, d.FirmID, u.ID, d.Version(), scoring.Score(w.in, d.Profile, d.Answers)); err != nil {
			w.t.Fatalf("twin %d: submit %d (%s, %v) of user %d: %v", k, id, d.Status, d.SubmittedAt, u.ID, err)
		}
		n, err := tw.st.DraftOf(ctx, u.FirmID, auth.DraftOwner(u), w.in, d.Profile, u.ID)
		if err != nil {
			w.t.Fatal(err)
		}
		if n.ID == id || n.Status != survey.Draft {
			w.t.Fatalf("twin %d: after submitting %d, user %d's draft is %d (%s)", k, id, u.ID, n.ID, n.Status)
		}
		w.own[u.ID] = n.ID
	}
	w.targets = append(w.targets, w.own[u.ID])
}
