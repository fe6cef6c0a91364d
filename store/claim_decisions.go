package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"dxready/auth"
)

// ClaimDecision is what the Center decides about an open claim.
type ClaimDecision struct {
	Approve  bool   // false: reject
	Transfer bool   // with Approve: the firm's other verified users lose it
	Reason   string // required to reject (the web layer checks it)
	By       int64  // the admin deciding
	// Losers: with Transfer, the users the admin was shown would lose the
	// firm (ids, any order). If the firm's other verified users are not
	// exactly these when the transfer is made, it is refused with
	// ErrTransferChanged, so nobody loses a firm without having been named.
	Losers []int64
}

// ErrTransferChanged: the users who would lose the firm are not those the
// admin confirmed (someone was verified or left meanwhile).
var ErrTransferChanged = errors.New("store: the firm's users changed since the transfer was confirmed")

// DecideClaim applies d to open claim id, with its audit entries, in one
// transaction, and returns the users whose tie a transfer revoked (their
// sessions are deleted too). ErrClaimClosed when the claim was decided
// meanwhile; ErrNotFound when there is no such claim.
func (s *Store) DecideClaim(ctx context.Context, id int64, d ClaimDecision) ([]*auth.User, error) {
	var revoked []*auth.User
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		c, err := openClaim(ctx, tx, id, 0)
		if err != nil {
			return err
		}
		subject := fmt.Sprintf("claim:%d", id)
		detail := fmt.Sprintf("user=%d firm=%d", c.UserID, c.FirmID)
		if d.Reason != "" {
			detail += " reason=" + d.Reason
		}
		if !d.Approve {
			if _, err := tx.ExecContext(ctx, "UPDATE claims SET status = 'rejected', decided_by = ?, decided_at = ?, reason = ? WHERE id = ?",
				nullID(d.By), now, d.Reason, id); err != nil {
				return mapErr("reject claim", err)
			}
			return writeAudit(ctx, tx, now, []AuditEntry{{UserID: d.By, Action: "claims.reject", Subject: subject, Detail: detail}})
		}
		if d.Transfer {
			if revoked, err = revokeOthers(ctx, tx, c, d, now); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE claims SET reason = ? WHERE id = ?", d.Reason, id); err != nil {
			return mapErr("claim reason", err)
		}
		if err := verifyClaim(ctx, tx, c, auth.MethodCenter, d.By, now); err != nil {
			return err
		}
		action := "claims.approve"
		if d.Transfer {
			action = "claims.transfer"
			detail += " revoked=" + userIDs(revoked)
		}
		return writeAudit(ctx, tx, now, []AuditEntry{{UserID: d.By, Action: action, Subject: subject, Detail: detail}})
	})
	return revoked, err
}

// revokeOthers takes the firm of claim c from its other verified users:
// their verified claims become revoked, their tie unverified (an open
// claim's view: the firm's name only), and their sessions end.
func revokeOthers(ctx context.Context, tx *sql.Tx, c Claim, d ClaimDecision, now time.Time) ([]*auth.User, error) {
	users, err := verifiedUsers(ctx, tx, c.FirmID)
	if err != nil {
		return nil, err
	}
	var current []int64
	for _, u := range users {
		if u.ID != c.UserID {
			current = append(current, u.ID)
		}
	}
	slices.Sort(current)
	want := slices.Sorted(slices.Values(d.Losers))
	if !slices.Equal(current, want) {
		return nil, ErrTransferChanged
	}
	var out []*auth.User
	for _, u := range users {
		if u.ID == c.UserID {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE claims SET status = 'revoked', decided_by = ?, decided_at = ?, reason = ?
			WHERE user_id = ? AND status IN ('verified', 'open')`, nullID(d.By), now, d.Reason, u.ID); err != nil {
			return nil, mapErr("revoke claim", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET firm_verified_at = NULL WHERE id = ?", u.ID); err != nil {
			return nil, mapErr("revoke user", err)
		}
		if err := endSignIns(ctx, tx, u.ID, nil); err != nil {
			return nil, err
		}
		u.FirmVerified = false
		out = append(out, u)
	}
	return out, nil
}

func userIDs(us []*auth.User) string {
	ids := make([]string, len(us))
	for i, u := range us {
		ids[i] = fmt.Sprint(u.ID)
	}
	return strings.Join(ids, ",")
}

// reopenClaims is what the first registry import of a self-registered
// firm does: the firm is no longer self-registered, and each of its
// verified users goes back to an open claim (they saw only what they had
// typed; the registry's figures are not theirs to see until verified).
// It returns the users whose claims were reopened.
func reopenClaims(ctx context.Context, tx *sql.Tx, firmID int64, now time.Time) ([]*auth.User, error) {
	if _, err := tx.ExecContext(ctx, "UPDATE firms SET self_registered = 0 WHERE id = ?", firmID); err != nil {
		return nil, mapErr("firm from registry", err)
	}
	users, err := verifiedUsers(ctx, tx, firmID)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if _, err := tx.ExecContext(ctx, `UPDATE claims SET status = 'revoked', decided_at = ?, reason = 'registry'
			WHERE user_id = ? AND status = 'verified'`, now, u.ID); err != nil {
			return nil, mapErr("close claim", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO claims (user_id, firm_id, stated_role, status, created_at)
			SELECT ?, ?, COALESCE((SELECT stated_role FROM claims WHERE user_id = ? ORDER BY id DESC LIMIT 1), 'other'), 'open', ?`,
			u.ID, firmID, u.ID, now); err != nil {
			return nil, mapErr("reopen claim", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET firm_verified_at = NULL WHERE id = ?", u.ID); err != nil {
			return nil, mapErr("unverify user", err)
		}
		u.FirmVerified = false
	}
	if len(users) == 0 {
		return nil, nil
	}
	return users, writeAudit(ctx, tx, now, []AuditEntry{{Action: "claims.reopen_registry", Subject: fmt.Sprintf("firm:%d", firmID),
		Detail: "users=" + userIDs(users)}})
}
