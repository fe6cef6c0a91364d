package loadtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"

	_ "modernc.org/sqlite" // the portal's database, read-only
)

// A new account signs in only once its address is confirmed by the link
// mailed to it, and the load tool's addresses (load-….@load.local) have
// no mailbox. So the tool reads each link where the portal keeps the
// message, its outbox, from the portal's database file (--db), opened
// read-only: it plays the recipient opening the mail, and changes nothing
// but by HTTP. It reads the registry there too: its size (the run's scale)
// and which tax codes are taken, so its firms never collide with one.
// These are the only things it does not learn over HTTP.

// portalDB is the portal's database, read-only.
type portalDB struct {
	db   *sql.DB
	path string
}

func openPortalDB(path string) (*portalDB, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return &portalDB{db: db, path: path}, nil
}

func (m *portalDB) close() error { return m.db.Close() }

// readErr says which flag names the file that could not be read.
func (m *portalDB) readErr(what string, err error) error {
	return fmt.Errorf("load: reading %s of %s (--db, the portal's database file): %w", what, m.path, err)
}

// firms counts the registry's firms.
func (m *portalDB) firms(ctx context.Context) (int64, error) {
	var n int64
	if err := m.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM firms").Scan(&n); err != nil {
		return 0, m.readErr("the registry", err)
	}
	return n, nil
}

// firmExists reports whether the registry holds tax code tc.
func (m *portalDB) firmExists(ctx context.Context, tc string) (bool, error) {
	var one int
	err := m.db.QueryRowContext(ctx, "SELECT 1 FROM firms WHERE tax_code = ?", tc).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, m.readErr("the registry", err)
	}
	return true, nil
}

var verifyLinkRe = regexp.MustCompile(`/verify-email/[A-Za-z0-9_-]+`)

// confirmLink returns the path of the newest confirmation link mailed to
// email.
func (m *portalDB) confirmLink(ctx context.Context, email string) (string, error) {
	var body string
	err := m.db.QueryRowContext(ctx, "SELECT body FROM outbox WHERE kind = 'account.verify' AND to_addr = ? ORDER BY id DESC LIMIT 1",
		email).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("load: no confirmation link to %s in the outbox of %s: is --db the database of the portal at --target?", email, m.path)
	}
	if err != nil {
		return "", m.readErr("the outbox", err)
	}
	link := verifyLinkRe.FindString(body)
	if link == "" {
		return "", fmt.Errorf("load: the message to %s holds no confirmation link", email)
	}
	return link, nil
}
