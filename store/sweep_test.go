package store_test

import (
	"database/sql"
	"testing"
	"time"

	"dxready/auth"
	"dxready/store"
	"dxready/store/storetest"
)

func rows(t *testing.T, s *store.Store, table string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The hourly sweep keeps the sign-in tables the size of recent activity:
// an expired session and pending sign-in go at once, a link two days
// after its expiry (the throttles count the last day's links), and what
// is still live or recent stays.
func TestSweepExpiredKeepsOnlyWhatCanStillMatter(t *testing.T) {
	s, fx := storetest.Open(t)
	u := fx.FirmUser
	link := func(b byte) *store.Link {
		return &store.Link{Purpose: auth.LinkReset, TokenHash: []byte{b, 1, 2, 3},
			Message: &store.Message{Kind: "account.reset", DedupeKey: "sweep-" + string(rune('a'+b)), To: u.Email, Lang: "vi", Subject: "s", Body: "b"}}
	}
	if _, err := s.IssueLink(ctx, u.ID, link(1), false); err != nil {
		t.Fatal(err)
	}
	now := fx.Clock.Now()
	if err := s.CreateSession(ctx, &store.Session{TokenHash: []byte("expiring-session-token-0123456789"), UserID: u.ID, CreatedAt: now,
		LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreatePendingSignIn(ctx, &store.PendingSignIn{TokenHash: []byte("pending-token"), UserID: u.ID, Next: "/", ExpiresAt: now.Add(5 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	fx.Clock.Add(2 * time.Hour) // the link (1 h) expired an hour ago; session and pending sign-in are over
	if _, err := s.IssueLink(ctx, u.ID, link(2), false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SweepExpired(ctx); err != nil {
		t.Fatal(err)
	}
	if n := rows(t, s, "sessions"); n != 0 {
		t.Errorf("%d expired sessions left", n)
	}
	if n := rows(t, s, "signin_pending"); n != 0 {
		t.Errorf("%d expired pending sign-ins left", n)
	}
	if n := rows(t, s, "user_tokens"); n != 2 {
		t.Fatalf("%d links after the first sweep, want both (one expired an hour ago, still counted by the throttle)", n)
	}
	fx.Clock.Add(48 * time.Hour)
	if _, err := s.SweepExpired(ctx); err != nil {
		t.Fatal(err)
	}
	if n := rows(t, s, "user_tokens"); n != 1 {
		t.Fatalf("%d links two days on, want only the newer one (expired 47 h ago)", n)
	}
}
