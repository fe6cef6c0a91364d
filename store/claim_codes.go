package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"dxready/auth"
)

// SendClaimCode stores a new code for open claim claimID of userID (its
// hash, made by hash from the claim's ID) and queues m, the message that
// carries it, to the firm's registry address, all in one transaction:
// the address is read here, so no caller can send a code elsewhere. Older
// codes of the claim stop working. It returns the address; the problems
// are codeBlock's and auth.ErrNoRegistryEmail; ErrClaimClosed or
// ErrNotFound for a claim that is not userID's open one.
func (s *Store) SendClaimCode(ctx context.Context, claimID, userID int64, hash []byte, m *Message) (string, error) {
	var to string
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		c, err := openClaim(ctx, tx, claimID, userID)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, "SELECT email FROM firm_registry_contacts WHERE firm_id = ?", c.FirmID).Scan(&to)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && to == "") {
			return auth.ErrNoRegistryEmail
		}
		if err != nil {
			return mapErr("registry email", err)
		}
		if err := codeBlock(ctx, tx, c, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE claim_codes SET expires_at = ? WHERE claim_id = ? AND expires_at > ?", now, claimID, now); err != nil {
			return mapErr("expire older codes", err)
		}
		res, err := tx.ExecContext(ctx, "INSERT INTO claim_codes (claim_id, code_hash, sent_to, expires_at, created_at) VALUES (?, ?, ?, ?, ?)",
			claimID, hash, to, now.Add(auth.CodeTTL), now)
		if err != nil {
			return mapErr("claim code", err)
		}
		codeID, _ := res.LastInsertId()
		m.Kind, m.To, m.DedupeKey = KindClaimCode, to, fmt.Sprintf("claim-code:%d", codeID)
		return queue(ctx, tx, m, now)
	})
	return to, err
}

// rowQuerier is a *sql.DB or a *sql.Tx.
type rowQuerier interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

// codeBlock is why no code may be sent for claim c now, or nil: the
// claimant's own address is not confirmed (auth.ErrClaimantUnconfirmed:
// the code mail names it as who asked); the claim had auth.MaxCodesPerDay
// in the last 24 hours (auth.ErrCodeLimit); or the firm had
// auth.MaxCodesPerFirmPerDay across all its claims, whatever their state
// (auth.ErrFirmCodeLimit), so that many accounts claiming one firm cannot
// flood its registry mailbox.
func codeBlock(ctx context.Context, q rowQuerier, c Claim, now time.Time) error {
	var confirmed bool
	var claimSent, firmSent int
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT email_verified_at IS NOT NULL FROM users WHERE id = ?),
		(SELECT COUNT(*) FROM claim_codes WHERE claim_id = ? AND created_at > ?),
		(SELECT COUNT(*) FROM claim_codes JOIN claims ON claims.id = claim_codes.claim_id WHERE claims.firm_id = ? AND claim_codes.created_at > ?)`,
		c.UserID, c.ID, now.Add(-24*time.Hour), c.FirmID, now.Add(-24*time.Hour)).Scan(&confirmed, &claimSent, &firmSent)
	switch {
	case err != nil:
		return mapErr("codes sent", err)
	case !confirmed:
		return auth.ErrClaimantUnconfirmed
	case claimSent >= auth.MaxCodesPerDay:
		return auth.ErrCodeLimit
	case firmSent >= auth.MaxCodesPerFirmPerDay:
		return auth.ErrFirmCodeLimit
	}
	return nil
}

// CodeBlock says why open claim c may not be sent another code now
// (codeBlock's problems), or nil when it may.
func (s *Store) CodeBlock(ctx context.Context, c *Claim) error {
	return codeBlock(ctx, s.r, *c, s.now())
}

// HasLiveCode says whether open claim claimID has a code that may still
// be entered (not expired, used or spent).
func (s *Store) HasLiveCode(ctx context.Context, claimID int64) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM claim_codes WHERE claim_id = ? AND used_at IS NULL AND attempts < ? AND expires_at > ?",
		claimID, auth.MaxCodeAttempts, s.now()).Scan(&n)
	return n > 0, mapErr("live code", err)
}

// EnterClaimCode checks typed against the latest code of open claim
// claimID of userID. The right code, unexpired, unused and with fewer
// than auth.MaxCodeAttempts wrong guesses, verifies the claim (method
// code) and is used up; a wrong one counts a guess (committed, so the
// limit holds). Problems: auth.ErrCodeNone, ErrCodeExpired, ErrCodeSpent,
// ErrCodeWrong; ErrClaimClosed or ErrNotFound as for SendClaimCode.
func (s *Store) EnterClaimCode(ctx context.Context, claimID, userID int64, typed string) error {
	var problem error
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		c, err := openClaim(ctx, tx, claimID, userID)
		if err != nil {
			return err
		}
		var codeID int64
		var hash []byte
		var attempts int
		var expires time.Time
		var used sql.NullTime
		err = tx.QueryRowContext(ctx, `SELECT id, code_hash, attempts, expires_at, used_at FROM claim_codes WHERE claim_id = ?
			ORDER BY id DESC LIMIT 1`, claimID).Scan(&codeID, &hash, &attempts, &expires, &used)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			problem = auth.ErrCodeNone
			return nil
		case err != nil:
			return mapErr("claim code", err)
		case used.Valid || attempts >= auth.MaxCodeAttempts:
			problem = auth.ErrCodeSpent
			return nil
		case !now.Before(expires):
			problem = auth.ErrCodeExpired
			return nil
		case !auth.CodeMatches(hash, claimID, typed):
			problem = auth.ErrCodeWrong
			_, err := tx.ExecContext(ctx, "UPDATE claim_codes SET attempts = attempts + 1 WHERE id = ?", codeID)
			return mapErr("count guess", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE claim_codes SET used_at = ? WHERE id = ?", now, codeID); err != nil {
			return mapErr("use code", err)
		}
		if err := verifyClaim(ctx, tx, c, auth.MethodCode, 0, now); err != nil {
			return err
		}
		return writeAudit(ctx, tx, now, []AuditEntry{{UserID: userID, Action: "claims.verify_code",
			Subject: fmt.Sprintf("claim:%d", claimID), Detail: fmt.Sprintf("firm=%d", c.FirmID)}})
	})
	if err != nil {
		return err
	}
	return problem
}
