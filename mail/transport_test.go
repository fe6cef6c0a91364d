package mail_test

import (
	"bufio"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	dxmail "dxready/mail"
	"dxready/store"
)

// fakeSMTP is a loopback mail server that speaks just enough SMTP and
// keeps what it was given; recipients containing "reject" get a 550.
type fakeSMTP struct {
	ln   net.Listener
	mu   sync.Mutex
	data []string
	auth []string
}

func newFakeSMTP(t *testing.T) *fakeSMTP {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSMTP{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go f.serve(c)
		}
	}()
	return f
}

func (f *fakeSMTP) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(s string) { io.WriteString(c, s+"\r\n") }
	say("220 fake ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"):
			say("250-fake")
			say("250 AUTH PLAIN")
		case strings.HasPrefix(cmd, "AUTH"):
			f.mu.Lock()
			f.auth = append(f.auth, strings.TrimSpace(line))
			f.mu.Unlock()
			say("235 ok")
		case strings.HasPrefix(cmd, "MAIL"):
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT"):
			if strings.Contains(cmd, "REJECT") {
				say("550 no such user")
			} else {
				say("250 ok")
			}
		case cmd == "DATA":
			say("354 go on")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			f.mu.Lock()
			f.data = append(f.data, b.String())
			f.mu.Unlock()
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("502 unknown")
		}
	}
}

func TestParseURL(t *testing.T) {
	s, err := dxmail.ParseURL("smtp://center:s%40cret@mail.example.vn?from=dxready@example.vn")
	if err != nil || s.Addr != "mail.example.vn:587" || s.Username != "center" || s.Password != "s@cret" || s.From != "dxready@example.vn" || s.Implicit {
		t.Fatalf("%+v %v", s, err)
	}
	if s, err := dxmail.ParseURL("smtps://mail.example.vn?from=a@b.vn"); err != nil || s.Addr != "mail.example.vn:465" || !s.Implicit {
		t.Fatalf("smtps: %+v %v", s, err)
	}
	for _, bad := range []string{"http://x?from=a@b.vn", "smtp://?from=a@b.vn", "smtp://host", "smtp://u:topsecret@host?from=nope", "::"} {
		_, err := dxmail.ParseURL(bad)
		if err == nil {
			t.Errorf("%q accepted", bad)
		} else if strings.Contains(err.Error(), "topsecret") {
			t.Errorf("error shows the password: %v", err)
		}
	}
}

func testMessage() *store.Message {
	return &store.Message{ID: 7, Kind: "booking.confirmed", DedupeKey: "booking:1:confirmed:0:5", To: "firm@example.vn", Lang: "vi",
		Subject: "Lịch tư vấn đã được xác nhận: Thứ Ba, 24/11/2026 09:00", Body: "Xin chào,\nLịch của bạn đã được xác nhận.",
		AttachmentName: "tu-van.ics", Attachment: []byte("BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n")}
}

// The server receives a MIME message a mail reader decodes back to the
// Vietnamese subject, body and the calendar attachment.
func TestSMTPDelivers(t *testing.T) {
	f := newFakeSMTP(t)
	tr := &dxmail.SMTP{Addr: f.ln.Addr().String(), Host: "localhost", From: "dxready@example.vn", Username: "center", Password: "pw",
		Timeout: 5 * time.Second}
	m := testMessage()
	if err := tr.Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	if len(f.data) != 1 || len(f.auth) != 1 {
		t.Fatalf("server got %d messages, %d logins", len(f.data), len(f.auth))
	}
	msg, err := mail.ReadMessage(strings.NewReader(f.data[0]))
	if err != nil {
		t.Fatal(err)
	}
	subj, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if subj != m.Subject || msg.Header.Get("To") != m.To || !strings.HasSuffix(msg.Header.Get("Message-ID"), "@example.vn>") {
		t.Fatalf("headers: subject %q, %v", subj, msg.Header)
	}
	_, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	mr := multipart.NewReader(msg.Body, params["boundary"])
	text, err := mr.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(text) // multipart decodes quoted-printable
	if string(body) != strings.ReplaceAll(m.Body, "\n", "\r\n") {
		t.Fatalf("body %q", body)
	}
	att, err := mr.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	if att.FileName() != "tu-van.ics" || !strings.HasPrefix(att.Header.Get("Content-Type"), "text/calendar") ||
		!strings.Contains(att.Header.Get("Content-Type"), "method=REQUEST") {
		t.Fatalf("attachment header %v", att.Header)
	}
	// The same dedupe key gives the same Message-ID.
	again, _ := dxmail.Compose("dxready@example.vn", m, time.Now())
	again2, _ := mail.ReadMessage(strings.NewReader(string(again)))
	if again2.Header.Get("Message-ID") != msg.Header.Get("Message-ID") {
		t.Error("Message-ID differs for one dedupe key")
	}
}

func TestSMTPFailures(t *testing.T) {
	f := newFakeSMTP(t)
	tr := &dxmail.SMTP{Addr: f.ln.Addr().String(), Host: "localhost", From: "dxready@example.vn", Timeout: 5 * time.Second}
	m := testMessage()
	m.To = "reject@example.vn"
	if err := tr.Send(ctx, m); err == nil || !strings.Contains(err.Error(), "550") {
		t.Fatalf("rejected recipient: %v", err)
	}
	m.Subject = "x\r\nBcc: everyone@example.vn"
	if err := tr.Send(ctx, m); err == nil {
		t.Fatal("header injection accepted")
	}
	closed := &dxmail.SMTP{Addr: "127.0.0.1:1", Host: "localhost", From: "a@b.vn", Timeout: time.Second}
	if err := closed.Send(ctx, testMessage()); err == nil {
		t.Fatal("no server, no error")
	}
	if len(f.data) != 0 {
		t.Fatalf("server got %d messages", len(f.data))
	}
}

// A nudge carries the RFC 8058 one-click opt-out headers; other messages
// carry none, and a line break in the address is refused, not sent.
func TestComposeListUnsubscribe(t *testing.T) {
	m := &store.Message{To: "an@example.vn", Lang: "vi", Subject: "Nhắc", Body: "x", DedupeKey: "nudge:draft:1:2",
		ListUnsubscribe: "https://dxready.example.vn/nudges/stop/abc"}
	raw, err := dxmail.Compose("dxready@example.vn", m, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if msg.Header.Get("List-Unsubscribe") != "<https://dxready.example.vn/nudges/stop/abc>" ||
		msg.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Fatalf("headers: %v", msg.Header)
	}
	m.ListUnsubscribe = ""
	raw, _ = dxmail.Compose("dxready@example.vn", m, time.Now())
	if strings.Contains(string(raw), "List-Unsubscribe") {
		t.Fatal("a message without an opt-out address has the header")
	}
	m.ListUnsubscribe = "https://x/\r\nBcc: victim@example.vn"
	if _, err := dxmail.Compose("dxready@example.vn", m, time.Now()); err == nil {
		t.Fatal("a line break in the opt-out address was written into the headers")
	}
}
