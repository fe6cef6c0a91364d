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
// the address is read here, so no caller can send a code elsewhere. It returns the address; the problems
// are codeBlock's and auth.ErrNoRegistryEmail; ErrClaimClosed or
// ErrNotFound for a claim that is not userID's open one. Earlier codes of
// the claim stay valid until they expire (auth.CodeTTL): whichever mail
// the firm opens first carries a code that works.
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
// flood its registry mailbox; or the claim's codes of the last 24 hours
// had auth.MaxCodeAttempts wrong guesses (auth.ErrCodeTries): a new code
// would bring no new guess.
func codeBlock(ctx context.Context, q rowQuerier, c Claim, now time.Time) error {
	var confirmed bool
	var claimSent, firmSent, guesses int
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT email_verified_at IS NOT NULL FROM users WHERE id = ?),
		(SELECT COUNT(*) FROM claim_codes WHERE claim_id = ? AND created_at > ?),
		(SELECT COUNT(*) FROM claim_codes JOIN claims ON claims.id = claim_codes.claim_id WHERE claims.firm_id = ? AND claim_codes.created_at > ?),
		(SELECT COALESCE(SUM(attempts), 0) FROM claim_codes WHERE claim_id = ? AND created_at > ?)`,
		c.UserID, c.ID, now.Add(-24*time.Hour), c.FirmID, now.Add(-24*time.Hour), c.ID, now.Add(-auth.CodeTTL)).Scan(&confirmed, &claimSent, &firmSent, &guesses)
	switch {
	case err != nil:
		return mapErr("codes sent", err)
	case !confirmed:
		return auth.ErrClaimantUnconfirmed
	case guesses >= auth.MaxCodeAttempts:
		return auth.ErrCodeTries
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

// CodeState is where the codes of an open claim stand, for its page.
type CodeState struct {
	Live      bool      // a sent code may still be entered
	LastSent  time.Time // when the latest live code was sent; zero when none
	TriesLeft int       // wrong guesses left across the claim's codes
}

// ClaimCodeState says where the codes of claim claimID stand now.
func (s *Store) ClaimCodeState(ctx context.Context, claimID int64) (CodeState, error) {
	now := s.now()
	var st CodeState
	var guesses int
	err := s.r.QueryRowContext(ctx, "SELECT COALESCE(SUM(attempts), 0) FROM claim_codes WHERE claim_id = ? AND created_at > ?",
		claimID, now.Add(-auth.CodeTTL)).Scan(&guesses)
	if err != nil {
		return st, mapErr("claim code guesses", err)
	}
	st.TriesLeft = max(auth.MaxCodeAttempts-guesses, 0)
	err = s.r.QueryRowContext(ctx, `SELECT created_at FROM claim_codes WHERE claim_id = ? AND used_at IS NULL AND expires_at > ?
		ORDER BY id DESC LIMIT 1`, claimID, now).Scan(&st.LastSent)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return st, mapErr("claim code sent at", err)
	default:
		st.Live = st.TriesLeft > 0
	}
	return st, nil
}

// liveCode is an unexpired, unused code of a claim.
type liveCode struct {
	id   int64
	hash []byte
}

// EnterClaimCode checks typed against every live code (unexpired, unused)
// of open claim claimID of userID: a firm may hold several mails, and any
// of their codes is right. The right code verifies the claim (method code)
// and is used up. A wrong one counts a guess (committed, so the limit
// holds): the claim's codes of the last auth.CodeTTL allow
// auth.MaxCodeAttempts wrong guesses between them, and each guess is tried
// against at most auth.MaxCodesPerDay codes. It returns the wrong guesses
// left after a wrong one. Problems: auth.ErrCodeNone, ErrCodeExpired,
// ErrCodeTries, ErrCodeWrong; ErrClaimClosed or ErrNotFound as for
// SendClaimCode.
func (s *Store) EnterClaimCode(ctx context.Context, claimID, userID int64, typed string) (int, error) {
	var problem error
	left := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		c, err := openClaim(ctx, tx, claimID, userID)
		if err != nil {
			return err
		}
		codes, guesses, any, err := claimCodes(ctx, tx, claimID, now)
		switch {
		case err != nil:
			return err
		case !any:
			problem = auth.ErrCodeNone
			return nil
		case guesses >= auth.MaxCodeAttempts:
			problem = auth.ErrCodeTries
			return nil
		case len(codes) == 0:
			problem = auth.ErrCodeExpired
			return nil
		}
		match := int64(0)
		for _, lc := range codes { // every code compared, in constant time each
			if auth.CodeMatches(lc.hash, claimID, typed) {
				match = lc.id
			}
		}
		if match == 0 {
			problem, left = auth.ErrCodeWrong, auth.MaxCodeAttempts-guesses-1
			_, err := tx.ExecContext(ctx, "UPDATE claim_codes SET attempts = attempts + 1 WHERE id = ?", codes[0].id)
			return mapErr("count guess", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE claim_codes SET used_at = ? WHERE id = ?", now, match); err != nil {
			return mapErr("use code", err)
		}
		if err := verifyClaim(ctx, tx, c, auth.MethodCode, 0, now); err != nil {
			return err
		}
		return writeAudit(ctx, tx, now, []AuditEntry{{UserID: userID, Action: "claims.verify_code",
			Subject: fmt.Sprintf("claim:%d", claimID), Detail: fmt.Sprintf("firm=%d", c.FirmID)}})
	})
	if err != nil {
		return 0, err
	}
	return left, problem
}

// claimCodes reads claim claimID's live codes, newest first, the wrong
// guesses on its codes of the last auth.CodeTTL, and whether it ever had a
// code.
func claimCodes(ctx context.Context, tx *sql.Tx, claimID int64, now time.Time) (live []liveCode, guesses int, any bool, err error) {
	var n int
	if err = tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN created_at > ? THEN attempts ELSE 0 END), 0)
		FROM claim_codes WHERE claim_id = ?`, now.Add(-auth.CodeTTL), claimID).Scan(&n, &guesses); err != nil {
		return nil, 0, false, mapErr("claim codes", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, code_hash FROM claim_codes WHERE claim_id = ? AND used_at IS NULL AND expires_at > ?
		ORDER BY id DESC`, claimID, now)
	if err != nil {
		return nil, 0, false, mapErr("live codes", err)
	}
	defer rows.Close()
	for rows.Next() {
		var lc liveCode
		if err := rows.Scan(&lc.id, &lc.hash); err != nil {
			return nil, 0, false, mapErr("live code", err)
		}
		live = append(live, lc)
	}
	return live, guesses, n > 0, mapErr("live codes", rows.Err())
}
