package web

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"strings"
)

// The client's address decides which sign-in and registration counters a
// request lands in, so it must not be something the client can choose.
//
// chi v5.5.0's middleware.ClientIPFromXFF walks X-Forwarded-For right to
// left past the trusted ranges, which is the right rule, but it does not
// read the standard Forwarded header (RFC 7239), and on a malformed header
// or an all-trusted chain it sets no address at all, leaving each caller
// to pick a fallback (the old clientIP fell back to RemoteAddr with its
// port: one counter per connection). clientAddr is the same walk over both
// headers as one pure function that always answers: the connection's
// address whenever the headers cannot be trusted or understood.

type clientAddrKey struct{}

// ParseTrustedProxies parses --trusted-proxies: CIDR ranges (or single
// addresses) separated by commas. An empty string trusts no proxy.
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, errors.New("not an address or CIDR range: " + f)
			}
			a = a.Unmap()
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, errors.New("not a CIDR range: " + f)
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0))
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// clientAddress stores the request's client address (see clientAddr) for
// clientKey.
func (s *Server) clientAddress(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := clientAddr(r.RemoteAddr, r.Header, s.cfg.TrustedProxies)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientAddrKey{}, a)))
	})
}

// clientKey is what per-client counters count: an IPv4 address, or the
// /64 an IPv6 address is in (one household or office gets a whole /64, so
// counting single IPv6 addresses would give an attacker 2^64 of them).
func clientKey(r *http.Request) string {
	a, _ := r.Context().Value(clientAddrKey{}).(netip.Addr)
	return addrKey(a)
}

func addrKey(a netip.Addr) string {
	if !a.IsValid() {
		return "?"
	}
	if a.Is6() {
		return netip.PrefixFrom(a, 64).Masked().String()
	}
	return a.String()
}

// clientAddr returns the client's address for a request that came from
// remote (http.Request.RemoteAddr) with header h. With no trusted proxies,
// or when remote is not one of them, it is remote's address and the
// forwarding headers are ignored: anyone can send them. Behind trusted
// proxies it is the right-most address in X-Forwarded-For (or, when the
// request has no X-Forwarded-For, in Forwarded) that is not itself a
// trusted proxy: entries to its left were written by the client and may
// be anything. A header that cannot be read up to that entry (garbage,
// "unknown", an obfuscated name) gives remote's address again.
func clientAddr(remote string, h http.Header, trusted []netip.Prefix) netip.Addr {
	peer, err := netip.ParseAddrPort(remote)
	if err != nil {
		return netip.Addr{}
	}
	conn := peer.Addr().Unmap().WithZone("")
	if !inPrefixes(conn, trusted) {
		return conn
	}
	var hops []string
	if xff := h.Values("X-Forwarded-For"); len(xff) > 0 {
		hops = splitList(strings.Join(xff, ","))
	} else if fwd := h.Values("Forwarded"); len(fwd) > 0 {
		var ok bool
		if hops, ok = forwardedFor(strings.Join(fwd, ",")); !ok {
			return conn
		}
	}
	found := conn
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(hops[i])
		if !ok {
			return conn
		}
		found = a
		if !inPrefixes(a, trusted) {
			return a
		}
	}
	return found // every hop is a trusted proxy: the left-most is the client
}

func inPrefixes(a netip.Addr, ps []netip.Prefix) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// splitList splits a comma-separated header value, trimming blanks.
func splitList(v string) []string {
	parts := strings.Split(v, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// parseHop reads one hop: an address, optionally with a port ("1.2.3.4:80",
// "[2001:db8::1]:80") or in brackets ("[2001:db8::1]").
func parseHop(v string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(v); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	v = strings.TrimSuffix(strings.TrimPrefix(v, "["), "]")
	a, err := netip.ParseAddr(v)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// forwardedFor returns the for= value of each element of a Forwarded
// header (RFC 7239), in order; "" for an element without one. Quoted
// strings may hold commas, semicolons and backslash escapes. ok is false
// when the header does not parse (an unterminated quote, a pair without =).
func forwardedFor(v string) (hops []string, ok bool) {
	var elem []string // the current element's pairs
	var cur strings.Builder
	quoted, escaped := false, false
	flushPair := func() { elem = append(elem, strings.TrimSpace(cur.String())); cur.Reset() }
	flushElem := func() bool {
		flushPair()
		forVal, good := "", true
		for _, pair := range elem {
			if pair == "" {
				continue
			}
			k, val, found := strings.Cut(pair, "=")
			if !found {
				good = false
			}
			if strings.EqualFold(strings.TrimSpace(k), "for") {
				forVal = unquote(strings.TrimSpace(val))
			}
		}
		hops, elem = append(hops, forVal), nil
		return good
	}
	for _, c := range v {
		switch {
		case escaped:
			cur.WriteRune(c)
			escaped = false
		case quoted && c == '\\':
			cur.WriteRune(c)
			escaped = true
		case c == '"':
			cur.WriteRune(c)
			quoted = !quoted
		case !quoted && c == ';':
			flushPair()
		case !quoted && c == ',':
			if !flushElem() {
				return nil, false
			}
		default:
			cur.WriteRune(c)
		}
	}
	if quoted || escaped {
		return nil, false
	}
	return hops, flushElem()
}

// unquote removes a quoted-string's quotes and escapes.
func unquote(v string) string {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return v
	}
	var b strings.Builder
	escaped := false
	for _, c := range v[1 : len(v)-1] {
		if c == '\\' && !escaped {
			escaped = true
			continue
		}
		escaped = false
		b.WriteRune(c)
	}
	return b.String()
}
