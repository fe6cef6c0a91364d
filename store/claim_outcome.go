package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"dxready/auth"
)

// ClaimOutcome is what a decision on a claim really did, for the Center's
// answer: whether the claimant was mailed, and how many users a transfer
// took the firm from.
type ClaimOutcome struct {
	Claim   *Claim
	Mailed  bool // a message about the decision is in the outbox for the claimant
	Revoked int  // users whose tie the same decision revoked
}

// DecidedClaimKey is the outbox dedupe key of the message that tells the
// claimant of the decision on claim id.
func DecidedClaimKey(id int64) string { return "claim-decided:" + strconv.FormatInt(id, 10) }

// DecidedClaim returns the outcome of the decision on claim id, read from
// the store (what was queued, what was revoked), not from what the caller
// meant to do. ErrNotFound for no such claim; ErrClaimClosed's opposite,
// an open claim, has Mailed false and Revoked 0.
func (s *Store) DecidedClaim(ctx context.Context, id int64) (*ClaimOutcome, error) {
	c, err := s.FindClaim(ctx, id)
	if err != nil {
		return nil, err
	}
	o := &ClaimOutcome{Claim: c}
	if c.Status == auth.ClaimOpen {
		return o, nil
	}
	err = s.r.QueryRowContext(ctx, `SELECT
		EXISTS (SELECT 1 FROM outbox WHERE dedupe_key = ?),
		(SELECT COUNT(*) FROM claims WHERE firm_id = ? AND user_id <> ? AND status = 'revoked' AND decided_at = ?)`,
		DecidedClaimKey(id), c.FirmID, c.UserID, c.DecidedAt).Scan(&o.Mailed, &o.Revoked)
	return o, mapErr("claim outcome", err)
}

// VerifiedUsersOf returns firmID's active, verified users.
func (s *Store) VerifiedUsersOf(ctx context.Context, firmID int64) ([]*auth.User, error) {
	return verifiedUsers(ctx, s.r, firmID)
}

// ReportClaim records that byUserID, a verified user of firmID (the
// caller asked auth.Can), does not know user claimantID, whose open claim
// on firmID then shows as reported in the Center's queue. Reporting twice
// records once. ErrNotFound when claimantID has no open claim on firmID.
func (s *Store) ReportClaim(ctx context.Context, claimantID, firmID, byUserID int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, "SELECT id FROM claims WHERE user_id = ? AND firm_id = ? AND status = 'open'", claimantID, firmID).Scan(&id)
		if err != nil {
			return mapErr(fmt.Sprintf("open claim of user %d", claimantID), err)
		}
		subject := "claim:" + strconv.FormatInt(id, 10)
		var done bool
		if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM audit_log WHERE action = 'claims.report' AND subject = ? AND user_id = ?)",
			subject, byUserID).Scan(&done); err != nil || done {
			return mapErr("claim reported", err)
		}
		return writeAudit(ctx, tx, s.now(), []AuditEntry{{UserID: byUserID, Action: "claims.report", Subject: subject,
			Detail: fmt.Sprintf("user=%d firm=%d", claimantID, firmID)}})
	})
}

// ClaimsMadeSince counts the claims made on firmID since t, whatever
// became of them (not the ties made verified at once: an account the
// Center or the demo made, a firm's creator): the "someone claims your firm" notices stop past
// auth.MaxSecondClaimNoticesPerDay of them in a day.
func (s *Store) ClaimsMadeSince(ctx context.Context, firmID int64, t time.Time) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM claims WHERE firm_id = ? AND created_at > ?
		AND (decided_at IS NULL OR decided_at > created_at)`, firmID, t).Scan(&n)
	return n, mapErr("claims made", err)
}
