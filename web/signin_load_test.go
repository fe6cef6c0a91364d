package web

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"dxready/auth"
	"dxready/locale"
	"dxready/store/storetest"
	"dxready/survey"
)

// TestLoadSigninDuringRegistrationBurst measures, with the real argon2
// cost, how long sign-ins take while registrations pour in: four clients
// register as fast as they can (from one address, or each from its own
// when spread) while one user signs in 20 times. It is a measurement, not
// a check (its numbers depend on the machine), so it runs only when asked:
//
//	DXREADY_SIGNIN_LOAD=1 go test ./web -run TestLoadSigninDuringRegistrationBurst -v
func TestLoadSigninDuringRegistrationBurst(t *testing.T) {
	if os.Getenv("DXREADY_SIGNIN_LOAD") == "" {
		t.Skip("a measurement: set DXREADY_SIGNIN_LOAD=1")
	}
	for _, spread := range []bool{false, true} {
		t.Run(fmt.Sprintf("spread=%v", spread), func(t *testing.T) { measureSigninBurst(t, spread) })
	}
}

func measureSigninBurst(t *testing.T, spread bool) {
	st, fx := storetest.Open(t)
	b, _ := locale.Load()
	ins, _ := survey.LoadEmbedded()
	hasher := auth.NewHasher(auth.DefaultArgon2, auth.DefaultConcurrency) // as serve builds it
	cfg := Config{Store: st, Bundle: b, Ref: fx.Ref, Hasher: hasher, Instruments: ins, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: fx.Clock.Now}
	loadConfig(&cfg)
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	hash, _ := hasher.Hash(ctx, "mật khẩu thật dài")
	if err := st.CreateUser(ctx, &auth.User{Email: "owner@example.vn", Name: "Owner", Role: auth.RoleAdmin, Status: auth.StatusActive, Lang: "vi", PasswordHash: hash,
		EmailVerified: true}); err != nil {
		t.Fatal(err)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path string, form url.Values, xff string) int {
		req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		res, err := noRedirect.Do(req)
		if err != nil {
			t.Error(err)
			return 0
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var made, refused atomic.Int64
	var next atomic.Int64
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				i := next.Add(1)
				xff := ""
				if spread {
					xff = fmt.Sprintf("198.51.%d.%d", i/250, i%250+1)
				}
				form := url.Values{"tax_code": {string(storetest.TaxCodeFrom(int(380000000 + 20*i)))}, "firm_name": {fmt.Sprintf("Công ty %d", i)},
					"name": {"Bot"}, "email": {fmt.Sprintf("bot%d@example.vn", i)}, "password": {"mật khẩu đủ dài"}, "password_confirm": {"mật khẩu đủ dài"}}
				switch post("/register", form, xff) {
				case http.StatusSeeOther:
					made.Add(1)
				case http.StatusTooManyRequests:
					refused.Add(1)
				}
			}
		})
	}
	time.Sleep(300 * time.Millisecond) // let the burst start
	var lat []time.Duration
	for range 20 {
		start := time.Now()
		if code := post("/login", url.Values{"email": {"owner@example.vn"}, "password": {"mật khẩu thật dài"}}, "192.0.2.10"); code != http.StatusSeeOther {
			t.Errorf("sign-in = %d", code)
		}
		lat = append(lat, time.Since(start))
	}
	close(stop)
	wg.Wait()
	slices.Sort(lat)
	t.Logf("spread=%v: sign-in median %v, p90 %v, max %v; registrations made %d, refused %d",
		spread, lat[len(lat)/2].Round(time.Millisecond), lat[len(lat)*9/10].Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond), made.Load(), refused.Load())
}
