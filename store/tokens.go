package store

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"dxready/auth"
)

// KindVerifyEmail is the kind of the message carrying an address's
// verification link: the only message about an account that the outbox
// takes for an address whose account is not verified.
const KindVerifyEmail = "account.verify"

// KindClaimCode is the kind of the message carrying a claim code to a
// firm's registry address (SendClaimCode). It is addressed to the firm,
// not to an account, so the unverified-account rule does not concern it
// (unverifiedRecipient).
const KindClaimCode = "claims.code"

// Link is a single-use link about to be issued to a user: what it is for,
// the SHA-256 of its token (the token itself is never stored), and the
// message that carries it (nil: the link is shown to an operator instead).
// The store addresses the message to the user's email.
type Link struct {
	Purpose   auth.LinkPurpose
	TokenHash []byte
	Message   *Message
}

// Errors of links. A link whose token is unknown, or that was made for
// another address than the account's present one, is ErrLinkInvalid.
var (
	ErrLinkInvalid = errors.New("store: link invalid")
	ErrLinkUsed    = errors.New("store: link already used")
	ErrLinkExpired = errors.New("store: link expired")
	// ErrLinkThrottled: the account was sent a link of that purpose too
	// recently (auth.LinkAllowed); nothing was issued.
	ErrLinkThrottled = errors.New("store: too many links")
)

// issueLink stores l for u and queues its message to u's address, in tx.
func issueLink(ctx context.Context, tx *sql.Tx, u *auth.User, l *Link, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO user_tokens (token_hash, user_id, purpose, email, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`, l.TokenHash, u.ID, string(l.Purpose), u.Email, now, now.Add(l.Purpose.TTL())); err != nil {
		return mapErr("issue link", err)
	}
	if l.Message == nil {
		return nil
	}
	l.Message.To = u.Email
	return queue(ctx, tx, l.Message, now)
}

// IssueLink issues l to the active or pending user id, with the audit
// entries given, and returns the user. With throttle, an account sent a
// link of that purpose too recently gets ErrLinkThrottled and nothing
// changes. ErrNotFound when there is no such user or it is disabled; a
// reset message to an unverified address is ErrUnverifiedRecipient.
func (s *Store) IssueLink(ctx context.Context, id int64, l *Link, throttle bool, audit ...AuditEntry) (*auth.User, error) {
	var u *auth.User
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		var err error
		if u, err = scanUser(tx.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE id = ? AND status <> 'disabled'", id)); err != nil {
			return mapErr(fmt.Sprintf("issue link: user %d", id), err)
		}
		if throttle {
			if err := linkThrottle(ctx, tx, id, l.Purpose, now); err != nil {
				return err
			}
		}
		if err := issueLink(ctx, tx, u, l, now); err != nil {
			return err
		}
		return writeAudit(ctx, tx, now, audit)
	})
	return u, err
}

// linkThrottle is ErrLinkThrottled when auth.LinkAllowed refuses one more
// link of purpose to user id.
func linkThrottle(ctx context.Context, tx *sql.Tx, id int64, purpose auth.LinkPurpose, now time.Time) error {
	var today int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_tokens WHERE user_id = ? AND purpose = ? AND created_at > ?`,
		id, string(purpose), now.Add(-24*time.Hour)).Scan(&today); err != nil {
		return mapErr("link throttle", err)
	}
	since := time.Duration(-1)
	if today > 0 {
		var last time.Time
		if err := tx.QueryRowContext(ctx, `SELECT created_at FROM user_tokens WHERE user_id = ? AND purpose = ? ORDER BY created_at DESC LIMIT 1`,
			id, string(purpose)).Scan(&last); err != nil {
			return mapErr("link throttle", err)
		}
		since = now.Sub(last)
	}
	if !auth.LinkAllowed(since, today) {
		return ErrLinkThrottled
	}
	return nil
}

// tokenRow is a stored link.
type tokenRow struct {
	email   string
	expires time.Time
	used    sql.NullTime
}

// findLink reads the link purpose/hash in tx and says why it cannot be used.
func findLink(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, purpose auth.LinkPurpose, hash []byte, now time.Time) (*auth.User, error) {
	var t tokenRow
	var stored []byte
	row := q.QueryRowContext(ctx, `SELECT t.token_hash, t.email, t.expires_at, t.used_at, u.`+strings.ReplaceAll(userColumns, ", ", ", u.")+`
		FROM user_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND t.purpose = ?`, hash, string(purpose))
	head := []any{&stored, &t.email, &t.expires, &t.used}
	u, err := scanUser(scannerFunc(func(d ...any) error { return row.Scan(append(head, d...)...) }))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, ErrLinkInvalid
	case err != nil:
		return nil, mapErr("find link", err)
	case subtle.ConstantTimeCompare(stored, hash) != 1 || t.email != u.Email || u.Status == auth.StatusDisabled:
		return nil, ErrLinkInvalid
	case t.used.Valid:
		return nil, ErrLinkUsed
	case !now.Before(t.expires):
		return nil, ErrLinkExpired
	}
	return u, nil
}

// CheckLink returns the user of the usable link purpose/hash without using
// it; ErrLinkInvalid, ErrLinkUsed or ErrLinkExpired otherwise.
func (s *Store) CheckLink(ctx context.Context, purpose auth.LinkPurpose, hash []byte) (*auth.User, error) {
	return findLink(ctx, s.r, purpose, hash, s.now())
}

// VerifyEmail uses the verification link hash: the account's address is
// verified from now, and every verification link of it is spent. It
// returns the user, or the link's error as CheckLink does.
func (s *Store) VerifyEmail(ctx context.Context, hash []byte) (*auth.User, error) {
	var u *auth.User
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		u, err = verifyByLink(ctx, tx, hash, s.now())
		return err
	})
	return u, err
}

// verifyByLink, in tx, uses the verification link hash: the user's address
// is verified from now (or stays verified from before) and every
// verification link of the user is spent. It returns the user, or the
// link's error as CheckLink does.
func verifyByLink(ctx context.Context, tx *sql.Tx, hash []byte, now time.Time) (*auth.User, error) {
	u, err := findLink(ctx, tx, auth.LinkVerify, hash, now)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE users SET email_verified_at = COALESCE(email_verified_at, ?) WHERE id = ?", now, u.ID); err != nil {
		return nil, mapErr("verify email", err)
	}
	u.EmailVerified = true
	return u, spendLinks(ctx, tx, u.ID, auth.LinkVerify, now)
}

// ConfirmWithNewPassword uses the verification link hash to confirm the
// account's address and set its password hash to pwHash at once: whoever
// follows the link reads the mailbox, so they, not whoever registered the
// address, own the account (pre-account hijacking). Every verification and
// reset link of the user is spent, every session and pending sign-in of
// the user ends, and audit is written (its UserID set to the user's), in
// one transaction. It returns the user, or the link's error as CheckLink
// does, and then changes nothing.
func (s *Store) ConfirmWithNewPassword(ctx context.Context, hash []byte, pwHash string, audit ...AuditEntry) (*auth.User, error) {
	var u *auth.User
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		var err error
		if u, err = verifyByLink(ctx, tx, hash, now); err != nil {
			return err
		}
		u.PasswordHash = pwHash
		for i := range audit {
			audit[i].UserID = u.ID
		}
		return s.setPassword(ctx, tx, u, pwHash, nil, nil, audit, now)
	})
	return u, err
}

// spendLinks marks every unused link of purpose of user id used.
func spendLinks(ctx context.Context, tx *sql.Tx, id int64, purpose auth.LinkPurpose, now time.Time) error {
	_, err := tx.ExecContext(ctx, "UPDATE user_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL", now, id, string(purpose))
	return mapErr("spend links", err)
}

// ResetPassword uses the reset link hash to set the user's password hash
// to pwHash: every reset link of the user is spent and every session of
// the user ends. notice (nil: none), addressed to the user, says the
// password changed; an unverified address is skipped (logged), as the
// outbox takes nothing else for it. It returns the user, or the link's
// error as CheckLink does, and then changes nothing.
func (s *Store) ResetPassword(ctx context.Context, hash []byte, pwHash string, notice *Message, audit ...AuditEntry) (*auth.User, error) {
	var u *auth.User
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		var err error
		if u, err = findLink(ctx, tx, auth.LinkReset, hash, now); err != nil {
			return err
		}
		for i := range audit {
			audit[i].UserID = u.ID
		}
		return s.setPassword(ctx, tx, u, pwHash, nil, notice, audit, now)
	})
	return u, err
}

// ChangePassword sets user id's password hash to pwHash: every reset link
// of the user is spent and every session but keep (the one that asked)
// ends; notice and audit as ResetPassword. ErrNotFound when there is no
// such active user.
func (s *Store) ChangePassword(ctx context.Context, id int64, pwHash string, keep []byte, notice *Message, audit ...AuditEntry) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		u, err := scanUser(tx.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE id = ? AND status <> 'disabled'", id))
		if err != nil {
			return mapErr(fmt.Sprintf("change password: user %d", id), err)
		}
		return s.setPassword(ctx, tx, u, pwHash, keep, notice, audit, s.now())
	})
}

// setPassword stores u's new password hash, spends its reset links, ends
// its sessions but keep and its pending sign-ins, queues notice and
// writes audit, in tx.
func (s *Store) setPassword(ctx context.Context, tx *sql.Tx, u *auth.User, pwHash string, keep []byte, notice *Message, audit []AuditEntry, now time.Time) error {
	if _, err := tx.ExecContext(ctx, "UPDATE users SET password_hash = ? WHERE id = ?", pwHash, u.ID); err != nil {
		return mapErr("set password", err)
	}
	if err := spendLinks(ctx, tx, u.ID, auth.LinkReset, now); err != nil {
		return err
	}
	if err := endSignIns(ctx, tx, u.ID, keep); err != nil {
		return err
	}
	if notice != nil {
		notice.To = u.Email
		switch err := queue(ctx, tx, notice, now); {
		case errors.Is(err, ErrUnverifiedRecipient), errors.Is(err, ErrDuplicate):
			s.opts.Logger.Info("password notice not queued", "user", u.ID, "reason", err)
		case err != nil:
			return err
		}
	}
	return writeAudit(ctx, tx, now, audit)
}
