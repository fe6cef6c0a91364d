package mail

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"net/url"
	"strings"
	"time"

	"dxready/store"
)

// Transport delivers one message.
type Transport interface {
	Send(ctx context.Context, m *store.Message) error
}

// Log is the transport without a mail server: it writes each message's
// envelope to the log; the admin outbox page shows the text.
type Log struct{ Logger *slog.Logger }

// Send logs m.
func (l Log) Send(_ context.Context, m *store.Message) error {
	l.Logger.Info("message (no --smtp-url: logged, not mailed)", "id", m.ID, "kind", m.Kind, "to", m.To,
		"subject", m.Subject, "attachment", m.AttachmentName)
	return nil
}

// SMTP delivers through a mail server.
type SMTP struct {
	Addr     string // host:port
	Host     string
	From     string
	Username string
	Password string
	Implicit bool // smtps: TLS from the first byte; otherwise STARTTLS when offered
	Timeout  time.Duration
	// TLS, when set, replaces the default TLS configuration (tests).
	TLS *tls.Config
}

// ParseURL reads smtp://user:pass@host:587?from=addr or smtps://…:465.
// The password never appears in the error.
func ParseURL(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("--smtp-url is not a URL")
	}
	s := &SMTP{Host: u.Hostname(), Timeout: 30 * time.Second}
	port := u.Port()
	switch u.Scheme {
	case "smtp":
		if port == "" {
			port = "587"
		}
	case "smtps":
		s.Implicit = true
		if port == "" {
			port = "465"
		}
	default:
		return nil, fmt.Errorf("--smtp-url must start with smtp:// or smtps://, not %q", u.Scheme+"://")
	}
	if s.Host == "" {
		return nil, errors.New("--smtp-url has no host")
	}
	s.Addr = net.JoinHostPort(s.Host, port)
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	from, err := mail.ParseAddress(u.Query().Get("from"))
	if err != nil {
		return nil, errors.New("--smtp-url needs ?from=address, the sender of the portal's mail")
	}
	s.From = from.Address
	return s, nil
}

// Send delivers m, with its attachment, over one SMTP connection.
func (s *SMTP) Send(ctx context.Context, m *store.Message) error {
	body, err := Compose(s.From, m, time.Now())
	if err != nil {
		return err
	}
	d := net.Dialer{Timeout: s.Timeout}
	var conn net.Conn
	tlsConf := s.TLS
	if tlsConf == nil {
		tlsConf = &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
	}
	if s.Implicit {
		conn, err = (&tls.Dialer{NetDialer: &d, Config: tlsConf}).DialContext(ctx, "tcp", s.Addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", s.Addr)
	}
	if err != nil {
		return fmt.Errorf("connect %s: %w", s.Addr, err)
	}
	deadline := time.Now().Add(s.Timeout)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok && !s.Implicit {
		if err := c.StartTLS(tlsConf); err != nil {
			return fmt.Errorf("starttls: %w", err)
		}
	}
	if s.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, s.Host)); err != nil {
			return fmt.Errorf("auth: %w", err)
		}
	}
	if err := c.Mail(s.From); err != nil {
		return err
	}
	if err := c.Rcpt(m.To); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(body); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// Compose writes m as a MIME message: UTF-8 text in quoted-printable, the
// attachment (a .ics is sent as text/calendar) in base64, the subject
// encoded for non-ASCII, a Message-ID stable per dedupe key, and the
// RFC 8058 one-click opt-out headers when m has an address for them.
func Compose(from string, m *store.Message, now time.Time) ([]byte, error) {
	for _, h := range []string{from, m.To, m.Subject, m.AttachmentName, m.ListUnsubscribe} {
		if strings.ContainsAny(h, "\r\n") {
			return nil, errors.New("line break in a header")
		}
	}
	if _, err := mail.ParseAddress(m.To); err != nil {
		return nil, fmt.Errorf("recipient %q: %w", m.To, err)
	}
	var b bytes.Buffer
	sum := sha256.Sum256([]byte(m.DedupeKey))
	domain := from[strings.LastIndexByte(from, '@')+1:]
	mw := multipart.NewWriter(&b)
	hdr := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	hdr("From", from)
	hdr("To", m.To)
	hdr("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	hdr("Date", now.UTC().Format(time.RFC1123Z))
	hdr("Message-ID", "<"+hex.EncodeToString(sum[:16])+"@"+domain+">")
	hdr("Content-Language", m.Lang)
	if m.ListUnsubscribe != "" {
		// RFC 8058: a mail client's "unsubscribe" posts
		// List-Unsubscribe=One-Click to the address, no page needed.
		hdr("List-Unsubscribe", "<"+m.ListUnsubscribe+">")
		hdr("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	}
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", `multipart/mixed; boundary="`+mw.Boundary()+`"`)
	b.WriteString("\r\n")
	pw, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/plain; charset=utf-8"},
		"Content-Transfer-Encoding": {"quoted-printable"}})
	if err != nil {
		return nil, err
	}
	qp := quotedprintable.NewWriter(pw)
	qp.Write([]byte(strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n", "\r\n")))
	qp.Close()
	if m.AttachmentName != "" {
		ctype := "application/octet-stream"
		if strings.HasSuffix(m.AttachmentName, ".ics") {
			ctype = "text/calendar; charset=utf-8; method=" + icsMethod(m.Attachment)
		}
		aw, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {ctype},
			"Content-Transfer-Encoding": {"base64"},
			"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": m.AttachmentName})}})
		if err != nil {
			return nil, err
		}
		enc := base64.StdEncoding.EncodeToString(m.Attachment)
		for len(enc) > 76 {
			aw.Write([]byte(enc[:76] + "\r\n"))
			enc = enc[76:]
		}
		aw.Write([]byte(enc + "\r\n"))
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// icsMethod reads the METHOD line of a calendar (REQUEST or CANCEL).
func icsMethod(ics []byte) string {
	if bytes.Contains(ics, []byte("\r\nMETHOD:CANCEL\r\n")) {
		return "CANCEL"
	}
	return "REQUEST"
}
