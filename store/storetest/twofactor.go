package storetest

import (
	"context"
	"testing"
	"time"

	"dxready/auth"
	"dxready/store"
)

// AdminTOTPSecret is the fixture admin's TOTP secret: Center admins must
// use two-factor sign-in, so the fixtures' admin is enrolled with it.
const AdminTOTPSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

// AdminRecoveryCodes are the fixture admin's recovery codes.
var AdminRecoveryCodes = []string{"22222-aaaaa", "33333-bbbbb", "44444-ccccc", "55555-ddddd", "66666-eeeee",
	"77777-fffff", "88888-ggggg", "99999-hhhhh", "22222-jjjjj", "33333-kkkkk"}

// EnrolTOTP turns two-factor sign-in on for u with secret and codes, as a
// confirmed enrolment would, and sets u.TwoFactor.
func EnrolTOTP(t testing.TB, s *store.Store, u *auth.User, secret string, codes []string) {
	t.Helper()
	if err := enrol(context.Background(), s, u, secret, codes); err != nil {
		t.Fatal(err)
	}
}

func enrol(ctx context.Context, s *store.Store, u *auth.User, secret string, codes []string) error {
	if err := s.BeginTOTP(ctx, u.ID, secret); err != nil {
		return err
	}
	// Step 1 is long past: every code from the fixtures' clock on is new.
	if err := s.ConfirmTOTP(ctx, u.ID, 1, codes); err != nil {
		return err
	}
	u.TwoFactor = true
	return nil
}

// TOTPCode is secret's code at now, failing the test if it cannot be made.
func TOTPCode(t testing.TB, secret string, now time.Time) string {
	t.Helper()
	c, err := auth.TOTPCode(secret, now)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
