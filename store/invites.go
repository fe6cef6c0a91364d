package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"dxready/firms"
)

// InviteCandidate is a firm a bulk invitation considers, with what
// firms.InviteDecision needs to know of it.
type InviteCandidate struct {
	FirmID  int64
	TaxCode firms.TaxCode
	Name    string
	firms.Invitee
	Lang string // the language of an account at the firm (an open claim); "" unknown
}

// inviteCandidateCols reads a candidate of association ? (the first
// argument). Its address is its contact person's (given with consent),
// else the registry's; a firm whose contact was erased, and not given
// again, has opted out and gets none.
const inviteCandidateCols = `SELECT f.id, f.tax_code, f.name, m.firm_id IS NOT NULL,
	EXISTS (SELECT 1 FROM users u WHERE u.firm_id = f.id AND u.status = 'active' AND u.firm_verified_at IS NOT NULL),
	EXISTS (SELECT 1 FROM current_results c WHERE c.firm_id = f.id),
	ct.firm_id IS NULL AND COALESCE((SELECT ce.event FROM consent_events ce WHERE ce.firm_id = f.id AND ce.subject = 'contact'
		ORDER BY ce.at DESC, ce.id DESC LIMIT 1), '') = 'erased',
	(SELECT MAX(mi.at) FROM member_invites mi WHERE mi.association_id = ? AND mi.firm_id = f.id),
	COALESCE(NULLIF(ct.email, ''), rc.email, ''),
	COALESCE((SELECT u.lang FROM users u WHERE u.firm_id = f.id ORDER BY u.id LIMIT 1), '')
	FROM firms f LEFT JOIN firm_associations m ON m.firm_id = f.id AND m.association_id = ?
	LEFT JOIN contacts ct ON ct.firm_id = f.id LEFT JOIN firm_registry_contacts rc ON rc.firm_id = f.id `

// InviteCandidates returns the firms a bulk invitation of association
// assocID considers, by name: the firms of firmIDs that exist (members or
// not: InviteDecision refuses the others), or with firmIDs nil every
// member without a result.
func (s *Store) InviteCandidates(ctx context.Context, assocID int64, firmIDs []int64) ([]InviteCandidate, error) {
	q, args := inviteCandidateCols, []any{assocID, assocID}
	if firmIDs == nil {
		q += "WHERE m.firm_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM current_results c WHERE c.firm_id = f.id)"
	} else {
		q += "WHERE f.id IN (SELECT value FROM json_each(?))"
		args = append(args, jsonList(firmIDs))
	}
	rows, err := s.r.QueryContext(ctx, q+" ORDER BY f.search_key, f.id", args...)
	if err != nil {
		return nil, mapErr("invite candidates", err)
	}
	defer rows.Close()
	var out []InviteCandidate
	for rows.Next() {
		var c InviteCandidate
		var last sql.NullString
		if err := rows.Scan(&c.FirmID, &c.TaxCode, &c.Name, &c.Member, &c.Registered, &c.Assessed, &c.OptedOut, &last,
			&c.Address, &c.Lang); err != nil {
			return nil, err
		}
		if last.Valid {
			if c.LastInvited, err = parseSQLiteTime(last.String); err != nil {
				return nil, err
			}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Invitation is one member's invitation of a bulk press: its message.
type Invitation struct {
	FirmID  int64
	Message *Message
}

// QueueInvites queues the invitations of association assocID sent by
// userID and records each, with one audit entry for the press (entry;
// its detail gets the counts), all in one transaction. Inside it, each
// member is asked again whether it was invited within
// firms.InviteAgainAfter: of two presses at once, the second sends
// nothing the first sent. It returns how many were queued and how many
// were found invited meanwhile.
func (s *Store) QueueInvites(ctx context.Context, assocID, userID int64, invs []Invitation, entry AuditEntry) (sent, recent int, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		sent, recent = 0, 0
		now := s.now()
		for _, inv := range invs {
			var last sql.NullString
			if err := tx.QueryRowContext(ctx, `SELECT MAX(at) FROM member_invites WHERE association_id = ? AND firm_id = ?`,
				assocID, inv.FirmID).Scan(&last); err != nil {
				return mapErr("last invite", err)
			}
			if last.Valid {
				if at, err := parseSQLiteTime(last.String); err != nil || now.Sub(at) < firms.InviteAgainAfter {
					recent++
					continue
				}
			}
			switch err := queue(ctx, tx, inv.Message, now); {
			case errors.Is(err, ErrDuplicate):
				recent++
				continue
			case errors.Is(err, ErrUnverifiedRecipient):
				// As for one invitation: an unverified account's address
				// gets nothing, and the lead is not told whose it is.
				s.opts.Logger.Info("invitation skipped: address not verified", "association", assocID, "firm", inv.FirmID)
			case err != nil:
				return err
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO member_invites (association_id, firm_id, invited_by, outbox_id, at) VALUES (?, ?, ?, ?, ?)",
				assocID, inv.FirmID, nullID(userID), nullID(inv.Message.ID), now); err != nil {
				return mapErr("record invite", err)
			}
			sent++
		}
		return writeAudit(ctx, tx, now, withDetail([]AuditEntry{entry}, fmt.Sprintf("sent=%d recent=%d", sent, recent)))
	})
	return sent, recent, err
}

// memberInvitedAt is a member's last invitation by its association, as
// the member list's column reads it.
const memberInvitedAt = `(SELECT MAX(mi.at) FROM member_invites mi WHERE mi.association_id = m.association_id AND mi.firm_id = f.id)`

// scanInvitedAt reads memberInvitedAt's text (an aggregate loses the
// column's type) into m.
func scanInvitedAt(m *Member, last sql.NullString) error {
	if !last.Valid || strings.TrimSpace(last.String) == "" {
		return nil
	}
	at, err := parseSQLiteTime(last.String)
	m.InvitedAt = at
	return err
}
