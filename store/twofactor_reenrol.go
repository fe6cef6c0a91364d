package store

import (
	"context"
	"database/sql"
	"fmt"

	"dxready/auth"
)

// Moving to a new authenticator app: a user who proves their second factor
// (a current code or a recovery code) gets a new secret to scan; a code
// from the new app then replaces the old secret and every recovery code at
// once. Until then the old app and codes keep working, so a move given up
// halfway locks nobody out, and the second factor is never off (admins
// must keep it).

// BeginReenrol stores secret as the new app's secret of userID, whose
// second factor is on, given proof, for the session whose token hash is
// session (only it may see and confirm the move); an earlier move not yet
// confirmed is replaced. It returns auth.ErrTOTPWrong or auth.ErrCodeReplayed when the
// proof does not hold, ErrNotFound when the user has no confirmed secret.
func (s *Store) BeginReenrol(ctx context.Context, userID int64, session []byte, proof CodeProof, secret string, audit ...AuditEntry) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if !proof.RecoverySignIn {
			if err := s.prove(ctx, tx, userID, proof); err != nil {
				return err
			}
		}
		key, err := totpKey(ctx, tx)
		if err != nil {
			return err
		}
		sealed, err := seal(key, userID, secret)
		if err != nil {
			return err
		}
		now := s.now()
		res, err := tx.ExecContext(ctx, `UPDATE totp_secrets SET next_secret = ?, next_started_at = ?, next_session = ?
			WHERE user_id = ? AND confirmed_at IS NOT NULL`, sealed, now, session, userID)
		if err != nil {
			return mapErr("begin re-enrolment", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: begin re-enrolment of user %d: %w", userID, ErrNotFound)
		}
		return writeAudit(ctx, tx, now, audit)
	})
}

// ConfirmReenrol makes the new app's secret userID's secret, a code of
// time step step from it having passed, and replaces every recovery code
// by codes; the old secret, the old codes, the user's pending sign-ins
// (begun against the old app) and every session but session (the one that
// began the move and confirms it) are gone. ErrNotFound when no move of
// session is open (none begun, begun by another session, lapsed after
// auth.ReenrolmentTTL, or confirmed already by the same form sent twice).
func (s *Store) ConfirmReenrol(ctx context.Context, userID int64, session []byte, step int64, codes []string, audit ...AuditEntry) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		res, err := tx.ExecContext(ctx, `UPDATE totp_secrets SET secret = next_secret, next_secret = NULL, next_started_at = NULL,
			next_session = NULL, last_step = ?, failures = 0, failures_since = NULL
			WHERE user_id = ? AND confirmed_at IS NOT NULL AND next_secret IS NOT NULL AND next_started_at > ? AND next_session = ?`,
			step, userID, now.Add(-auth.ReenrolmentTTL), session)
		if err != nil {
			return mapErr("confirm re-enrolment", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: confirm re-enrolment of user %d: %w", userID, ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM recovery_codes WHERE user_id = ?", userID); err != nil {
			return mapErr("confirm re-enrolment", err)
		}
		// The lost phone usually holds a signed-in browser: every other
		// session and pending sign-in of the user ends with the move.
		if err := endSignIns(ctx, tx, userID, session); err != nil {
			return err
		}
		if err := putRecoveryCodes(ctx, tx, userID, codes); err != nil {
			return err
		}
		return writeAudit(ctx, tx, now, audit)
	})
}

// prove checks, in tx, that proof holds for userID: its TOTP step is newer
// than the last one used (and is recorded), or its recovery code is one of
// the user's unused ones (and is spent). A recovery code that is none of
// them is auth.ErrTOTPWrong, told like a wrong code.
func (s *Store) prove(ctx context.Context, tx *sql.Tx, userID int64, proof CodeProof) error {
	if proof.RecoverySignIn {
		return fmt.Errorf("store: a recovery-code sign-in proves a move to a new app only: %w", ErrConflict)
	}
	if proof.Recovery == "" {
		return acceptStep(ctx, tx, userID, proof.Step)
	}
	res, err := tx.ExecContext(ctx, `UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`,
		s.now(), userID, recoveryHash(userID, proof.Recovery))
	if err != nil {
		return mapErr("prove with a recovery code", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return auth.ErrTOTPWrong
	}
	_, err = tx.ExecContext(ctx, "UPDATE totp_secrets SET failures = 0, failures_since = NULL WHERE user_id = ?", userID)
	return mapErr("prove with a recovery code", err)
}
