package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"dxready/auth"
)

// PendingSignIn is a browser whose password was right and whose second
// factor is still due: not a session, known by the hash of its cookie.
type PendingSignIn struct {
	TokenHash []byte
	UserID    int64
	Next      string // where to go once signed in
	Failures  int    // code tries so far
	ExpiresAt time.Time
}

// CreatePendingSignIn stores p, clearing expired ones on the way. A user
// keeps at most auth.MaxPendingSignIns: their oldest make way for p, so
// whoever has the password cannot open many and guess on all at once,
// while the owner's new sign-in always gets through.
func (s *Store) CreatePendingSignIn(ctx context.Context, p *PendingSignIn) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM signin_pending WHERE expires_at <= ?", s.now()); err != nil {
			return mapErr("clear pending sign-ins", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM signin_pending WHERE token_hash IN (SELECT token_hash FROM signin_pending
			WHERE user_id = ? ORDER BY seq DESC LIMIT -1 OFFSET ?)`, p.UserID, auth.MaxPendingSignIns-1); err != nil {
			return mapErr("clear a user's oldest pending sign-ins", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO signin_pending (token_hash, user_id, next, expires_at, seq)
			VALUES (?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM signin_pending))`, p.TokenHash, p.UserID, p.Next, p.ExpiresAt.UTC())
		return mapErr("create pending sign-in", err)
	})
}

// FindPendingSignIn returns the live pending sign-in with tokenHash, or
// ErrNotFound when there is none or it has expired.
func (s *Store) FindPendingSignIn(ctx context.Context, tokenHash []byte) (*PendingSignIn, error) {
	p := &PendingSignIn{TokenHash: tokenHash}
	err := s.r.QueryRowContext(ctx, "SELECT user_id, next, failures, expires_at FROM signin_pending WHERE token_hash = ? AND expires_at > ?",
		tokenHash, s.now()).Scan(&p.UserID, &p.Next, &p.Failures, &p.ExpiresAt)
	if err != nil {
		return nil, mapErr("find pending sign-in", err)
	}
	return p, nil
}

// DeletePendingSignIn ends a pending sign-in.
func (s *Store) DeletePendingSignIn(ctx context.Context, tokenHash []byte) error {
	_, err := s.w.ExecContext(ctx, "DELETE FROM signin_pending WHERE token_hash = ?", tokenHash)
	return mapErr("delete pending sign-in", err)
}

// FinishPendingSignIn ends the pending sign-in tokenHash and stores sess in
// its place, in one transaction: ErrNotFound (and no session) when the
// pending sign-in has gone meanwhile, ended by a password reset, say, while
// its code was being checked.
func (s *Store) FinishPendingSignIn(ctx context.Context, tokenHash []byte, sess *Session) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM signin_pending WHERE token_hash = ? AND user_id = ? AND expires_at > ?",
			tokenHash, sess.UserID, s.now())
		if err != nil {
			return mapErr("finish pending sign-in", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: finish pending sign-in of user %d: %w", sess.UserID, ErrNotFound)
		}
		_, err = tx.ExecContext(ctx, insertSession, sessionArgs(sess)...)
		return mapErr("create session", err)
	})
}
