package store_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"dxready/auth"
	"dxready/store"
	"dxready/store/storetest"
)

// announcements records what OnUserChange reports and, for each, the
// user's association as a reader sees it at that moment.
type announcements struct {
	mu    sync.Mutex
	ids   [][]int64
	assoc []int64
}

func listen(t *testing.T, st *store.Store, watch int64) *announcements {
	a := &announcements{}
	st.OnUserChange(func(ids []int64) {
		u, err := st.FindUserByID(context.Background(), watch)
		if err != nil {
			t.Errorf("reading the user in the listener: %v", err)
			return
		}
		a.mu.Lock()
		defer a.mu.Unlock()
		a.ids = append(a.ids, slices.Sorted(slices.Values(ids)))
		a.assoc = append(a.assoc, u.AssociationID)
	})
	return a
}

func (a *announcements) take() ([][]int64, []int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	ids, assoc := a.ids, a.assoc
	a.ids, a.assoc = nil, nil
	return ids, assoc
}

// Every way a user's row changes or a session ends is announced with the
// user's id, after the commit (the listener already reads the new row);
// a write that rolls back, or touches no user, is not.
func TestUserChangesAreAnnouncedAfterCommit(t *testing.T) {
	st, fx := storetest.Open(t)
	lead := fx.Lead
	a := listen(t, st, lead.ID)
	ctx := context.Background()
	check := func(what string, wantIDs [][]int64) {
		t.Helper()
		ids, _ := a.take()
		if !slices.EqualFunc(ids, wantIDs, slices.Equal) {
			t.Errorf("%s: announced %v, want %v", what, ids, wantIDs)
		}
	}
	if err := st.AssignLead(ctx, lead.ID, fx.Logistics.ID); err != nil {
		t.Fatal(err)
	}
	ids, assoc := a.take()
	if !slices.EqualFunc(ids, [][]int64{{lead.ID}}, slices.Equal) || assoc[0] != fx.Logistics.ID {
		t.Fatalf("moving the lead: announced %v, the listener read association %v (want %d)", ids, assoc, fx.Logistics.ID)
	}
	if err := st.SetUserStatus(ctx, fx.FirmUser.ID, 0, auth.StatusDisabled); err != nil {
		t.Fatal(err)
	}
	check("disabling a user", [][]int64{{fx.FirmUser.ID}})
	if err := st.SetUserLang(ctx, fx.Admin.ID, "en"); err != nil {
		t.Fatal(err)
	}
	check("a language change", [][]int64{{fx.Admin.ID}})
	now := fx.Clock.Now()
	sess := &store.Session{TokenHash: []byte("0123456789abcdef0123456789abcdef"), UserID: fx.Advisor.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := st.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	check("a new session", nil)
	if err := st.DeleteSession(ctx, sess.TokenHash); err != nil {
		t.Fatal(err)
	}
	check("a session ended", [][]int64{{fx.Advisor.ID}})
	if err := st.AssignLead(ctx, fx.Admin.ID, fx.Wood.ID); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("assigning the admin as a lead: %v", err)
	}
	check("a refused change", nil)
	if err := st.SetMeta(ctx, "x", "y"); err != nil {
		t.Fatal(err)
	}
	check("a write to another table", nil)
}
