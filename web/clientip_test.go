package web

import (
	"net/http"
	"net/netip"
	"testing"
)

func TestClientAddr(t *testing.T) {
	proxies, err := ParseTrustedProxies("10.0.0.0/8, 127.0.0.1, 2001:db8:ffff::/48")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		remote  string
		trusted []netip.Prefix
		headers []string // name, value pairs
		want    string
	}{
		{"direct", "203.0.113.7:5555", nil, nil, "203.0.113.7"},
		{"no trusted proxies: XFF ignored", "203.0.113.7:5555", nil, []string{"X-Forwarded-For", "198.51.100.1"}, "203.0.113.7"},
		{"no trusted proxies: Forwarded ignored", "203.0.113.7:5555", nil, []string{"Forwarded", "for=198.51.100.1"}, "203.0.113.7"},
		{"untrusted client sends XFF", "203.0.113.7:5555", proxies, []string{"X-Forwarded-For", "198.51.100.1"}, "203.0.113.7"},
		{"behind the proxy", "10.1.2.3:443", proxies, []string{"X-Forwarded-For", "198.51.100.1"}, "198.51.100.1"},
		{"spoofed left-most entry", "10.1.2.3:443", proxies, []string{"X-Forwarded-For", "1.1.1.1, 198.51.100.1"}, "198.51.100.1"},
		{"garbage left of the client", "10.1.2.3:443", proxies, []string{"X-Forwarded-For", "<script>, 198.51.100.1"}, "198.51.100.1"},
		{"two proxies", "127.0.0.1:80", proxies, []string{"X-Forwarded-For", "198.51.100.1, 10.9.9.9"}, "198.51.100.1"},
		{"several header lines", "127.0.0.1:80", proxies, []string{"X-Forwarded-For", "1.1.1.1", "X-Forwarded-For", "198.51.100.1, 10.9.9.9"}, "198.51.100.1"},
		{"all hops trusted", "127.0.0.1:80", proxies, []string{"X-Forwarded-For", "10.0.0.5"}, "10.0.0.5"},
		{"no header from the proxy", "10.1.2.3:443", proxies, nil, "10.1.2.3"},
		{"malformed XFF", "10.1.2.3:443", proxies, []string{"X-Forwarded-For", "198.51.100.1, not-an-ip"}, "10.1.2.3"},
		{"empty XFF entry", "10.1.2.3:443", proxies, []string{"X-Forwarded-For", "198.51.100.1,"}, "10.1.2.3"},
		{"XFF with port", "10.1.2.3:443", proxies, []string{"X-Forwarded-For", "198.51.100.1:4000"}, "198.51.100.1"},
		{"XFF IPv6", "10.1.2.3:443", proxies, []string{"X-Forwarded-For", "2001:db8:1::7"}, "2001:db8:1::7"},
		{"XFF bracketed IPv6 with port", "10.1.2.3:443", proxies, []string{"X-Forwarded-For", "[2001:db8:1::7]:443"}, "2001:db8:1::7"},
		{"XFF v4-mapped aliases a proxy", "10.1.2.3:443", proxies, []string{"X-Forwarded-For", "198.51.100.1, ::ffff:10.0.0.9"}, "198.51.100.1"},
		{"XFF zone", "10.1.2.3:443", proxies, []string{"X-Forwarded-For", "fe80::1%eth0"}, "10.1.2.3"},
		{"Forwarded", "10.1.2.3:443", proxies, []string{"Forwarded", "for=198.51.100.1;proto=https"}, "198.51.100.1"},
		{"Forwarded quoted IPv6 and port", "10.1.2.3:443", proxies, []string{"Forwarded", `for="[2001:db8:cafe::17]:4711"`}, "2001:db8:cafe::17"},
		{"Forwarded case and spaces", "10.1.2.3:443", proxies, []string{"Forwarded", `proto=http; For = "198.51.100.1"`}, "198.51.100.1"},
		{"Forwarded spoofed left element", "10.1.2.3:443", proxies, []string{"Forwarded", `for=1.1.1.1, for=198.51.100.1;by=10.1.2.3`}, "198.51.100.1"},
		{"Forwarded quoted comma", "10.1.2.3:443", proxies, []string{"Forwarded", `for="1.1.1.1,2.2.2.2", for=198.51.100.1`}, "198.51.100.1"},
		{"Forwarded several lines", "10.1.2.3:443", proxies, []string{"Forwarded", "for=1.1.1.1", "Forwarded", "for=198.51.100.1, for=10.0.0.2"}, "198.51.100.1"},
		{"Forwarded unknown", "10.1.2.3:443", proxies, []string{"Forwarded", "for=unknown"}, "10.1.2.3"},
		{"Forwarded obfuscated", "10.1.2.3:443", proxies, []string{"Forwarded", "for=_hidden"}, "10.1.2.3"},
		{"Forwarded without for", "10.1.2.3:443", proxies, []string{"Forwarded", "proto=https"}, "10.1.2.3"},
		{"Forwarded unterminated quote", "10.1.2.3:443", proxies, []string{"Forwarded", `for="198.51.100.1`}, "10.1.2.3"},
		{"Forwarded pair without =", "10.1.2.3:443", proxies, []string{"Forwarded", "for=198.51.100.1;garbage"}, "10.1.2.3"},
		{"XFF wins over Forwarded", "10.1.2.3:443", proxies, []string{"Forwarded", "for=1.1.1.1", "X-Forwarded-For", "198.51.100.1"}, "198.51.100.1"},
		{"v4-mapped connection", "[::ffff:203.0.113.7]:5555", proxies, nil, "203.0.113.7"},
		{"IPv6 proxy range", "[2001:db8:ffff::1]:443", proxies, []string{"X-Forwarded-For", "198.51.100.1"}, "198.51.100.1"},
		{"bad remote", "pipe", proxies, nil, "invalid IP"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			for i := 0; i+1 < len(tc.headers); i += 2 {
				h.Add(tc.headers[i], tc.headers[i+1])
			}
			if got := clientAddr(tc.remote, h, tc.trusted).String(); got != tc.want {
				t.Errorf("clientAddr = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestParseTrustedProxies(t *testing.T) {
	for in, want := range map[string]string{
		"":                        "[]",
		"10.0.0.0/8":              "[10.0.0.0/8]",
		" 10.1.2.3/8 , ::1 ":      "[10.0.0.0/8 ::1/128]",
		"127.0.0.1":               "[127.0.0.1/32]",
		"::ffff:10.0.0.0/104":     "[10.0.0.0/8]",
		"2001:db8::/32,192.0.2.1": "[2001:db8::/32 192.0.2.1/32]",
	} {
		got, err := ParseTrustedProxies(in)
		if err != nil || fmtPrefixes(got) != want {
			t.Errorf("ParseTrustedProxies(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.local", "10.0.0.0/8;", "1.2.3"} {
		if _, err := ParseTrustedProxies(bad); err == nil {
			t.Errorf("ParseTrustedProxies(%q) accepted", bad)
		}
	}
}

func fmtPrefixes(ps []netip.Prefix) string {
	s := "["
	for i, p := range ps {
		if i > 0 {
			s += " "
		}
		s += p.String()
	}
	return s + "]"
}

func TestAddrKeyGroupsIPv6By64(t *testing.T) {
	k := func(s string) string { return addrKey(netip.MustParseAddr(s)) }
	if k("2001:db8:1:2::1") != k("2001:db8:1:2:ffff::9") {
		t.Error("two addresses of one /64 are counted apart")
	}
	if k("2001:db8:1:2::1") == k("2001:db8:1:3::1") {
		t.Error("two /64s are counted together")
	}
	if k("198.51.100.1") == k("198.51.100.2") {
		t.Error("two IPv4 addresses are counted together")
	}
}
