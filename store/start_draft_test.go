package store_test

import (
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// StartDraft reads the firm's profile and its open draft in the write that
// starts one: no read transaction, one write; the draft it starts has the
// firm's profile and is what a read gives; one found open is read whole,
// with its answers; a firm that is not there is ErrNotFound, nothing
// written. Fails when the profile or the draft is read apart from the
// write, or the draft found is returned without its answers.
func TestStartDraftReadsInItsWrite(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	fx.Clock.Add(time.Minute)
	before := s.SQLCounts()
	d, err := s.StartDraft(ctx, fx.GoDuc.ID, 0, in, fx.FirmUser.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n := s.SQLCounts().Sub(before); n.ReadTxs != 0 || n.ReadStatements != 0 || n.WriteTxs != 1 {
		t.Fatalf("a start ran %+v, want one write transaction and no read", n)
	}
	if want := (survey.Profile{Section: fx.GoDuc.Section, Size: string(fx.GoDuc.SizeClass)}); d.Profile != want || want.Section == "" {
		t.Fatalf("draft's profile %+v, the firm's %+v", d.Profile, want)
	}
	read, err := s.FindResponse(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !d.CreatedAt.Equal(read.CreatedAt) || !d.UpdatedAt.Equal(read.UpdatedAt) {
		t.Fatalf("started %+v, read %+v", d, read)
	}
	d.CreatedAt, d.UpdatedAt, read.CreatedAt, read.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if !reflect.DeepEqual(d, read) {
		t.Fatalf("started\n%+v\nread\n%+v", d, read)
	}
	if err := s.SaveAnswers(ctx, d.ID, fx.GoDuc.ID, map[string]survey.Answer{"cx.website": {Options: []string{"weekly"}}}, 0); err != nil {
		t.Fatal(err)
	}
	again, err := s.StartDraft(ctx, fx.GoDuc.ID, 0, in, fx.FirmUser.ID)
	if err != nil {
		t.Fatal(err)
	}
	if read, err = s.FindResponse(ctx, d.ID); err != nil || !reflect.DeepEqual(again, read) {
		t.Fatalf("found open\n%+v\nread\n%+v (%v)", again, read, err)
	}
	rows := storetest.DraftRows(t, s)
	if _, err := s.StartDraft(ctx, 424242, 0, in, 0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a firm that is not there: %v", err)
	}
	if after := storetest.DraftRows(t, s); after != rows {
		t.Fatalf("a start for no firm wrote:\n%s", after)
	}
}

// Attack: eight tabs of one firm start an assessment at once, for the
// firm's shared draft and for a claimant's private one: every tab gets the
// same draft, none fails, and there is one open draft of each. Fails when
// the write does not look for the open draft first (the second insert
// breaks the one-draft index).
func TestTwoStartsAtOnceMakeOneDraft(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	for _, owner := range []int64{0, fx.FirmUser.ID} {
		ids := make([]int64, 8)
		errs := make([]error, 8)
		var wg sync.WaitGroup
		for i := range ids {
			wg.Go(func() {
				d, err := s.StartDraft(ctx, fx.NoiThat.ID, owner, in, fx.FirmUser.ID)
				if errs[i] = err; err == nil {
					ids[i] = d.ID
				}
			})
		}
		wg.Wait()
		for i := range ids {
			if errs[i] != nil || ids[i] != ids[0] {
				t.Fatalf("owner %d: tab %d got draft %d (%v), tab 0 draft %d", owner, i, ids[i], errs[i], ids[0])
			}
		}
		d, err := s.FindDraftOf(ctx, fx.NoiThat.ID, owner)
		if err != nil || d.ID != ids[0] {
			t.Fatalf("owner %d: the open draft is %v (%v), the tabs got %d", owner, d, err, ids[0])
		}
	}
}
