package store

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"dxready/auth"
)

// MetaTOTPKey holds the AES-256 key (hex) that seals TOTP secrets at rest.
// It lives in the same database, so it protects a secret that leaves
// through a table export, a query log or a support screenshot, not one
// that leaves with the whole file (docs/SECURITY.md).
const MetaTOTPKey = "totp_key"

// TOTP is a user's second factor as stored, its secret opened.
type TOTP struct {
	UserID        int64
	Secret        string // base32
	Confirmed     bool
	LastStep      int64 // the last time step accepted; no code at or before it works
	Failures      int   // wrong codes since FailuresSince
	FailuresSince time.Time
	// Next is the secret of a new app being set up (moving to a new
	// phone), begun at NextStarted; "" when there is none.
	Next        string
	NextStarted time.Time
	// NextSession is the session (token hash) that began the move: only it
	// is shown the new secret and may confirm it.
	NextSession []byte
}

// CodeProof is how a signed-in user proved they hold their second factor
// for a change to it: a TOTP code of time step Step, or the recovery code
// Recovery (normalized). The change's own transaction records the step or
// spends the recovery code (prove), so one code never proves two changes.
// RecoverySignIn is for moving to a new app only (BeginReenrol): the
// session was begun with a recovery code moments ago, spent then; the web
// layer vouches for it.
type CodeProof struct {
	Step           int64
	Recovery       string
	RecoverySignIn bool
}

// BeginTOTP stores secret as userID's unconfirmed secret, replacing an
// earlier unconfirmed one. A user whose secret is confirmed gets
// ErrConflict: enrolling again needs disabling first.
func (s *Store) BeginTOTP(ctx context.Context, userID int64, secret string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		key, err := totpKey(ctx, tx)
		if err != nil {
			return err
		}
		sealed, err := seal(key, userID, secret)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO totp_secrets (user_id, secret, created_at) VALUES (?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at, last_step = 0
			WHERE confirmed_at IS NULL`, userID, sealed, s.now())
		if err != nil {
			return mapErr("begin totp", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: begin totp for user %d: already confirmed: %w", userID, ErrConflict)
		}
		return nil
	})
}

// FindTOTP returns userID's secret, confirmed or not, or ErrNotFound.
func (s *Store) FindTOTP(ctx context.Context, userID int64) (*TOTP, error) {
	var sealed, next []byte
	var confirmed, since, nextStarted sql.NullTime
	t := &TOTP{UserID: userID}
	err := s.r.QueryRowContext(ctx, `SELECT secret, confirmed_at, last_step, failures, failures_since, next_secret, next_started_at, next_session
		FROM totp_secrets WHERE user_id = ?`,
		userID).Scan(&sealed, &confirmed, &t.LastStep, &t.Failures, &since, &next, &nextStarted, &t.NextSession)
	if err != nil {
		return nil, mapErr(fmt.Sprintf("find totp of user %d", userID), err)
	}
	key, err := s.Meta(ctx, MetaTOTPKey)
	if err != nil {
		return nil, err
	}
	if t.Secret, err = open(key, userID, sealed); err != nil {
		return nil, err
	}
	if next != nil {
		if t.Next, err = open(key, userID, next); err != nil {
			return nil, err
		}
	}
	t.Confirmed, t.FailuresSince, t.NextStarted = confirmed.Valid, since.Time, nextStarted.Time
	return t, nil
}

// ConfirmTOTP turns userID's unconfirmed secret on, having accepted a code
// of time step step, and stores the recovery codes (hashed). The user's
// other sessions stay: the one confirming holds the password and the code.
func (s *Store) ConfirmTOTP(ctx context.Context, userID, step int64, codes []string, audit ...AuditEntry) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		res, err := tx.ExecContext(ctx, `UPDATE totp_secrets SET confirmed_at = ?, last_step = ?, failures = 0
			WHERE user_id = ? AND confirmed_at IS NULL AND last_step < ?`, now, step, userID, step)
		if err != nil {
			return mapErr("confirm totp", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: confirm totp of user %d: %w", userID, ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET two_factor = 1 WHERE id = ?", userID); err != nil {
			return mapErr("confirm totp", err)
		}
		if err := putRecoveryCodes(ctx, tx, userID, codes); err != nil {
			return err
		}
		return writeAudit(ctx, tx, now, audit)
	})
}

// AcceptTOTPStep records that userID's code of time step step was used,
// and clears the count of wrong codes. A step at or before the last one
// accepted is auth.ErrCodeReplayed: checked and written in one statement,
// so two requests racing with the same code cannot both pass.
func (s *Store) AcceptTOTPStep(ctx context.Context, userID, step int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error { return acceptStep(ctx, tx, userID, step) })
}

// ReserveCodeTry counts one code try against userID, and against the
// pending sign-in tokenHash when it is not nil, BEFORE the code is
// checked: the count is read and written in one write transaction, so of
// any number of tries sent at once no more than the limits are ever
// checked. It returns the pending sign-in's tries so far, this one
// included (0 without one). A right code counts too; accepting it clears
// the account's count (AcceptTOTPStep) and ends the pending sign-in.
// Errors: ErrNotFound when the pending sign-in is gone, expired or has had
// its auth.MaxCodeTries, or the user has no confirmed secret;
// auth.ErrCodeTooMany when the account has had its auth.MaxCodeFailures
// (nothing is counted then).
func (s *Store) ReserveCodeTry(ctx context.Context, userID int64, tokenHash []byte) (int, error) {
	var n int
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		if tokenHash != nil {
			err := tx.QueryRowContext(ctx, `UPDATE signin_pending SET failures = failures + 1
				WHERE token_hash = ? AND user_id = ? AND expires_at > ? AND failures < ? RETURNING failures`,
				tokenHash, userID, now, auth.MaxCodeTries).Scan(&n)
			if err != nil {
				return mapErr("reserve a try of the pending sign-in", err)
			}
		}
		var failures int
		var since sql.NullTime
		err := tx.QueryRowContext(ctx, "SELECT failures, failures_since FROM totp_secrets WHERE user_id = ? AND confirmed_at IS NOT NULL",
			userID).Scan(&failures, &since)
		if err != nil {
			return mapErr(fmt.Sprintf("reserve a code try of user %d", userID), err)
		}
		failures, start, err := auth.CountCodeTry(failures, since.Time, now)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE totp_secrets SET failures = ?, failures_since = ? WHERE user_id = ?", failures, start, userID)
		return mapErr("reserve a code try", err)
	})
	return n, err
}

// UseRecoveryCode spends one of userID's unused recovery codes, or returns
// ErrNotFound when code is none of them (or was used).
func (s *Store) UseRecoveryCode(ctx context.Context, userID int64, code string, audit ...AuditEntry) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		res, err := tx.ExecContext(ctx, `UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`,
			now, userID, recoveryHash(userID, code))
		if err != nil {
			return mapErr("use recovery code", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: recovery code of user %d: %w", userID, ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE totp_secrets SET failures = 0, failures_since = NULL WHERE user_id = ?", userID); err != nil {
			return mapErr("use recovery code", err)
		}
		return writeAudit(ctx, tx, now, audit)
	})
}

// ReplaceRecoveryCodes drops all of userID's recovery codes, used or not,
// and stores codes instead, given proof (a recovery code proving it is
// spent first).
func (s *Store) ReplaceRecoveryCodes(ctx context.Context, userID int64, proof CodeProof, codes []string, audit ...AuditEntry) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.prove(ctx, tx, userID, proof); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM recovery_codes WHERE user_id = ?", userID); err != nil {
			return mapErr("replace recovery codes", err)
		}
		if err := putRecoveryCodes(ctx, tx, userID, codes); err != nil {
			return err
		}
		return writeAudit(ctx, tx, s.now(), audit)
	})
}

// RecoveryCodesLeft counts userID's unused recovery codes.
func (s *Store) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL", userID).Scan(&n)
	return n, mapErr("recovery codes left", err)
}

// RemoveTOTP switches userID's second factor off: secret, recovery codes
// and pending sign-ins go. The user proves it with proof; a nil proof is
// the command line's reset, which also ends every session of the user.
func (s *Store) RemoveTOTP(ctx context.Context, userID int64, proof *CodeProof, audit ...AuditEntry) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if proof != nil {
			if err := s.prove(ctx, tx, userID, *proof); err != nil {
				return err
			}
		} else if err := endSignIns(ctx, tx, userID, nil); err != nil {
			return err
		}
		for _, q := range []string{"DELETE FROM totp_secrets WHERE user_id = ?", "DELETE FROM recovery_codes WHERE user_id = ?",
			"DELETE FROM signin_pending WHERE user_id = ?", "UPDATE users SET two_factor = 0 WHERE id = ?"} {
			if _, err := tx.ExecContext(ctx, q, userID); err != nil {
				return mapErr("remove totp", err)
			}
		}
		return writeAudit(ctx, tx, s.now(), audit)
	})
}

func acceptStep(ctx context.Context, tx *sql.Tx, userID, step int64) error {
	res, err := tx.ExecContext(ctx, `UPDATE totp_secrets SET last_step = ?, failures = 0, failures_since = NULL
		WHERE user_id = ? AND confirmed_at IS NOT NULL AND last_step < ?`, step, userID, step)
	if err != nil {
		return mapErr("accept totp step", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return auth.ErrCodeReplayed
	}
	return nil
}

func putRecoveryCodes(ctx context.Context, tx *sql.Tx, userID int64, codes []string) error {
	for _, c := range codes {
		if _, err := tx.ExecContext(ctx, "INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)", userID, recoveryHash(userID, c)); err != nil {
			return mapErr("put recovery code", err)
		}
	}
	return nil
}

// recoveryHash is SHA-256 over the user and the code: the same code of two
// users hashes apart, and the table alone gives no code back.
func recoveryHash(userID int64, code string) []byte {
	h := sha256.Sum256([]byte("dxready-recovery:" + strconv.FormatInt(userID, 10) + ":" + code))
	return h[:]
}

// totpKey returns the sealing key, drawing and storing it the first time.
func totpKey(ctx context.Context, tx *sql.Tx) (string, error) {
	var key string
	err := tx.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", MetaTOTPKey).Scan(&key)
	if err == nil {
		return key, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", mapErr("totp key", err)
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	key = hex.EncodeToString(b)
	_, err = tx.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES (?, ?)", MetaTOTPKey, key)
	return key, mapErr("totp key", err)
}

func gcm(key string) (cipher.AEAD, error) {
	k, err := hex.DecodeString(key)
	if err != nil || len(k) != 32 {
		return nil, errors.New("store: the totp key in meta is not 32 bytes of hex")
	}
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// seal encrypts secret for userID; the user's ID is bound in, so a sealed
// secret copied to another user's row does not open.
func seal(key string, userID int64, secret string) ([]byte, error) {
	a, err := gcm(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, a.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return a.Seal(nonce, nonce, []byte(secret), []byte("totp:"+strconv.FormatInt(userID, 10))), nil
}

func open(key string, userID int64, sealed []byte) (string, error) {
	a, err := gcm(key)
	if err != nil {
		return "", err
	}
	if len(sealed) < a.NonceSize() {
		return "", fmt.Errorf("store: totp secret of user %d is damaged", userID)
	}
	plain, err := a.Open(nil, sealed[:a.NonceSize()], sealed[a.NonceSize():], []byte("totp:"+strconv.FormatInt(userID, 10)))
	if err != nil {
		return "", fmt.Errorf("store: totp secret of user %d does not open: %w", userID, err)
	}
	return string(plain), nil
}
