package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"dxready/firms"
	"dxready/survey"
)

// loadTest is one run against one portal.
type loadTest struct {
	base     string
	mail     *mailbox // the portal's outbox, for confirmation links
	in       *survey.Instrument
	duration time.Duration // wall-clock length of each phase
	maxReq   int64         // work items per phase at most
}

// loadClient is one simulated firm user: a cookie jar and its open draft.
type loadClient struct {
	http  *http.Client
	draft int64
}

var draftRe = regexp.MustCompile(`/assessment/(\d+)/`)

// register creates one firm and user per client, in a reserved tax-code
// range, and opens each one's draft.
func (lt *loadTest) register(ctx context.Context, n int) ([]*loadClient, error) {
	tr := &http.Transport{MaxIdleConns: n * 2, MaxIdleConnsPerHost: n * 2, IdleConnTimeout: time.Minute}
	body := 371900000 + rand.IntN(8000)*10
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	var cs []*loadClient
	for i := range n {
		var tc string
		for tc == "" {
			body++
			if d, ok := firms.CheckDigit(strconv.Itoa(body)); ok {
				tc = strconv.Itoa(body) + string(d)
			}
		}
		jar, _ := cookiejar.New(nil)
		c := &loadClient{http: &http.Client{Transport: asClient{tr, clientAddr(i)}, Jar: jar, Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		form := url.Values{"tax_code": {tc}, "firm_name": {"Công ty TNHH Thử tải " + tc}, "name": {"Load"},
			"email": {fmt.Sprintf("load-%s-%d@load.local", run, i)}, "password": {"load-test-password"}, "password_confirm": {"load-test-password"}}
		res, err := c.post(ctx, lt.base+"/register", form)
		if res == http.StatusTooManyRequests {
			return nil, fmt.Errorf("load: register firm %d: %w", i, errThrottled)
		}
		if err != nil || res != http.StatusSeeOther {
			return nil, fmt.Errorf("load: register firm %d: status %d, %v", i, res, err)
		}
		// Registration signs no one in (it answers a taken address the same
		// way), and an account signs in once its address is confirmed: each
		// client opens its link and confirms with its password, then signs
		// in again as the portal's users do.
		if err := c.confirm(ctx, lt, form.Get("email"), form.Get("password")); err != nil {
			return nil, err
		}
		login := url.Values{"email": form["email"], "password": form["password"]}
		if res, err := c.post(ctx, lt.base+"/login", login); err != nil || res != http.StatusSeeOther {
			return nil, fmt.Errorf("load: sign in firm %d: status %d, %v", i, res, err)
		}
		if err := c.openDraft(ctx, lt.base); err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, nil
}

// confirm opens the confirmation link mailed to email (mailbox.go) and
// enters the account's password on its page, as a new user does: the
// address is confirmed and the client signed in.
func (c *loadClient) confirm(ctx context.Context, lt *loadTest, email, password string) error {
	link, err := lt.mail.confirmLink(ctx, email)
	if err != nil {
		return err
	}
	if _, err := c.get(ctx, lt.base+link); err != nil {
		return fmt.Errorf("load: confirmation link of %s: %w", email, err)
	}
	res, err := c.post(ctx, lt.base+link, url.Values{"current": {password}})
	if err != nil || res != http.StatusSeeOther {
		return fmt.Errorf("load: confirming %s: status %d, %v", email, res, err)
	}
	return nil
}

// errThrottled: the portal refused a registration as one client's too
// many. It counts registrations per client address, and every load client
// is on loopback unless the portal trusts loopback as a proxy.
var errThrottled = errors.New("the portal throttles registrations per client address (50 an hour); " +
	"start it with --trusted-proxies 127.0.0.1 so that each load client counts as the address it sends in X-Forwarded-For")

// asClient sends every request of one load client with that client's own
// address in X-Forwarded-For, as a reverse proxy would: a portal started
// with --trusted-proxies 127.0.0.1 then counts each client as a network of
// its own for its sign-in and registration throttles, as it would count
// real firms; otherwise the header is ignored.
type asClient struct {
	base http.RoundTripper
	addr string
}

func (a asClient) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", a.addr)
	return a.base.RoundTrip(r)
}

// clientAddr is load client i's address, in 198.18.0.0/15, the range
// reserved for benchmarking (RFC 2544), so it is never a real firm's.
func clientAddr(i int) string {
	return fmt.Sprintf("198.%d.%d.%d", 18+i/(256*254), i/254%256, i%254+1)
}

func (c *loadClient) post(ctx context.Context, u string, form url.Values) (int, error) {
	req, _ := http.NewRequestWithContext(ctx, "POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

func (c *loadClient) get(ctx context.Context, u string) (string, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", u, nil)
	res, err := c.http.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 8<<20))
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("load: GET %s: status %d", u, res.StatusCode)
	}
	return string(b), err
}

var versionRe = regexp.MustCompile(`name="version" value="([0-9a-f]+)"`)

// reviewed opens the draft's review page, as a person does before the
// submit button, and returns the submit form: the version it reviewed.
func (c *loadClient) reviewed(ctx context.Context, base string) (url.Values, error) {
	body, err := c.get(ctx, fmt.Sprintf("%s/assessment/%d/review", base, c.draft))
	if err != nil {
		return nil, err
	}
	m := versionRe.FindStringSubmatch(body)
	if m == nil {
		return nil, fmt.Errorf("load: no version on the review page of draft %d", c.draft)
	}
	return url.Values{"version": {m[1]}}, nil
}

// openDraft starts (or finds) the client's draft, as the start button does.
func (c *loadClient) openDraft(ctx context.Context, base string) error {
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/assessment", nil)
	res, err := c.http.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	m := draftRe.FindStringSubmatch(res.Header.Get("Location"))
	if m == nil {
		return fmt.Errorf("load: no draft (status %d)", res.StatusCode)
	}
	c.draft, _ = strconv.ParseInt(m[1], 10, 64)
	return nil
}
