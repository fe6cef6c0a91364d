package store_test

import (
	"bytes"
	"errors"
	"testing"

	"dxready/auth"
	"dxready/store"
	"dxready/store/storetest"
)

// Moving to a new app: the proof is spent in the same transaction, the
// new secret is sealed, the old secret and codes work until the new one is
// confirmed, confirming twice or after the move lapsed changes nothing,
// and a recovery-code sign-in proves nothing but a move.
func TestReenrolment(t *testing.T) {
	s, fx := storetest.Open(t)
	id, now := fx.Admin.ID, fx.Clock.Now()
	step := auth.TOTPStep(now)
	mine, theirs := []byte("session-that-began-the-move-0123"), []byte("another-session-of-the-admin-012")
	if err := s.BeginReenrol(ctx, id, mine, store.CodeProof{Recovery: "zzzzz-zzzzz"}, auth.NewTOTPSecret()); !errors.Is(err, auth.ErrTOTPWrong) {
		t.Fatalf("an unknown recovery code proved a move: %v", err)
	}
	next := auth.NewTOTPSecret()
	if err := s.BeginReenrol(ctx, id, mine, store.CodeProof{Recovery: storetest.AdminRecoveryCodes[0]}, next); err != nil {
		t.Fatal(err)
	}
	if err := s.UseRecoveryCode(ctx, id, storetest.AdminRecoveryCodes[0]); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("the proving recovery code was not spent")
	}
	var sealed []byte
	if err := rawDB(t, s).QueryRow("SELECT next_secret FROM totp_secrets WHERE user_id = ?", id).Scan(&sealed); err != nil || bytes.Contains(sealed, []byte(next)) {
		t.Fatalf("the new secret is stored in clear (%v)", err)
	}
	tt, err := s.FindTOTP(ctx, id)
	if err != nil || tt.Secret != storetest.AdminTOTPSecret || tt.Next != next || !tt.Confirmed {
		t.Fatalf("during the move: %+v %v", tt, err)
	}
	if err := s.UseRecoveryCode(ctx, id, storetest.AdminRecoveryCodes[1]); err != nil {
		t.Fatalf("an old recovery code during the move: %v", err)
	}
	// Another session of the same user can neither see whose move it is
	// nor confirm it.
	if !bytes.Equal(tt.NextSession, mine) {
		t.Fatalf("the move's session: %x", tt.NextSession)
	}
	if err := s.ConfirmReenrol(ctx, id, theirs, step, []string{"xxxxx-xxxxx"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another session confirmed the move: %v", err)
	}
	if err := s.ConfirmReenrol(ctx, id, mine, step, []string{"aaaaa-aaaaa"}); err != nil {
		t.Fatal(err)
	}
	if err := s.ConfirmReenrol(ctx, id, mine, step+1, []string{"bbbbb-bbbbb"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("confirmed twice: %v", err)
	}
	tt, _ = s.FindTOTP(ctx, id)
	if tt.Secret != next || tt.Next != "" || tt.LastStep != step {
		t.Fatalf("after the move: %+v", tt)
	}
	if err := s.UseRecoveryCode(ctx, id, storetest.AdminRecoveryCodes[2]); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("an old recovery code outlived the move")
	}
	// A move that lapsed cannot be confirmed.
	if err := s.BeginReenrol(ctx, id, mine, store.CodeProof{RecoverySignIn: true}, auth.NewTOTPSecret()); err != nil {
		t.Fatal(err)
	}
	fx.Clock.Add(auth.ReenrolmentTTL)
	if err := s.ConfirmReenrol(ctx, id, mine, step+40, []string{"ccccc-ccccc"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a lapsed move confirmed: %v", err)
	}
	// A recovery-code sign-in is no proof for anything else.
	sure := store.CodeProof{RecoverySignIn: true}
	if err := s.ReplaceRecoveryCodes(ctx, id, sure, []string{"ddddd-ddddd"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("regenerate proved by a sign-in: %v", err)
	}
	if err := s.RemoveTOTP(ctx, id, &sure); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("removal proved by a sign-in: %v", err)
	}
	if err := s.UseRecoveryCode(ctx, id, "aaaaa-aaaaa"); err != nil {
		t.Fatalf("the move's codes: %v", err)
	}
}
