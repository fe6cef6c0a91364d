package store_test

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"testing"
	"time"

	"dxready/auth"
	"dxready/store"
	"dxready/store/storetest"
)

// link returns a fresh link of purpose with token tok and its message.
func link(purpose auth.LinkPurpose, tok string) *store.Link {
	h := sha256.Sum256([]byte(tok))
	kind := store.KindVerifyEmail
	if purpose == auth.LinkReset {
		kind = "account.reset"
	}
	return &store.Link{Purpose: purpose, TokenHash: h[:], Message: &store.Message{Kind: kind, DedupeKey: kind + ":" + tok, Lang: "vi",
		Subject: "s", Body: "link " + tok}}
}

func hashOf(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

// newUnverified adds an unverified firm user of GoDuc with its
// verification link tok, in one transaction.
func newUnverified(t *testing.T, s *store.Store, fx *storetest.Fixtures, email, tok string) *auth.User {
	t.Helper()
	u := &auth.User{Email: email, Name: "Mới", Role: auth.RoleFirm, FirmID: fx.GoDuc.ID, Status: auth.StatusActive, Lang: "en",
		PasswordHash: fx.FirmUser.PasswordHash}
	if err := s.CreateAccount(ctx, u, link(auth.LinkVerify, tok)); err != nil {
		t.Fatal(err)
	}
	return u
}

// Only the verification link reaches an unverified address; whatever else
// the portal tries to send it is refused, in every spelling of the
// address, until the link is followed. Addresses that are no account's,
// and claim codes (to a firm's registry address), are not concerned.
func TestOutboxRefusesUnverifiedRecipients(t *testing.T) {
	s, fx := storetest.Open(t)
	u := newUnverified(t, s, fx, "moi@example.vn", "tok-1")
	out, _ := s.Outbox(ctx, 10)
	if len(out) != 1 || out[0].To != u.Email || out[0].Kind != store.KindVerifyEmail {
		t.Fatalf("outbox after creating the account: %+v", out)
	}
	for _, to := range []string{"moi@example.vn", " MOI@Example.VN "} {
		m := &store.Message{Kind: "booking.confirmed", DedupeKey: "b:" + to, To: to, Lang: "vi", Subject: "s", Body: "b"}
		if err := s.Queue(ctx, m); !errors.Is(err, store.ErrUnverifiedRecipient) {
			t.Fatalf("booking message to %q: %v", to, err)
		}
	}
	m := &store.Message{Kind: "member_invite", DedupeKey: "i", To: "contact@example.vn", Lang: "vi", Subject: "s", Body: "b"}
	if err := s.Queue(ctx, m); err != nil {
		t.Fatalf("a message to an address without an account: %v", err)
	}
	// A claim code goes to a firm's registry address, whoever registered
	// an account with it: it is about the firm, not that account.
	m = &store.Message{Kind: store.KindClaimCode, DedupeKey: "c", To: " MOI@Example.VN ", Lang: "vi", Subject: "s", Body: "b"}
	if err := s.Queue(ctx, m); err != nil {
		t.Fatalf("a claim code to a registry address that an unverified account took: %v", err)
	}
	if _, err := s.VerifyEmail(ctx, hashOf("tok-1")); err != nil {
		t.Fatal(err)
	}
	m = &store.Message{Kind: "booking.confirmed", DedupeKey: "after", To: u.Email, Lang: "vi", Subject: "s", Body: "b"}
	if err := s.Queue(ctx, m); err != nil {
		t.Fatalf("after verification: %v", err)
	}
	if got, _ := s.FindUserByEmail(ctx, u.Email); !got.EmailVerified {
		t.Fatal("the account is not verified")
	}
}

// A verification link works once, for 24 hours; a forged or truncated one
// never; none of them changes anything.
func TestVerificationLinkAttacks(t *testing.T) {
	s, fx := storetest.Open(t)
	newUnverified(t, s, fx, "a@example.vn", "tok-a")
	newUnverified(t, s, fx, "b@example.vn", "tok-b")
	for _, forged := range []string{"tok-", "tok-c", ""} {
		if _, err := s.VerifyEmail(ctx, hashOf(forged)); !errors.Is(err, store.ErrLinkInvalid) {
			t.Fatalf("forged %q: %v", forged, err)
		}
	}
	if _, err := s.VerifyEmail(ctx, hashOf("tok-a")[:16]); !errors.Is(err, store.ErrLinkInvalid) {
		t.Fatalf("a truncated hash: %v", err)
	}
	// A reset link is no verification link, and the other way round.
	if _, err := s.CheckLink(ctx, auth.LinkReset, hashOf("tok-a")); !errors.Is(err, store.ErrLinkInvalid) {
		t.Fatalf("a verification link used as a reset link: %v", err)
	}
	if _, err := s.VerifyEmail(ctx, hashOf("tok-a")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.VerifyEmail(ctx, hashOf("tok-a")); !errors.Is(err, store.ErrLinkUsed) {
		t.Fatalf("second use: %v", err)
	}
	fx.Clock.Add(auth.VerifyLinkTTL)
	if _, err := s.VerifyEmail(ctx, hashOf("tok-b")); !errors.Is(err, store.ErrLinkExpired) {
		t.Fatalf("a day later: %v", err)
	}
	if b, _ := s.FindUserByEmail(ctx, "b@example.vn"); b.EmailVerified {
		t.Fatal("an expired link verified the address")
	}
}

// A reset link sets the password once, within the hour, and ends every
// session of the user and every other reset link; a link issued before a
// password change is dead after it.
func TestResetLinkAttacks(t *testing.T) {
	s, fx := storetest.Open(t)
	u := fx.FirmUser
	for _, tok := range []string{"r1", "r2", "r3"} {
		if _, err := s.IssueLink(ctx, u.ID, link(auth.LinkReset, tok), false); err != nil {
			t.Fatal(err)
		}
	}
	now := fx.Clock.Now()
	for _, tok := range []string{"s1", "s2"} {
		if err := s.CreateSession(ctx, &store.Session{TokenHash: hashOf(tok), UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	entry := store.AuditEntry{Action: "password.reset", Subject: "user:x"}
	got, err := s.ResetPassword(ctx, hashOf("r1"), "new-hash", nil, entry)
	if err != nil || got.ID != u.ID {
		t.Fatalf("reset: %v %v", got, err)
	}
	if _, _, err := s.SessionUser(ctx, hashOf("s1")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a session outlived the reset: %v", err)
	}
	for _, tok := range []string{"r1", "r2"} {
		if _, err := s.ResetPassword(ctx, hashOf(tok), "attacker", nil); !errors.Is(err, store.ErrLinkUsed) {
			t.Fatalf("reset link %s after the reset: %v", tok, err)
		}
	}
	if after, _ := s.FindUserByID(ctx, u.ID); after.PasswordHash != "new-hash" {
		t.Fatalf("hash = %q", after.PasswordHash)
	}
	if es, _ := s.AuditEntries(ctx, "password.reset", 5); len(es) != 1 || es[0].UserID != u.ID {
		t.Fatalf("audit = %+v", es)
	}
	// A link issued, then the password changed while signed in: dead.
	if _, err := s.IssueLink(ctx, u.ID, link(auth.LinkReset, "r4"), false); err != nil {
		t.Fatal(err)
	}
	if err := s.ChangePassword(ctx, u.ID, "changed", hashOf("s2"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CheckLink(ctx, auth.LinkReset, hashOf("r4")); !errors.Is(err, store.ErrLinkUsed) {
		t.Fatalf("a reset link after a change of password: %v", err)
	}
	// Expiry: an hour.
	if _, err := s.IssueLink(ctx, u.ID, link(auth.LinkReset, "r5"), false); err != nil {
		t.Fatal(err)
	}
	fx.Clock.Add(auth.ResetLinkTTL)
	if _, err := s.ResetPassword(ctx, hashOf("r5"), "late", nil); !errors.Is(err, store.ErrLinkExpired) {
		t.Fatalf("an hour later: %v", err)
	}
	if after, _ := s.FindUserByID(ctx, u.ID); after.PasswordHash != "changed" {
		t.Fatalf("hash = %q", after.PasswordHash)
	}
}

// ChangePassword keeps the session that asked and ends the others.
func TestChangePasswordKeepsOnlyItsSession(t *testing.T) {
	s, fx := storetest.Open(t)
	now := fx.Clock.Now()
	for _, tok := range []string{"mine", "other"} {
		if err := s.CreateSession(ctx, &store.Session{TokenHash: hashOf(tok), UserID: fx.Lead.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	notice := &store.Message{Kind: "account.password_changed", DedupeKey: "pc", Lang: "vi", Subject: "s", Body: "b"}
	if err := s.ChangePassword(ctx, fx.Lead.ID, "h", hashOf("mine"), notice); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SessionUser(ctx, hashOf("mine")); err != nil {
		t.Fatalf("the asking session ended: %v", err)
	}
	if _, _, err := s.SessionUser(ctx, hashOf("other")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another session survived: %v", err)
	}
	if out, _ := s.Outbox(ctx, 5); len(out) != 1 || out[0].To != fx.Lead.Email {
		t.Fatalf("notice: %+v", out)
	}
}

// One account gets at most one link of a purpose every auth.LinkGap and
// auth.LinksPerDay a day, so a form cannot flood its mailbox.
func TestLinkThrottle(t *testing.T) {
	s, fx := storetest.Open(t)
	sent := 0
	for i := range 40 { // a request every minute for 40 minutes, then every hour
		if i >= 20 {
			fx.Clock.Add(time.Hour)
		} else {
			fx.Clock.Add(time.Minute)
		}
		_, err := s.IssueLink(ctx, fx.Admin.ID, link(auth.LinkReset, "t"+string(rune('a'+i))), true)
		switch {
		case err == nil:
			sent++
		case !errors.Is(err, store.ErrLinkThrottled):
			t.Fatal(err)
		}
	}
	// Minutes 1, 6, 11 and 16, then the day's fifth an hour later; none
	// has aged out by the last request, 20 h 20 min in.
	if sent != auth.LinksPerDay {
		t.Fatalf("%d links in 40 requests over 20 hours", sent)
	}
	if out, _ := s.Outbox(ctx, 100); len(out) != sent {
		t.Fatalf("%d messages for %d links", len(out), sent)
	}
}

// Whoever follows the verification link may set the password: the
// squatter who registered someone else's address loses the account, its
// sessions and pending sign-ins, in one audited step. A used, forged or
// expired link changes nothing.
func TestConfirmWithNewPasswordTakesTheAccountBack(t *testing.T) {
	s, fx := storetest.Open(t)
	u := newUnverified(t, s, fx, "nannhan@example.vn", "tok-v")
	now := fx.Clock.Now()
	sess := &store.Session{TokenHash: hashOf("squatter-session"), UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := s.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if err := s.CreatePendingSignIn(ctx, &store.PendingSignIn{TokenHash: hashOf("squatter-pending"), UserID: u.ID, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmWithNewPassword(ctx, hashOf("forged"), "h"); !errors.Is(err, store.ErrLinkInvalid) {
		t.Fatalf("forged link: %v", err)
	}
	got, err := s.ConfirmWithNewPassword(ctx, hashOf("tok-v"), "victim-hash", store.AuditEntry{Action: "password.set_at_confirmation", Subject: fmt.Sprintf("user:%d", u.ID)})
	if err != nil || !got.EmailVerified || got.ID != u.ID {
		t.Fatalf("confirm: %+v %v", got, err)
	}
	back, _ := s.FindUserByID(ctx, u.ID)
	if back.PasswordHash != "victim-hash" || !back.EmailVerified {
		t.Fatalf("after: hash %q verified %v", back.PasswordHash, back.EmailVerified)
	}
	if _, _, err := s.SessionUser(ctx, sess.TokenHash); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the squatter's session survived: %v", err)
	}
	if _, err := s.FindPendingSignIn(ctx, hashOf("squatter-pending")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the squatter's pending sign-in survived: %v", err)
	}
	if log, _ := s.AuditEntries(ctx, "password.set_at_confirmation", 5); len(log) != 1 || log[0].UserID != u.ID {
		t.Fatalf("audit: %+v", log)
	}
	if _, err := s.ConfirmWithNewPassword(ctx, hashOf("tok-v"), "squatter-again"); !errors.Is(err, store.ErrLinkUsed) {
		t.Fatalf("link used twice: %v", err)
	}
	late := newUnverified(t, s, fx, "muon@example.vn", "tok-late")
	fx.Clock.Add(auth.VerifyLinkTTL)
	if _, err := s.ConfirmWithNewPassword(ctx, hashOf("tok-late"), "x"); !errors.Is(err, store.ErrLinkExpired) {
		t.Fatalf("expired link: %v", err)
	}
	if back, _ := s.FindUserByID(ctx, late.ID); back.EmailVerified || back.PasswordHash != late.PasswordHash {
		t.Fatal("an expired link changed the account")
	}
}
