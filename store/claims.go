package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"dxready/auth"
)

// Claim is a firm user's claim on their firm, with what the Center's
// queue shows beside it.
type Claim struct {
	ID         int64
	UserID     int64
	FirmID     int64
	StatedRole string
	Status     auth.ClaimStatus
	Method     auth.ClaimMethod
	DecidedBy  int64
	Reason     string
	CreatedAt  time.Time
	DecidedAt  time.Time // zero while open

	// Filled by OpenClaims and FindClaim.
	UserName, UserEmail, UserLang string
	UserCreatedAt                 time.Time
	FirmName, TaxCode             string
	RegistryEmail, RegistryPhone  string
	VerifiedUsers                 int       // the firm's verified users, the claimant aside
	ClaimantConfirmed             bool      // the claimant's own address is confirmed: mail reaches them
	LastCodeAt                    time.Time // when the claim's latest code was sent; zero when none
	Reported                      bool      // a verified user of the firm said they do not know the claimant

	// Filled by OpenClaims: the firm's verified users, the claimant aside,
	// for the Center to call.
	Colleagues []*auth.User
}

// ErrClaimClosed means the claim is no longer open (decided meanwhile).
var ErrClaimClosed = errors.New("store: claim no longer open")

const claimSelect = `SELECT c.id, c.user_id, c.firm_id, c.stated_role, c.status, c.method, COALESCE(c.decided_by, 0), c.reason,
	c.created_at, c.decided_at, u.name, u.email, u.lang, u.created_at, f.name, f.tax_code,
	COALESCE(rc.email, ''), COALESCE(rc.phone, ''),
	(SELECT COUNT(*) FROM users v WHERE v.firm_id = c.firm_id AND v.id <> c.user_id AND v.status = 'active' AND v.firm_verified_at IS NOT NULL),
	u.email_verified_at IS NOT NULL, (SELECT created_at FROM claim_codes WHERE claim_id = c.id ORDER BY id DESC LIMIT 1),
	EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'claims.report' AND a.subject = 'claim:' || c.id)
	FROM claims c JOIN users u ON u.id = c.user_id JOIN firms f ON f.id = c.firm_id
	LEFT JOIN firm_registry_contacts rc ON rc.firm_id = c.firm_id`

func scanClaim(sc scanner) (*Claim, error) {
	var c Claim
	var status, method string
	var decided sql.NullTime
	var lastCode sql.NullString
	if err := sc.Scan(&c.ID, &c.UserID, &c.FirmID, &c.StatedRole, &status, &method, &c.DecidedBy, &c.Reason, &c.CreatedAt, &decided,
		&c.UserName, &c.UserEmail, &c.UserLang, &c.UserCreatedAt, &c.FirmName, &c.TaxCode, &c.RegistryEmail, &c.RegistryPhone,
		&c.VerifiedUsers, &c.ClaimantConfirmed, &lastCode, &c.Reported); err != nil {
		return nil, err
	}
	if lastCode.Valid {
		t, err := parseSQLiteTime(lastCode.String)
		if err != nil {
			return nil, err
		}
		c.LastCodeAt = t
	}
	c.Status, c.Method, c.DecidedAt = auth.ClaimStatus(status), auth.ClaimMethod(method), decided.Time
	return &c, nil
}

// CurrentClaim returns user userID's latest claim, or ErrNotFound.
func (s *Store) CurrentClaim(ctx context.Context, userID int64) (*Claim, error) {
	c, err := scanClaim(s.r.QueryRowContext(ctx, claimSelect+" WHERE c.user_id = ? ORDER BY c.id DESC LIMIT 1", userID))
	return c, mapErr(fmt.Sprintf("claim of user %d", userID), err)
}

// FindClaim returns claim id, or ErrNotFound.
func (s *Store) FindClaim(ctx context.Context, id int64) (*Claim, error) {
	c, err := scanClaim(s.r.QueryRowContext(ctx, claimSelect+" WHERE c.id = ?", id))
	return c, mapErr(fmt.Sprintf("claim %d", id), err)
}

// OpenClaims returns the open claims, oldest first, at most limit.
func (s *Store) OpenClaims(ctx context.Context, limit int) ([]*Claim, error) {
	rows, err := s.r.QueryContext(ctx, claimSelect+" WHERE c.status = 'open' ORDER BY c.id"+limitSQL(limit))
	if err != nil {
		return nil, mapErr("open claims", err)
	}
	defer rows.Close()
	var out []*Claim
	for rows.Next() {
		c, err := scanClaim(rows)
		if err != nil {
			return nil, mapErr("scan claim", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr("open claims", err)
	}
	rows.Close()
	for _, c := range out {
		if c.VerifiedUsers == 0 {
			continue
		}
		us, err := verifiedUsers(ctx, s.r, c.FirmID)
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			if u.ID != c.UserID {
				c.Colleagues = append(c.Colleagues, u)
			}
		}
	}
	return out, nil
}

// CountOpenClaims returns how many claims wait for a decision.
func (s *Store) CountOpenClaims(ctx context.Context) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM claims WHERE status = 'open'").Scan(&n)
	return n, mapErr("count open claims", err)
}

// RegistryContact returns the registry's email and phone for firmID
// ("" when the registry gave none).
func (s *Store) RegistryContact(ctx context.Context, firmID int64) (email, phone string, err error) {
	err = s.r.QueryRowContext(ctx, "SELECT email, phone FROM firm_registry_contacts WHERE firm_id = ?", firmID).Scan(&email, &phone)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	return email, phone, mapErr("registry contact", err)
}

// createVerifiedClaim records u's tie to its firm as verified now: by
// method, or when method is "", by 'demo' on a demo firm and 'center'
// otherwise (an account the Center made).
func createVerifiedClaim(ctx context.Context, tx *sql.Tx, u *auth.User, role string, method auth.ClaimMethod, now time.Time) error {
	if method == "" {
		var demo bool
		if err := tx.QueryRowContext(ctx, "SELECT demo FROM firms WHERE id = ?", u.FirmID).Scan(&demo); err != nil {
			return mapErr("claim: firm", err)
		}
		method = auth.MethodCenter
		if demo {
			method = auth.MethodDemo
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO claims (user_id, firm_id, stated_role, status, method, created_at, decided_at)
		VALUES (?, ?, ?, 'verified', ?, ?, ?)`, u.ID, u.FirmID, role, string(method), now, now); err != nil {
		return mapErr("claim", err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE users SET firm_verified_at = ? WHERE id = ?", now, u.ID); err != nil {
		return mapErr("verify user", err)
	}
	u.FirmVerified = true
	return nil
}

// verifiedUsers are firmID's active, verified users.
func verifiedUsers(ctx context.Context, q querier, firmID int64) ([]*auth.User, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+userColumns+` FROM users WHERE firm_id = ? AND status = 'active'
		AND firm_verified_at IS NOT NULL ORDER BY id`, firmID)
	return scanUsers(rows, err, "verified users")
}

// openClaim reads claim id inside tx and checks it is open (else
// ErrClaimClosed) and, when userID is not 0, that it is userID's (else
// ErrNotFound).
func openClaim(ctx context.Context, tx *sql.Tx, id, userID int64) (c Claim, err error) {
	var status string
	err = tx.QueryRowContext(ctx, "SELECT id, user_id, firm_id, status FROM claims WHERE id = ?", id).Scan(&c.ID, &c.UserID, &c.FirmID, &status)
	switch {
	case err != nil:
		return c, mapErr(fmt.Sprintf("claim %d", id), err)
	case userID != 0 && c.UserID != userID:
		return c, fmt.Errorf("store: claim %d: %w", id, ErrNotFound)
	case status != string(auth.ClaimOpen):
		return c, ErrClaimClosed
	}
	return c, nil
}

// verifyClaim makes open claim c verified by method (by: who decided; 0
// the claimant's own code) and the user verified. The claimant's private
// draft becomes the firm's shared draft when the firm has none; when it
// has one, the claimant joins it and the private draft is dropped (a
// firm has one shared draft).
func verifyClaim(ctx context.Context, tx *sql.Tx, c Claim, method auth.ClaimMethod, by int64, now time.Time) error {
	if _, err := tx.ExecContext(ctx, "UPDATE claims SET status = 'verified', method = ?, decided_by = ?, decided_at = ? WHERE id = ?",
		string(method), nullID(by), now, c.ID); err != nil {
		return mapErr("verify claim", err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE users SET firm_verified_at = ? WHERE id = ? AND firm_id = ?", now, c.UserID, c.FirmID); err != nil {
		return mapErr("verify user", err)
	}
	var shared int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM responses WHERE firm_id = ? AND owner_id IS NULL AND status = 'draft'",
		c.FirmID).Scan(&shared); err != nil {
		return err
	}
	q := "UPDATE responses SET owner_id = NULL WHERE owner_id = ? AND firm_id = ? AND status = 'draft'"
	if shared > 0 {
		q = "DELETE FROM responses WHERE owner_id = ? AND firm_id = ? AND status = 'draft'"
	}
	_, err := tx.ExecContext(ctx, q, c.UserID, c.FirmID)
	return mapErr("claimant's draft", err)
}

// ApproveColleague verifies the open claim of user claimantID on firmID,
// approved by byUserID, a verified user of that firm (the caller asked
// auth.Can), and records it in the audit log. ErrNotFound when claimantID
// has no open claim on firmID.
func (s *Store) ApproveColleague(ctx context.Context, claimantID, firmID, byUserID int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		var id int64
		err := tx.QueryRowContext(ctx, "SELECT id FROM claims WHERE user_id = ? AND firm_id = ? AND status = 'open'", claimantID, firmID).Scan(&id)
		if err != nil {
			return mapErr(fmt.Sprintf("open claim of user %d", claimantID), err)
		}
		if err := verifyClaim(ctx, tx, Claim{ID: id, UserID: claimantID, FirmID: firmID}, auth.MethodColleague, byUserID, now); err != nil {
			return err
		}
		return writeAudit(ctx, tx, now, []AuditEntry{{UserID: byUserID, Action: "claims.approve_colleague",
			Subject: "claim:" + strconv.FormatInt(id, 10), Detail: fmt.Sprintf("user=%d firm=%d", claimantID, firmID)}})
	})
}

// ClaimSummary is where a user's latest claim on a firm stands, as the
// firm's own users see it.
type ClaimSummary struct {
	Status     auth.ClaimStatus
	StatedRole string
	CreatedAt  time.Time
	Reported   bool // a user of the firm told the Center they do not know the claimant
}

// ClaimStatuses returns the latest claim of each user of firmID, by user
// ID.
func (s *Store) ClaimStatuses(ctx context.Context, firmID int64) (map[int64]ClaimSummary, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT c.user_id, c.status, c.stated_role, c.created_at,
		EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'claims.report' AND a.subject = 'claim:' || c.id)
		FROM claims c WHERE c.id IN (SELECT MAX(id) FROM claims WHERE firm_id = ? GROUP BY user_id)`, firmID)
	if err != nil {
		return nil, mapErr("claim statuses", err)
	}
	defer rows.Close()
	out := map[int64]ClaimSummary{}
	for rows.Next() {
		var id int64
		var st string
		var c ClaimSummary
		if err := rows.Scan(&id, &st, &c.StatedRole, &c.CreatedAt, &c.Reported); err != nil {
			return nil, err
		}
		c.Status = auth.ClaimStatus(st)
		out[id] = c
	}
	return out, mapErr("claim statuses", rows.Err())
}

// AddDemoRegistryContacts gives every demo firm a registry address,
// lienhe.<tax code>@demo.local, so that the claim code can be tried on the
// demo (without --smtp-url the message is read on /admin/outbox). Real
// firms are never touched.
func (s *Store) AddDemoRegistryContacts(ctx context.Context) error {
	return s.inTx(ctx, func(tx *sql.Tx) error { return demoRegistryContacts(ctx, tx, 1, math.MaxInt64, s.now()) })
}

// demoRegistryContacts gives the demo firms with IDs first to last their
// registry address.
func demoRegistryContacts(ctx context.Context, tx *sql.Tx, first, last int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO firm_registry_contacts (firm_id, email, phone, updated_at)
		SELECT id, 'lienhe.' || tax_code || '@demo.local', '', ? FROM firms WHERE id BETWEEN ? AND ? AND demo = 1
		ON CONFLICT (firm_id) DO NOTHING`, now, first, last)
	return mapErr("demo registry contacts", err)
}
