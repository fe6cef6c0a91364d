package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"

	"dxready/auth"
	"dxready/firms"
	"dxready/locale"
	"dxready/scoring"
	"dxready/store"
)

// Email verification. Every new account gets a single-use link to its
// address (store.Link, queued with the account in one transaction); until
// it is followed, the outbox sends the address nothing else about the
// account (store.ErrUnverifiedRecipient; a claim code to a firm's registry
// address is the firm's, store.KindClaimCode), no claim code goes for the
// account's own claim (auth.ErrClaimantUnconfirmed), and the account
// cannot sign in (unconfirmed.go: otherwise registration would tell
// whether an address has an account). The link's page confirms only with
// the registration's password, or with a new one (verify_confirm.go). The sign-in page links a form that
// sends the link again. A session that an unverified account already
// holds (one made before this rule) keeps a banner on every page linking
// to /account, where the link can be sent again too.

// newLinkToken returns a fresh 32-byte random token, as it goes into a
// link, and the SHA-256 the store keeps of it.
func newLinkToken() (string, []byte, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	return token, linkHash(token), nil
}

// linkHash is what the store keeps of a token and looks it up by.
func linkHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// newLink makes a link of purpose for u, sent by mail with links on
// s.linkBase(); by is who asked (0: the user or the portal).
func (s *Server) newLink(u *auth.User, purpose auth.LinkPurpose, by int64) (*store.Link, error) {
	l, _, err := NewLink(s.bundle, s.linkBase(), u, purpose, by)
	return l, err
}

// NewLink makes a single-use link of purpose for u on base: a fresh token,
// the link's URL, and the message that carries it in u's language (the
// store addresses it). by is who asked (0: the user or the portal). The
// command line uses it to print a reset link instead of sending it.
func NewLink(b *locale.Bundle, base string, u *auth.User, purpose auth.LinkPurpose, by int64) (*store.Link, string, error) {
	token, hash, err := newLinkToken()
	if err != nil {
		return nil, "", err
	}
	loc := b.For(u.Lang)
	kind, url, subject, body := store.KindVerifyEmail, base+"/verify-email/"+token, "mail.verify.subject", "mail.verify.body"
	if purpose == auth.LinkReset {
		kind, url, subject, body = "account.reset", base+"/password/reset/"+token, "mail.reset.subject", "mail.reset.body"
	}
	m := &store.Message{Kind: kind, DedupeKey: fmt.Sprintf("%s:%s", kind, hex.EncodeToString(hash[:12])), Lang: loc.Lang,
		Subject: loc.T(subject), CreatedBy: by,
		Body: loc.T(body, "Name", u.Name, "Email", u.Email, "Link", url,
			"Hours", int(purpose.TTL().Hours()), "Minutes", int(purpose.TTL().Minutes()))}
	return &store.Link{Purpose: purpose, TokenHash: hash, Message: m}, url, nil
}

// registerAccount creates the firm account u of registerPost with its
// verification link or, when the address already has an account, sends
// that account's owner a notice instead and returns nil as if it had
// created one: registration must not tell whether an address has an
// account. It returns the firm's verified users, to tell of the claim.
// Other errors are the store's (ErrNotFound: no such firm).
func (s *Server) registerAccount(ctx context.Context, taxCode string, newFirm *firms.Firm, u *auth.User, role string) ([]*auth.User, error) {
	v, err := s.newLink(u, auth.LinkVerify, 0)
	if err != nil {
		return nil, err
	}
	verified, err := s.store.Register(ctx, taxCode, newFirm, u, role, v)
	if errors.Is(err, store.ErrConflict) {
		s.registerTaken(ctx, u.Email)
		return nil, nil
	}
	return verified, err
}

// registerTaken tells the owner of email that someone tried to register
// with it, once a day at most (the dedupe key); an unverified owner gets
// their verification link again instead, the only message their address
// may receive. Failures are logged: the answer must not differ.
func (s *Server) registerTaken(ctx context.Context, email string) {
	u, err := s.store.FindUserByEmail(ctx, email)
	if err != nil {
		s.log.Error("registration with a taken address", "err", err)
		return
	}
	switch {
	case u.Status == auth.StatusDisabled:
		s.log.Info("registration with a disabled account's address", "user", u.ID)
		return
	case !u.EmailVerified:
		s.logLinkErr(s.sendLink(ctx, u, auth.LinkVerify, 0), u, "registration with an unverified address")
		return
	}
	loc := s.bundle.For(u.Lang)
	day := s.now().In(scoring.Zone).Format("2006-01-02")
	m := &store.Message{Kind: "account.register_taken", DedupeKey: fmt.Sprintf("account.register_taken:%d:%s", u.ID, day), To: u.Email,
		Lang: loc.Lang, Subject: loc.T("mail.register_taken.subject"),
		Body: loc.T("mail.register_taken.body", "Name", u.Name, "Login", s.linkBase()+"/login", "Forgot", s.linkBase()+"/password/forgot")}
	if err := s.store.Queue(ctx, m); err != nil && !errors.Is(err, store.ErrDuplicate) {
		s.log.Error("registration with a taken address: notice", "user", u.ID, "err", err)
	}
}

// sendLink issues a throttled link of purpose to u, by the user by (0:
// the user or the portal), with the audit entries given;
// store.ErrLinkThrottled when one went too recently.
func (s *Server) sendLink(ctx context.Context, u *auth.User, purpose auth.LinkPurpose, by int64, audit ...store.AuditEntry) error {
	l, err := s.newLink(u, purpose, by)
	if err != nil {
		return err
	}
	_, err = s.store.IssueLink(ctx, u.ID, l, true, audit...)
	return err
}

// logLinkErr logs why a link to u did not go (nothing when err is nil): a
// throttled link at info, anything else at error.
func (s *Server) logLinkErr(err error, u *auth.User, why string) {
	switch {
	case errors.Is(err, store.ErrLinkThrottled):
		s.log.Info("link not sent: one went too recently", "user", u.ID, "why", why)
	case err != nil:
		s.log.Error("link not sent", "user", u.ID, "why", why, "err", err)
	}
}

type linkProblemPage struct {
	page
	Problem string // message ID
	Again   string // where to ask for a new link
}

// linkFail shows why a link cannot be used, or fails.
func (s *Server) linkFail(w http.ResponseWriter, r *http.Request, err error, purpose auth.LinkPurpose) {
	var problem string
	switch {
	case errors.Is(err, store.ErrLinkExpired):
		problem = "error.link.expired"
	case errors.Is(err, store.ErrLinkUsed):
		problem = "error.link.used"
	case errors.Is(err, store.ErrLinkInvalid):
		problem = "error.link.invalid"
	default:
		s.fail(w, r, err)
		return
	}
	again := "/password/forgot"
	if purpose == auth.LinkVerify {
		again = "/account"
	}
	s.log.Info("link refused", "purpose", purpose, "reason", problem)
	s.render(w, r, http.StatusGone, "link_problem", linkProblemPage{page: s.newPage(w, r, "page.link.title"), Problem: problem, Again: again})
}

// accountVerifyPost sends the signed-in user's verification link again,
// at most auth.LinksPerDay a day and one every auth.LinkGap, and goes back
// to next (a local path: the claim page offers it too) or /account.
func (s *Server) accountVerifyPost(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	back := "/account"
	if next := r.PostFormValue("next"); next != "" {
		back = safeNext(next)
	}
	if u.EmailVerified {
		s.redirect(w, r, back, "flash.email_verified")
		return
	}
	switch err := s.sendLink(r.Context(), u, auth.LinkVerify, u.ID); {
	case errors.Is(err, store.ErrLinkThrottled):
		s.redirect(w, r, back, "flash.verify_wait")
	case err != nil:
		s.fail(w, r, err)
	default:
		s.redirect(w, r, back, "flash.verify_sent")
	}
}
