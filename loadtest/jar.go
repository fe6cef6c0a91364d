package loadtest

import (
	"bufio"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"time"
)

// cookieJar is one simulated browser's cookies for the one loopback host
// the tool talks to, kept as RFC 6265 says and as net/http/cookiejar
// keeps them (jar_test.go holds the two equal on random Set-Cookie
// sequences): a cookie is named by its name and path; Path, or the
// request's default path, limits where it is sent; Max-Age (first) or
// Expires deletes it or makes it expire; Domain must name the host (it is
// then host-only, as cookiejar treats a cookie for an IP address);
// HttpOnly, SameSite and Partitioned change nothing for a client that
// sends every request itself, and Secure nothing on loopback, which
// cookiejar (as browsers) counts as a secure origin. It is not safe for
// concurrent use: each client has its own, as it has its own connection.
type cookieJar struct {
	host    string       // canonical: lower case, no port, no brackets
	cookies []*jarCookie // longest path first, then oldest first: the order they are sent in
	seq     uint64
}

type jarCookie struct {
	name, value, path string
	quoted            bool      // the value came in double quotes: sent in them
	expires           time.Time // for a persistent cookie only
	persistent        bool
	seq               uint64 // creation order
}

func newCookieJar(host string) *cookieJar {
	return &cookieJar{host: canonicalHost(host)}
}

// canonicalHost is host without its port and brackets, in lower case.
func canonicalHost(host string) string {
	if strings.HasPrefix(host, "[") {
		if i := strings.IndexByte(host, ']'); i > 0 {
			return strings.ToLower(host[1:i])
		}
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 && strings.Count(host, ":") == 1 {
		host = host[:i]
	}
	return strings.ToLower(host)
}

// setCookies stores the Set-Cookie lines of an answer to a request for
// path (its path part, unescaped), in order; a line it cannot parse is
// ignored, as net/http ignores it.
func (j *cookieJar) setCookies(path string, lines []string, now time.Time) {
	for _, line := range lines {
		j.set(defaultPath(path), line, now)
	}
}

func (j *cookieJar) set(defPath, line string, now time.Time) {
	c, maxAge, expires, ok := j.parse(line, defPath)
	if !ok {
		return
	}
	switch {
	case maxAge < 0:
		j.remove(c)
		return
	case maxAge > 0:
		c.expires, c.persistent = now.Add(time.Duration(maxAge)*time.Second), true
	case !expires.IsZero() && !expires.After(now):
		j.remove(c)
		return
	case !expires.IsZero():
		c.expires, c.persistent = expires, true
	}
	if i := j.find(c); i >= 0 {
		c.seq = j.cookies[i].seq // a replaced cookie keeps its creation time
		j.cookies[i] = c
		return
	}
	c.seq = j.seq
	j.seq++
	at, _ := slices.BinarySearchFunc(j.cookies, c, sendOrder)
	j.cookies = slices.Insert(j.cookies, at, c)
}

// sendOrder is RFC 6265 §5.4's: longer paths first, then earlier
// creation.
func sendOrder(a, b *jarCookie) int {
	if len(a.path) != len(b.path) {
		return len(b.path) - len(a.path)
	}
	switch {
	case a.seq < b.seq:
		return -1
	case a.seq > b.seq:
		return 1
	}
	return 0
}

func (j *cookieJar) find(c *jarCookie) int {
	return slices.IndexFunc(j.cookies, func(o *jarCookie) bool { return o.name == c.name && o.path == c.path })
}

func (j *cookieJar) remove(c *jarCookie) {
	if i := j.find(c); i >= 0 {
		j.cookies = slices.Delete(j.cookies, i, i+1)
	}
}

// parse reads one Set-Cookie line as net/http.ParseSetCookie does: the
// cookie, its Max-Age (0: none, -1: delete) and Expires (zero: none or
// unreadable). A Domain other than the host refuses the cookie.
func (j *cookieJar) parse(line, defPath string) (c *jarCookie, maxAge int, expires time.Time, ok bool) {
	parts := strings.Split(textproto.TrimString(line), ";")
	name, value, ok := strings.Cut(textproto.TrimString(parts[0]), "=")
	name = textproto.TrimString(name)
	if !ok || !isToken(name) {
		return nil, 0, expires, false
	}
	c = &jarCookie{name: name, path: defPath}
	if c.value, c.quoted, ok = cookieValue(value, true); !ok {
		return nil, 0, expires, false
	}
	path, domain := "", ""
	for _, p := range parts[1:] {
		attr, val, _ := strings.Cut(textproto.TrimString(p), "=")
		if val, _, ok = cookieValue(val, false); !ok {
			continue
		}
		switch asciiLower(attr) {
		case "domain":
			domain = val // the last one counts
		case "max-age":
			secs, err := strconv.Atoi(val)
			if err != nil || secs != 0 && val[0] == '0' {
				continue
			}
			if secs <= 0 {
				secs = -1
			}
			maxAge = secs
		case "expires":
			expires = parseExpires(val)
		case "path":
			path = val
		}
	}
	if path != "" && path[0] == '/' {
		c.path = path
	}
	return c, maxAge, expires, j.domainOK(domain)
}

// domainOK: a Domain attribute is taken when it names the jar's host
// (for a name, with one leading dot or not, in any case; an IP address
// exactly), and the cookie is then host-only. Any other refuses the
// cookie, as cookiejar refuses it for this host.
func (j *cookieJar) domainOK(d string) bool {
	if d == "" || d == j.host {
		return true
	}
	if isIPHost(j.host) {
		return false
	}
	d = asciiLower(strings.TrimPrefix(d, "."))
	return d != "" && d == j.host
}

// asciiLower is s in lower case, or "" if s is not ASCII: such an
// attribute is ignored.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return ""
		}
	}
	return strings.ToLower(s)
}

func isIPHost(h string) bool {
	return strings.Contains(h, ":") || strings.Trim(h, "0123456789.") == ""
}

func parseExpires(val string) time.Time {
	t, err := time.Parse(time.RFC1123, val)
	if err != nil {
		if t, err = time.Parse("Mon, 02-Jan-2006 15:04:05 MST", val); err != nil {
			return time.Time{} // unreadable: as if there were none, as net/http reads it
		}
	}
	return t.UTC()
}

// cookieValue is net/http's parseCookieValue: the value without its
// double quotes (when allowed), and whether it holds only cookie-octets.
func cookieValue(raw string, allowQuote bool) (v string, quoted, ok bool) {
	if allowQuote && len(raw) > 1 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		raw, quoted = raw[1:len(raw)-1], true
	}
	for i := 0; i < len(raw); i++ {
		if b := raw[i]; b < 0x20 || b >= 0x7f || b == '"' || b == ';' || b == '\\' {
			return "", quoted, false
		}
	}
	return raw, quoted, true
}

// isToken: s is a non-empty RFC 7230 token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b <= ' ' || b >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, b) >= 0 {
			return false
		}
	}
	return true
}

// defaultPath is RFC 6265 §5.1.4's default-path of a request's path.
func defaultPath(path string) string {
	i := strings.LastIndexByte(path, '/')
	if len(path) == 0 || path[0] != '/' || i == 0 {
		return "/"
	}
	return path[:i]
}

// pathMatch is RFC 6265 §5.1.4's path-match.
func pathMatch(cookiePath, path string) bool {
	if path == cookiePath {
		return true
	}
	return strings.HasPrefix(path, cookiePath) && (cookiePath[len(cookiePath)-1] == '/' || path[len(cookiePath)] == '/')
}

// writeHeader writes the Cookie header line for a request for path, if
// any cookie goes with it, dropping the cookies that have expired.
func (j *cookieJar) writeHeader(w *bufio.Writer, path string, now func() time.Time) {
	if path == "" {
		path = "/"
	}
	var t time.Time
	first := true
	for i := 0; i < len(j.cookies); i++ {
		c := j.cookies[i]
		if c.persistent {
			if t.IsZero() {
				t = now()
			}
			if !c.expires.After(t) {
				j.cookies = slices.Delete(j.cookies, i, i+1)
				i--
				continue
			}
		}
		if !pathMatch(c.path, path) {
			continue
		}
		if first {
			w.WriteString("Cookie: ")
			first = false
		} else {
			w.WriteString("; ")
		}
		w.WriteString(c.name)
		w.WriteByte('=')
		if c.quoted || strings.ContainsAny(c.value, " ,") {
			w.WriteByte('"')
			w.WriteString(c.value)
			w.WriteByte('"')
		} else {
			w.WriteString(c.value)
		}
	}
	if !first {
		w.WriteString("\r\n")
	}
}
