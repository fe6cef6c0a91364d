package web

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// hostileQueries are query strings with every character an escaper
// treats apart, schemes the URL filter refuses, marks of the layout's own
// cuts, broken escapes and bytes.
var hostileQueries = []string{
	`x=%3Cscript%3Ealert(1)%3C/script%3E&y=%22%27%2B%26`,
	`next=javascript:alert(1)`,
	`q=dxslot05k&r=dxslot99c&s=dxprobe&t=987654321098765431`,
	`a=%zz%41%00%ff%C3%A9+b`,
	`lang=en%22%3E%3Cb%3E`,
}

// Every page the layout shows for hostile addresses equals the whole
// template's (newEnv's layoutCheck fails the test otherwise), in both
// languages, signed in and out, and no markup of the address reaches the
// page unescaped.
func TestAttack18HostileAddressesInTheLayout(t *testing.T) {
	e := newEnv(t)
	d := draftNow(t, e)
	in := e.client().login("firm@test.local")
	out := e.client()
	paths := []string{"/", "/login", "/assessment", fmt.Sprintf("/assessment/%d/step/1", d.ID), fmt.Sprintf("/assessment/%d/review", d.ID),
		"/nope/%3Cb%3E%22x", "/profile"}
	for _, c := range []*client{in, out} {
		for _, p := range paths {
			for _, q := range hostileQueries {
				for _, l := range []string{"vi", "en"} {
					r := c.get(p+"?"+q, "Accept-Language", l, "Cookie", "lang="+l)
					if r.status >= 500 {
						t.Fatalf("%s?%s: %d", p, q, r.status)
					}
					for _, bad := range []string{"<script>alert", `"><b>`, "javascript:alert", "\x00"} {
						if strings.Contains(r.body, bad) {
							t.Errorf("%s?%s (%s): the page holds %q unescaped", p, q, l, bad)
						}
					}
				}
			}
		}
	}
}

// A request in absolute form with a scheme the URL filter refuses, and
// one whose path is empty, answer without a 500 (net/http passes both to
// the handler; the layout's copy of the URL filter must agree with
// html/template's, which layoutCheck compares).
func TestAttack18AbsoluteFormRequestTargets(t *testing.T) {
	e := newEnv(t)
	u, _ := url.Parse(e.srv.URL)
	for _, target := range []string{"javascript:alert(1)", "http://evil.test/login?x=%22", "mailto:a@b", "*"} {
		conn, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", target, u.Host)
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			conn.Close()
			t.Fatalf("%s: %v", target, err)
		}
		body, _ := io.ReadAll(res.Body)
		conn.Close()
		if res.StatusCode >= 500 {
			t.Errorf("%s: %d", target, res.StatusCode)
		}
		if strings.Contains(string(body), "javascript:alert") {
			t.Errorf("%s: the page holds the address unfiltered", target)
		}
	}
}
