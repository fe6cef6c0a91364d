package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"dxready/auth"
)

// Session is a signed-in browser, known by the hash of its cookie token.
type Session struct {
	TokenHash  []byte
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// CreateSession stores a new session.
func (s *Store) CreateSession(ctx context.Context, sess *Session) error {
	_, err := s.w.ExecContext(ctx, insertSession, sessionArgs(sess)...)
	return mapErr("create session", err)
}

const insertSession = "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)"

func sessionArgs(sess *Session) []any {
	return []any{sess.TokenHash, sess.UserID, sess.CreatedAt.UTC(), sess.LastSeenAt.UTC(), sess.ExpiresAt.UTC()}
}

// SessionUser returns the live session with tokenHash and its active user,
// or ErrNotFound when there is none, it has expired, or the user is disabled.
func (s *Store) SessionUser(ctx context.Context, tokenHash []byte) (*Session, *auth.User, error) {
	row := s.r.QueryRowContext(ctx, `SELECT s.created_at, s.last_seen_at, s.expires_at, `+sessionUserColumns+`
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND s.expires_at > ? AND u.status <> 'disabled'`, tokenHash, s.now())
	sess := &Session{TokenHash: tokenHash}
	times := []any{&sess.CreatedAt, &sess.LastSeenAt, &sess.ExpiresAt}
	u, err := scanUser(scannerFunc(func(d ...any) error { return row.Scan(append(times, d...)...) }))
	if err != nil {
		return nil, nil, mapErr("session", err)
	}
	sess.UserID = u.ID
	return sess, u, nil
}

// sessionUserColumns is userColumns read through the alias u, so the two
// lists cannot drift apart.
var sessionUserColumns = "u." + strings.ReplaceAll(userColumns, ", ", ", u.")

type scannerFunc func(...any) error

func (f scannerFunc) Scan(d ...any) error { return f(d...) }

// TouchSession slides a session's expiry forward.
func (s *Store) TouchSession(ctx context.Context, tokenHash []byte, seen, expires time.Time) error {
	_, err := s.w.ExecContext(ctx, "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?", seen.UTC(), expires.UTC(), tokenHash)
	return mapErr("touch session", err)
}

// DeleteSession ends one session.
func (s *Store) DeleteSession(ctx context.Context, tokenHash []byte) error {
	_, err := s.w.ExecContext(ctx, "DELETE FROM sessions WHERE token_hash = ?", tokenHash)
	return mapErr("delete session", err)
}

// endSignIns ends userID's sessions but keep (nil: all of them) and every
// pending sign-in of theirs (a password step still waiting for its code),
// in tx. Every change that ends a user's sessions for safety (a password
// reset or change, disabling, a revoked claim, the command line's reset of
// two-step sign-in) calls it, so a sign-in begun before the change cannot
// finish after it; TestSessionsEndOnlyInEndSignIns keeps it so.
func endSignIns(ctx context.Context, tx *sql.Tx, userID int64, keep []byte) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ? AND token_hash IS NOT ?", userID, keep); err != nil {
		return mapErr("end sessions", err)
	}
	_, err := tx.ExecContext(ctx, "DELETE FROM signin_pending WHERE user_id = ?", userID)
	return mapErr("end pending sign-ins", err)
}

// EndOtherSignIns ends every session and pending sign-in of userID but the
// session keep (the one asking), with the audit entries given: "sign out
// everywhere else", for a user who left a session open on a shared
// computer or fears someone else is signed in.
func (s *Store) EndOtherSignIns(ctx context.Context, userID int64, keep []byte, audit ...AuditEntry) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := endSignIns(ctx, tx, userID, keep); err != nil {
			return err
		}
		return writeAudit(ctx, tx, s.now(), audit)
	})
}

// secretsKept is how long expired links and claim codes stay after their
// expiry: the throttles count a user's links and a claim's or firm's codes
// over the last day, so two days keep every count right.
const secretsKept = 48 * time.Hour

// SweepExpired deletes what has expired: sessions, pending two-step
// sign-ins, and links and claim codes two days past their expiry (spent or
// not: a spent one can never be used again, an expired one neither). It
// returns how many rows went. Run hourly, it keeps these tables the size of
// a few days' sign-ins, not of the registry's history.
func (s *Store) SweepExpired(ctx context.Context) (int64, error) {
	now := s.now()
	var n int64
	for _, q := range []struct {
		sql string
		at  time.Time
	}{
		{"DELETE FROM sessions WHERE expires_at <= ?", now},
		{"DELETE FROM signin_pending WHERE expires_at <= ?", now},
		{"DELETE FROM user_tokens WHERE expires_at <= ?", now.Add(-secretsKept)},
		{"DELETE FROM claim_codes WHERE expires_at <= ?", now.Add(-secretsKept)},
	} {
		res, err := s.w.ExecContext(ctx, q.sql, q.at)
		if err != nil {
			return n, mapErr("sweep expired", err)
		}
		k, _ := res.RowsAffected()
		n += k
	}
	return n, nil
}
