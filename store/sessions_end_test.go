package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dxready/auth"
	"dxready/store"
	"dxready/store/storetest"
)

func openPending(t *testing.T, s *store.Store, fx *storetest.Fixtures, userID int64, token string) *store.PendingSignIn {
	t.Helper()
	p := &store.PendingSignIn{TokenHash: []byte(token), UserID: userID, Next: "/", ExpiresAt: fx.Clock.Now().Add(5 * time.Minute)}
	if err := s.CreatePendingSignIn(ctx, p); err != nil {
		t.Fatal(err)
	}
	return p
}

// Every change that ends a user's sessions for safety ends their pending
// sign-ins too.
func TestEndingSessionsEndsPendingSignIns(t *testing.T) {
	for name, end := range map[string]func(s *store.Store, fx *storetest.Fixtures) error{
		"password change": func(s *store.Store, fx *storetest.Fixtures) error {
			return s.ChangePassword(ctx, fx.Admin.ID, "new-hash", nil, nil)
		},
		"disabled": func(s *store.Store, fx *storetest.Fixtures) error {
			return s.SetUserStatus(ctx, fx.Admin.ID, 0, auth.StatusDisabled)
		},
		"two-step reset": func(s *store.Store, fx *storetest.Fixtures) error {
			return s.RemoveTOTP(ctx, fx.Admin.ID, nil, store.AuditEntry{Action: "twofactor.reset", Subject: "user:1"})
		},
	} {
		t.Run(name, func(t *testing.T) {
			s, fx := storetest.Open(t)
			p := openPending(t, s, fx, fx.Admin.ID, "p1")
			other := openPending(t, s, fx, fx.Lead.ID, "p2")
			if err := end(s, fx); err != nil {
				t.Fatal(err)
			}
			if _, err := s.FindPendingSignIn(ctx, p.TokenHash); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("the pending sign-in survived: %v", err)
			}
			now := fx.Clock.Now()
			sess := &store.Session{TokenHash: []byte("s"), UserID: fx.Admin.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}
			if err := s.FinishPendingSignIn(ctx, p.TokenHash, sess); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("finished an ended pending sign-in: %v", err)
			}
			if _, err := s.FindPendingSignIn(ctx, other.TokenHash); err != nil {
				t.Fatalf("another user's pending sign-in went: %v", err)
			}
		})
	}
}

// No store code ends a user's sessions but endSignIns, which ends their
// pending sign-ins with them: a new path that forgets fails here.
func TestSessionsEndOnlyInEndSignIns(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		n := strings.Count(strings.Join(strings.Fields(string(b)), " "), "DELETE FROM sessions WHERE user_id")
		if want := map[bool]int{true: 1, false: 0}[f == "sessions.go"]; n != want {
			t.Errorf("%s deletes a user's sessions %d times (want %d): call endSignIns", f, n, want)
		}
	}
}
