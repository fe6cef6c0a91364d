package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A setting that does not parse stops the start and names itself and its
// value; it never quietly falls back to a default (DXREADY_SECURE_COOKIES=yes
// used to mean false, DXREADY_DEMO_SEED=abc meant 0).
func TestSettingsThatDoNotParseStopTheStart(t *testing.T) {
	cases := []struct {
		name string
		env  []string
		args []string
		want []string // all in the error
	}{
		{"secure cookies yes", []string{"DXREADY_SECURE_COOKIES", "yes"}, nil, []string{"DXREADY_SECURE_COOKIES", `"yes"`}},
		{"demo maybe", []string{"DXREADY_DEMO", "maybe"}, nil, []string{"DXREADY_DEMO", `"maybe"`}},
		{"demo seed letters", []string{"DXREADY_DEMO_SEED", "abc"}, nil, []string{"DXREADY_DEMO_SEED", `"abc"`}},
		{"demo seed negative", []string{"DXREADY_DEMO_SEED", "-1"}, nil, []string{"DXREADY_DEMO_SEED", `"-1"`}},
		{"demo firms with unit", []string{"DXREADY_DEMO_FIRMS", "12k"}, nil, []string{"DXREADY_DEMO_FIRMS", `"12k"`}},
		{"demo firms too few", []string{"DXREADY_DEMO_FIRMS", "5"}, nil, []string{"DXREADY_DEMO_FIRMS", "5"}},
		{"lang", []string{"DXREADY_LANG", "fr"}, nil, []string{"DXREADY_LANG", `"fr"`}},
		{"base url", []string{"DXREADY_BASE_URL", "portal.example.vn"}, nil, []string{"DXREADY_BASE_URL", "portal.example.vn"}},
		{"smtp url", []string{"DXREADY_SMTP_URL", "http://u:secret@mail.example.vn"}, nil, []string{"DXREADY_SMTP_URL", "--smtp-url", `"http://"`}},
		{"flag secure cookies yes", nil, []string{"--secure-cookies=yes"}, []string{"secure-cookies", `"yes"`}},
		{"flag demo seed", nil, []string{"--demo-seed", "abc"}, []string{"demo-seed", `"abc"`}},
		{"flag demo firms", nil, []string{"--demo-firms", "many"}, []string{"demo-firms", `"many"`}},
		{"flag demo", nil, []string{"--demo=perhaps"}, []string{"demo", `"perhaps"`}},
		{"trusted proxies", []string{"DXREADY_TRUSTED_PROXIES", "10.0.0.0/33"}, nil, []string{"DXREADY_TRUSTED_PROXIES", "10.0.0.0/33"}},
		{"flag trusted proxies", nil, []string{"--trusted-proxies", "proxy.local"}, []string{"--trusted-proxies", "proxy.local"}},
		{"metrics addr without port", nil, []string{"--metrics-addr", "127.0.0.1"}, []string{"--metrics-addr", `"127.0.0.1"`}},
		{"center email", []string{"DXREADY_CENTER_EMAIL", "trung tâm"}, nil, []string{"DXREADY_CENTER_EMAIL", `"trung tâm"`}},
		{"api rate zero", []string{"DXREADY_API_RATE", "0"}, nil, []string{"DXREADY_API_RATE", "0"}},
		{"api burst words", nil, []string{"--api-burst", "lots"}, []string{"api-burst", `"lots"`}},
		{"memory limit too small", []string{"DXREADY_MEMORY_LIMIT", "10"}, nil, []string{"DXREADY_MEMORY_LIMIT", "10"}},
		{"flag memory limit with unit", nil, []string{"--memory-limit", "200MB"}, []string{"memory-limit", `"200MB"`}},
		{"center phone empty", nil, []string{"--center-phone", ""}, []string{"--center-phone"}},
		{"two at once", []string{"DXREADY_DEMO", "on", "DXREADY_DEMO_SEED", "x1"}, nil, []string{"DXREADY_DEMO=", "DXREADY_DEMO_SEED="}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "never.db")
			getenv := env(append([]string{"DXREADY_DB", db}, tc.env...)...)
			args := append([]string{"serve", "--addr", "127.0.0.1:0"}, tc.args...)
			err := run(context.Background(), args, getenv, strings.NewReader(""), io.Discard, io.Discard)
			if err == nil {
				t.Fatal("the portal started")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %s", err, w)
				}
			}
			if _, err := os.Stat(db); !os.IsNotExist(err) {
				t.Errorf("the database was opened before the settings were checked: %v", err)
			}
		})
	}
}

// Values that parse are taken, in every spelling strconv accepts, and a
// flag given on the command line wins over a variable that does not parse
// (the variable is then not used at all).
func TestSettingsThatParse(t *testing.T) {
	cases := []struct {
		env  []string
		args []string
		want Config
	}{
		{[]string{"DXREADY_SECURE_COOKIES", "TRUE", "DXREADY_DEMO", "0", "DXREADY_DEMO_SEED", " 7 ", "DXREADY_DEMO_FIRMS", "500"}, nil,
			Config{SecureCookies: true, Demo: false, DemoSeed: 7, DemoFirms: 500}},
		{[]string{"DXREADY_SECURE_COOKIES", "yes", "DXREADY_DEMO_SEED", "abc"}, []string{"--secure-cookies=true", "--demo-seed", "9"},
			Config{SecureCookies: true, Demo: true, DemoSeed: 9, DemoFirms: 68000}},
		{nil, []string{"--demo=false", "--demo-firms", "100"}, Config{Demo: false, DemoSeed: 2025, DemoFirms: 100}},
	}
	for _, tc := range cases {
		c, _, err := parseConfig("serve", tc.args, env(tc.env...), io.Discard, nil)
		if err != nil {
			t.Errorf("%v %v: %v", tc.env, tc.args, err)
			continue
		}
		if c.SecureCookies != tc.want.SecureCookies || c.Demo != tc.want.Demo || c.DemoSeed != tc.want.DemoSeed || c.DemoFirms != tc.want.DemoFirms {
			t.Errorf("%v %v: got %+v", tc.env, tc.args, c)
		}
	}
}

// serve sets the soft memory limit it is given, in MiB, unless GOMEMLIMIT
// is set (the runtime's own setting wins) or the limit is 0.
func TestMemoryLimit(t *testing.T) {
	for _, c := range []struct {
		mib    int
		envVar string
		want   int64
	}{{DefaultMemoryLimit, "", DefaultMemoryLimit << 20}, {0, "", 0}, {256, "", 256 << 20}, {256, "300MiB", 0}} {
		got := memoryLimit(Config{MemoryLimit: c.mib}, env("GOMEMLIMIT", c.envVar))
		if got != c.want {
			t.Errorf("--memory-limit %d, GOMEMLIMIT %q: limit %d, want %d", c.mib, c.envVar, got, c.want)
		}
	}
}

// serve sets GOGC to 300 unless GOGC is set (the runtime's own setting
// wins), and to 200 when no memory limit bounds the heap.
func TestGCPercent(t *testing.T) {
	for _, c := range []struct {
		envVar  string
		limited bool
		want    int
	}{{"", true, serveGCPercent}, {"", false, unlimitedGCPercent}, {"100", true, 0}, {"100", false, 0}, {"off", true, 0}} {
		if got := gcPercent(env("GOGC", c.envVar), c.limited); got != c.want {
			t.Errorf("GOGC %q, limited %v: %d, want %d", c.envVar, c.limited, got, c.want)
		}
	}
	if unlimitedGCPercent != 200 {
		t.Errorf("unlimitedGCPercent %d, want the measured 200", unlimitedGCPercent)
	}
	if serveGCPercent != 300 {
		t.Errorf("serveGCPercent %d, want the measured 300", serveGCPercent)
	}
}
