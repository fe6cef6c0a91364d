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
// but by HTTP. This is the one thing it does not learn over HTTP.

// mailbox reads the portal's outbox.
type mailbox struct {
	db   *sql.DB
	path string
}

func openMailbox(path string) (*mailbox, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return &mailbox{db: db, path: path}, nil
}

func (m *mailbox) close() error { return m.db.Close() }

var verifyLinkRe = regexp.MustCompile(`/verify-email/[A-Za-z0-9_-]+`)

// confirmLink returns the path of the newest confirmation link mailed to
// email.
func (m *mailbox) confirmLink(ctx context.Context, email string) (string, error) {
	var body string
	err := m.db.QueryRowContext(ctx, "SELECT body FROM outbox WHERE kind = 'account.verify' AND to_addr = ? ORDER BY id DESC LIMIT 1",
		email).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("load: no confirmation link to %s in the outbox of %s: is --db the database of the portal at --target?", email, m.path)
	}
	if err != nil {
		return "", fmt.Errorf("load: reading the outbox of %s (--db, the portal's database file): %w", m.path, err)
	}
	link := verifyLinkRe.FindString(body)
	if link == "" {
		return "", fmt.Errorf("load: the message to %s holds no confirmation link", email)
	}
	return link, nil
}
