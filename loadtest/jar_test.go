package loadtest

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"
)

// A random Set-Cookie line: names, values and attributes the portal
// sends, and the odd and broken ones a server could (quoted values,
// spaces and commas, Max-Age 0, negative, with leading zeros or not a
// number, Expires past, future or unreadable in both formats, Domain the
// host or another, a Path not starting with a slash, attributes in any
// case with spaces around, non-ASCII).
func randomSetCookie(rng *rand.Rand, host string) string {
	pick := func(s ...string) string { return s[rng.IntN(len(s))] }
	future, past := time.Now().Add(48*time.Hour).UTC(), time.Now().Add(-48*time.Hour).UTC()
	line := pick("a", "b", "sess", "flash", "lang", "x y", "", " a", "né", "c") + pick("=", "=", "=", "") +
		pick("1", "v2", "", `""`, `"q"`, "a b", "a,b", "bad;x", `"open`, "ünï", "tok-AbC_9", `"a b"`)
	for range rng.IntN(5) {
		line += pick("; ", ";", " ; ", "; ") + pick(
			"Path="+pick("/", "/a", "/a/", "/a/b", "a", "", "/ab", "/a/b/"),
			" path = /a", "PATH=/a/b",
			"Max-Age="+pick("0", "-1", "60", "abc", "05", "+5", "3600", "-0", ""),
			"max-age=0",
			"Expires="+pick(future.Format(time.RFC1123), past.Format(time.RFC1123), future.Format("Mon, 02-Jan-2006 15:04:05 MST"),
				past.Format("Mon, 02-Jan-2006 15:04:05 MST"), "tomorrow", ""),
			"Domain="+pick(host, "."+host, "other.example", strings.ToUpper(host), "", "."),
			"Secure", "HttpOnly", "SameSite="+pick("Lax", "Strict", "None", "odd"), "Partitioned", "Påth=/a", "Path=/ä")
	}
	return line
}

// The jar keeps and sends cookies as net/http/cookiejar does: after each
// of thousands of random sequences of Set-Cookie lines, answered to
// requests of random paths, the Cookie header it writes for each path is
// the one net/http writes from cookiejar's cookies, byte for byte, on
// 127.0.0.1, localhost and ::1.
func TestJarAgreesWithCookiejar(t *testing.T) {
	paths := []string{"/", "/a", "/a/", "/a/b", "/a/b/c", "/ab", "/b", "/a/bc", ""}
	for _, hostport := range []string{"127.0.0.1:8080", "localhost:18090", "[::1]:80"} {
		host := canonicalHost(hostport)
		checked, nonEmpty := 0, 0
		for seed := range uint64(2000) {
			rng := rand.New(rand.NewPCG(seed, 1))
			mine := newCookieJar(hostport)
			ref, _ := cookiejar.New(nil)
			for step := range 12 {
				p := paths[rng.IntN(len(paths))]
				u := &url.URL{Scheme: "http", Host: hostport, Path: p}
				if rng.IntN(3) > 0 {
					var lines []string
					for range 1 + rng.IntN(3) {
						lines = append(lines, randomSetCookie(rng, host))
					}
					ref.SetCookies(u, (&http.Response{Header: http.Header{"Set-Cookie": lines}}).Cookies())
					mine.setCookies(p, lines, time.Now())
					continue
				}
				req := &http.Request{Header: http.Header{}}
				for _, c := range ref.Cookies(u) {
					req.AddCookie(c)
				}
				want := req.Header.Get("Cookie")
				var b bytes.Buffer
				w := bufio.NewWriter(&b)
				mine.writeHeader(w, p, time.Now)
				w.Flush()
				got := strings.TrimSuffix(strings.TrimPrefix(b.String(), "Cookie: "), "\r\n")
				if got != want {
					t.Fatalf("%s, seed %d, step %d, path %q: sent %q, cookiejar's %q", hostport, seed, step, p, got, want)
				}
				checked++
				if want != "" {
					nonEmpty++
				}
			}
		}
		if nonEmpty < checked/3 {
			t.Fatalf("%s: only %d of %d checks had cookies to send: the test cannot tell", hostport, nonEmpty, checked)
		}
	}
}

// A cookie that expires is no longer sent, whatever set it (Max-Age or
// Expires), and a replaced cookie keeps its place: the order is the
// first creation's.
func TestJarExpiresAndKeepsOrder(t *testing.T) {
	j := newCookieJar("127.0.0.1:1")
	now := time.Now()
	j.setCookies("/", []string{"a=1; Max-Age=10", "b=2", "c=3; Expires=" + now.Add(20*time.Second).UTC().Format(http.TimeFormat), "d=4; Path=/x", "e=5"}, now)
	j.setCookies("/", []string{"b=6; Max-Age=100"}, now)
	header := func(at time.Time, path string) string {
		var b bytes.Buffer
		w := bufio.NewWriter(&b)
		j.writeHeader(w, path, func() time.Time { return at })
		w.Flush()
		return b.String()
	}
	for _, tc := range []struct {
		at         time.Time
		path, want string
	}{
		{now, "/x/y", "Cookie: d=4; a=1; b=6; c=3; e=5\r\n"},
		{now.Add(30 * time.Second), "/", "Cookie: b=6; e=5\r\n"},
		{now.Add(200 * time.Second), "/", "Cookie: e=5\r\n"},
		{now, "/", "Cookie: e=5\r\n"}, // what expired is gone
	} {
		if got := header(tc.at, tc.path); got != tc.want {
			t.Errorf("at +%v %s: %q, want %q", tc.at.Sub(now), tc.path, got, tc.want)
		}
	}
}
