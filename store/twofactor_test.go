package store_test

import (
	"bytes"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"dxready/auth"
	"dxready/store"
	"dxready/store/storetest"
)

func rawDB(t *testing.T, s *store.Store) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Someone who reads the tables (an export, a query log) finds neither the
// secret nor a recovery code; a sealed secret copied to another user's
// row does not open.
func TestTwoFactorSecretsAreNotReadableInTheTables(t *testing.T) {
	s, fx := storetest.Open(t)
	db := rawDB(t, s)
	var sealed []byte
	if err := db.QueryRow("SELECT secret FROM totp_secrets WHERE user_id = ?", fx.Admin.ID).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte(storetest.AdminTOTPSecret)) || bytes.Contains(sealed, []byte(strings.ToLower(storetest.AdminTOTPSecret[:8]))) {
		t.Fatal("the TOTP secret is stored in clear")
	}
	rows, err := db.Query("SELECT code_hash FROM recovery_codes WHERE user_id = ?", fx.Admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var h []byte
		if err := rows.Scan(&h); err != nil {
			t.Fatal(err)
		}
		for _, c := range storetest.AdminRecoveryCodes {
			if len(h) != 32 || bytes.Contains(h, []byte(c)) || bytes.Contains(h, []byte(strings.ReplaceAll(c, "-", ""))) {
				t.Fatalf("stored recovery code %q is not a SHA-256 (code %s)", h, c)
			}
		}
		n++
	}
	rows.Close()
	if n != auth.RecoveryCodeCount {
		t.Fatalf("%d recovery codes stored", n)
	}
	got, err := s.FindTOTP(ctx, fx.Admin.ID)
	if err != nil || got.Secret != storetest.AdminTOTPSecret || !got.Confirmed {
		t.Fatalf("FindTOTP = %+v, %v", got, err)
	}
	// Move the admin's sealed secret to the lead: it must not open there.
	if err := s.BeginTOTP(ctx, fx.Lead.ID, auth.NewTOTPSecret()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("UPDATE totp_secrets SET secret = ? WHERE user_id = ?", sealed, fx.Lead.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindTOTP(ctx, fx.Lead.ID); err == nil {
		t.Fatal("a secret sealed for the admin opened as the lead's")
	}
}

func TestRecoveryCodesAreSingleUse(t *testing.T) {
	s, fx := storetest.Open(t)
	code := storetest.AdminRecoveryCodes[3]
	if err := s.UseRecoveryCode(ctx, fx.Admin.ID, code); err != nil {
		t.Fatal(err)
	}
	if err := s.UseRecoveryCode(ctx, fx.Admin.ID, code); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second use: %v", err)
	}
	// Another user's code is no code of this user.
	storetest.EnrolTOTP(t, s, fx.Lead, auth.NewTOTPSecret(), []string{"abcde-fghjk"})
	if err := s.UseRecoveryCode(ctx, fx.Admin.ID, "abcde-fghjk"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the lead's code worked for the admin: %v", err)
	}
	if n, err := s.RecoveryCodesLeft(ctx, fx.Admin.ID); err != nil || n != auth.RecoveryCodeCount-1 {
		t.Fatalf("left %d, %v", n, err)
	}
	// New codes replace all the old ones, used or not.
	if err := s.ReplaceRecoveryCodes(ctx, fx.Admin.ID, store.CodeProof{Step: 5}, []string{"zzzzz-zzzzz"}); err != nil {
		t.Fatal(err)
	}
	if err := s.UseRecoveryCode(ctx, fx.Admin.ID, storetest.AdminRecoveryCodes[0]); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an old code survived regeneration: %v", err)
	}
}

func TestTOTPStepsAreUsedOnce(t *testing.T) {
	s, fx := storetest.Open(t)
	if err := s.AcceptTOTPStep(ctx, fx.Admin.ID, 100); err != nil {
		t.Fatal(err)
	}
	for _, step := range []int64{100, 99} {
		if err := s.AcceptTOTPStep(ctx, fx.Admin.ID, step); err != auth.ErrCodeReplayed {
			t.Fatalf("step %d again: %v", step, err)
		}
	}
	if err := s.AcceptTOTPStep(ctx, fx.Admin.ID, 101); err != nil {
		t.Fatal(err)
	}
	// Enrolling again over a confirmed secret is refused.
	if err := s.BeginTOTP(ctx, fx.Admin.ID, auth.NewTOTPSecret()); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("re-enrol: %v", err)
	}
}

func TestCodeTriesCountPerWindow(t *testing.T) {
	s, fx := storetest.Open(t)
	for range 3 {
		if _, err := s.ReserveCodeTry(ctx, fx.Admin.ID, nil); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := s.FindTOTP(ctx, fx.Admin.ID)
	if got.Failures != 3 || !got.FailuresSince.Equal(storetest.Clock) {
		t.Fatalf("failures %d since %v", got.Failures, got.FailuresSince)
	}
	fx.Clock.Add(auth.CodeFailureWindow)
	s.ReserveCodeTry(ctx, fx.Admin.ID, nil)
	if got, _ = s.FindTOTP(ctx, fx.Admin.ID); got.Failures != 1 {
		t.Fatalf("a new window starts at 1, got %d", got.Failures)
	}
	s.AcceptTOTPStep(ctx, fx.Admin.ID, 1000)
	if got, _ = s.FindTOTP(ctx, fx.Admin.ID); got.Failures != 0 {
		t.Fatalf("a right code clears the count, got %d", got.Failures)
	}
	// A user without a confirmed secret has nothing to try.
	if _, err := s.ReserveCodeTry(ctx, fx.Lead.ID, nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("lead without a secret: %v", err)
	}
}

// The command line's reset (step 0) also ends the user's sessions.
func TestRemoveTOTPEndsSessionsOnReset(t *testing.T) {
	s, fx := storetest.Open(t)
	now := fx.Clock.Now()
	if err := s.CreateSession(ctx, &store.Session{TokenHash: []byte("t1"), UserID: fx.Admin.ID, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveTOTP(ctx, fx.Admin.ID, nil, store.AuditEntry{Action: "twofactor.reset", Subject: "user:1"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SessionUser(ctx, []byte("t1")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("session survived the reset: %v", err)
	}
	u, _ := s.FindUserByID(ctx, fx.Admin.ID)
	if _, err := s.FindTOTP(ctx, fx.Admin.ID); !errors.Is(err, store.ErrNotFound) || u.TwoFactor {
		t.Fatalf("secret left: %v, two_factor %v", err, u.TwoFactor)
	}
}

func TestPendingSignInExpires(t *testing.T) {
	s, fx := storetest.Open(t)
	p := &store.PendingSignIn{TokenHash: []byte("p1"), UserID: fx.Admin.ID, Next: "/", ExpiresAt: fx.Clock.Now().Add(5 * time.Minute)}
	if err := s.CreatePendingSignIn(ctx, p); err != nil {
		t.Fatal(err)
	}
	if n, err := s.ReserveCodeTry(ctx, fx.Admin.ID, p.TokenHash); n != 1 || err != nil {
		t.Fatalf("failed: %d, %v", n, err)
	}
	fx.Clock.Add(5 * time.Minute)
	if _, err := s.FindPendingSignIn(ctx, p.TokenHash); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("expired pending sign-in found: %v", err)
	}
}
