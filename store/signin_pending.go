package store

import (
	"context"
	"time"
)

// PendingSignIn is a browser whose password was right and whose second
// factor is still due: not a session, known by the hash of its cookie.
type PendingSignIn struct {
	TokenHash []byte
	UserID    int64
	Next      string // where to go once signed in
	Failures  int    // wrong codes so far
	ExpiresAt time.Time
}

// CreatePendingSignIn stores p, clearing expired ones on the way.
func (s *Store) CreatePendingSignIn(ctx context.Context, p *PendingSignIn) error {
	if _, err := s.w.ExecContext(ctx, "DELETE FROM signin_pending WHERE expires_at <= ?", s.now()); err != nil {
		return mapErr("clear pending sign-ins", err)
	}
	_, err := s.w.ExecContext(ctx, "INSERT INTO signin_pending (token_hash, user_id, next, expires_at) VALUES (?, ?, ?, ?)",
		p.TokenHash, p.UserID, p.Next, p.ExpiresAt.UTC())
	return mapErr("create pending sign-in", err)
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

// PendingSignInFailed counts a wrong code against the pending sign-in and
// returns how many it now has.
func (s *Store) PendingSignInFailed(ctx context.Context, tokenHash []byte) (int, error) {
	var n int
	err := s.w.QueryRowContext(ctx, "UPDATE signin_pending SET failures = failures + 1 WHERE token_hash = ? RETURNING failures", tokenHash).Scan(&n)
	return n, mapErr("pending sign-in failed", err)
}

// DeletePendingSignIn ends a pending sign-in.
func (s *Store) DeletePendingSignIn(ctx context.Context, tokenHash []byte) error {
	_, err := s.w.ExecContext(ctx, "DELETE FROM signin_pending WHERE token_hash = ?", tokenHash)
	return mapErr("delete pending sign-in", err)
}
