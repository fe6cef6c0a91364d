package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"dxready/auth"
	"dxready/firms"
)

const userColumns = "id, email, name, role, status, firm_id, association_id, lang, password_hash, created_at, firm_verified_at, email_verified_at IS NOT NULL, two_factor"

func scanUser(sc scanner) (*auth.User, error) {
	var u auth.User
	var firm, assoc sql.NullInt64
	var role, status string
	var verified sql.NullTime
	if err := sc.Scan(&u.ID, &u.Email, &u.Name, &role, &status, &firm, &assoc, &u.Lang, &u.PasswordHash, &u.CreatedAt, &verified, &u.EmailVerified, &u.TwoFactor); err != nil {
		return nil, err
	}
	u.Role, u.Status, u.FirmID, u.AssociationID = auth.Role(role), auth.Status(status), firm.Int64, assoc.Int64
	u.FirmVerified = verified.Valid
	return &u, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// CreateUser inserts u and sets its ID, with the audit entries given; a
// taken email is ErrConflict. Accounts made this way are made by the
// Center (the command line, the admin pages) or the demo, so a firm user
// is verified at once: by 'demo' on a demo firm, by 'center' otherwise.
// Registration goes through Register, which makes a claim.
// u's address is verified only if u.EmailVerified says so; CreateAccount
// also sends the link that verifies it.
func (s *Store) CreateUser(ctx context.Context, u *auth.User, audit ...AuditEntry) error {
	return s.CreateAccount(ctx, u, nil, audit...)
}

// CreateAccount inserts u as CreateUser does and, in the same transaction,
// stores and queues its verification link v (nil: none).
func (s *Store) CreateAccount(ctx context.Context, u *auth.User, v *Link, audit ...AuditEntry) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		if err := createUser(ctx, tx, u, now, v); err != nil {
			return err
		}
		if u.Role == auth.RoleFirm {
			if err := createVerifiedClaim(ctx, tx, u, "other", "", now); err != nil {
				return err
			}
		}
		return writeAudit(ctx, tx, now, audit)
	})
}

// createUser inserts u and, when v is not nil, its verification link.
func createUser(ctx context.Context, tx *sql.Tx, u *auth.User, now time.Time, v *Link) error {
	var verified any
	if u.EmailVerified {
		verified = now
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO users (email, name, role, status, firm_id, association_id, lang, password_hash, created_at,
		email_verified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, u.Email, u.Name, string(u.Role), string(u.Status), nullID(u.FirmID),
		nullID(u.AssociationID), u.Lang, u.PasswordHash, now, verified)
	if err != nil {
		return mapErr("create user "+u.Email, err)
	}
	if u.ID, err = res.LastInsertId(); err != nil || v == nil {
		return err
	}
	return issueLink(ctx, tx, u, v, now)
}

// FindUserByEmail returns the user with (lower-case) email, or ErrNotFound.
func (s *Store) FindUserByEmail(ctx context.Context, email string) (*auth.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE email = ?", email))
	return u, mapErr("find user by email", err)
}

// FindUserByID returns the user with id, or ErrNotFound.
func (s *Store) FindUserByID(ctx context.Context, id int64) (*auth.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
	return u, mapErr(fmt.Sprintf("find user %d", id), err)
}

// UsersOfFirm returns the accounts tied to firm id, oldest first.
func (s *Store) UsersOfFirm(ctx context.Context, firmID int64) ([]*auth.User, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+userColumns+" FROM users WHERE firm_id = ? ORDER BY id", firmID)
	return scanUsers(rows, err, "users of firm")
}

// scanUsers reads every user of a query's rows (err: the query's own),
// closing them; what names the query in errors.
func scanUsers(rows *sql.Rows, err error, what string) ([]*auth.User, error) {
	if err != nil {
		return nil, mapErr(what, err)
	}
	defer rows.Close()
	var out []*auth.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, mapErr(what, err)
		}
		out = append(out, u)
	}
	return out, mapErr(what, rows.Err())
}

// SetUserStatus changes a user's status. With firmID non-zero it only
// changes a user of that firm (so a firm user cannot approve strangers);
// otherwise ErrNotFound. Any status but active ends the user's sessions
// and pending sign-ins.
func (s *Store) SetUserStatus(ctx context.Context, id, firmID int64, st auth.Status) error {
	q, args := "UPDATE users SET status = ? WHERE id = ?", []any{string(st), id}
	if firmID != 0 {
		q += " AND firm_id = ?"
		args = append(args, firmID)
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return mapErr("set user status", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: set user %d status: %w", id, ErrNotFound)
		}
		if st != auth.StatusActive {
			return endSignIns(ctx, tx, id, nil)
		}
		return nil
	})
}

// SetUserLang remembers a user's language for messages sent to them.
func (s *Store) SetUserLang(ctx context.Context, id int64, lang string) error {
	_, err := s.w.ExecContext(ctx, "UPDATE users SET lang = ? WHERE id = ? AND lang <> ?", lang, id, lang)
	return mapErr("set user lang", err)
}

// RehashPassword replaces user id's password hash old with new, the same
// password hashed with the current parameters, and reports whether it did:
// not when the hash is no longer old (the password changed meanwhile,
// which wins). Unlike a password change, sessions and links stay.
func (s *Store) RehashPassword(ctx context.Context, id int64, old, new string) (bool, error) {
	res, err := s.w.ExecContext(ctx, "UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?", new, id, old)
	if err != nil {
		return false, mapErr("rehash password", err)
	}
	n, err := res.RowsAffected()
	return n == 1, mapErr("rehash password", err)
}

// UserCounts returns the number of users per role.
func (s *Store) UserCounts(ctx context.Context) (map[auth.Role]int, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT role, COUNT(*) FROM users GROUP BY role")
	if err != nil {
		return nil, mapErr("count users", err)
	}
	defer rows.Close()
	out := map[auth.Role]int{}
	for rows.Next() {
		var r string
		var n int
		if err := rows.Scan(&r, &n); err != nil {
			return nil, err
		}
		out[auth.Role(r)] = n
	}
	return out, rows.Err()
}

// Register creates a firm user for the firm with taxCode, with a claim
// on it in which the user states role (auth.StatedRoles). A tax code
// only the registry knows (or a firm created by an earlier registration:
// which codes have accounts is not told) needs newFirm, else ErrNotFound;
// a new firm is created from it, and its creator is verified by creation.
// On an existing firm the user may sign in at once, and the claim stays
// open until verified (Can shows a claimant the firm's name only). It
// returns the firm's verified users, whom the web layer tells of the
// claim. A taken email is ErrConflict. v, when not nil, is the address's
// verification link, stored and queued with the account.
func (s *Store) Register(ctx context.Context, taxCode string, newFirm *firms.Firm, u *auth.User, role string, v *Link) ([]*auth.User, error) {
	var verified []*auth.User
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		var selfRegistered bool
		err := tx.QueryRowContext(ctx, "SELECT id, self_registered FROM firms WHERE tax_code = ?", taxCode).Scan(&u.FirmID, &selfRegistered)
		switch {
		case errors.Is(err, sql.ErrNoRows) && newFirm != nil:
			return registerCreator(ctx, tx, newFirm, u, role, v, now)
		case err != nil:
			return mapErr("register: find firm", err)
		case selfRegistered && newFirm == nil:
			return fmt.Errorf("store: register: %w", ErrNotFound) // the same answer as for a code nobody registered
		}
		u.Role, u.Status, u.FirmVerified = auth.RoleFirm, auth.StatusActive, false
		if err := createUser(ctx, tx, u, now, v); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO claims (user_id, firm_id, stated_role, status, created_at) VALUES (?, ?, ?, 'open', ?)",
			u.ID, u.FirmID, role, now); err != nil {
			return mapErr("register: claim", err)
		}
		verified, err = verifiedUsers(ctx, tx, u.FirmID)
		return err
	})
	return verified, err
}

// registerCreator creates newFirm, marked as self-registered, and u as its
// user, verified by creation.
func registerCreator(ctx context.Context, tx *sql.Tx, newFirm *firms.Firm, u *auth.User, role string, v *Link, now time.Time) error {
	if err := createFirm(ctx, tx, newFirm, now); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE firms SET self_registered = 1 WHERE id = ?", newFirm.ID); err != nil {
		return mapErr("register: mark firm", err)
	}
	u.FirmID, u.Role, u.Status = newFirm.ID, auth.RoleFirm, auth.StatusActive
	if err := createUser(ctx, tx, u, now, v); err != nil {
		return err
	}
	return createVerifiedClaim(ctx, tx, u, role, auth.MethodCreation, now)
}
