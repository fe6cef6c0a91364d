package loadtest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"dxready/firms"
)

// firstBody is where the load tool's tax codes start: 3790000000 and up, far
// from the demo's (3709…, counting up) and from codes issued in Binh Duong
// (about 3703… today). Whatever the registry holds, a candidate is used only
// when the registry in --db does not hold it (taxCodes).
const firstBody = 379000000

// taxCodes returns n valid enterprise MSTs (check digit by firms.CheckDigit)
// that the registry in --db does not hold, the first such from firstBody up,
// so every load client registers a firm of its own and never signs up as an
// existing firm (which would make it a claim). A registry full of the
// tool's range ends the search with an error rather than a collision.
func (lt *loadTest) taxCodes(ctx context.Context, n int) ([]string, error) {
	var out []string
	for body := firstBody; len(out) < n; body++ {
		if body > 999999999 {
			return nil, errors.New("load: no free tax code from 3790000000 up in the registry of --db")
		}
		d, ok := firms.CheckDigit(strconv.Itoa(body))
		if !ok {
			continue
		}
		tc := strconv.Itoa(body) + string(d)
		taken, err := lt.db.firmExists(ctx, tc)
		if err != nil {
			return nil, err
		}
		if !taken {
			out = append(out, tc)
		}
	}
	return out, nil
}

// newClients makes n load clients, each a browser of its own address
// with a connection and cookies of its own (wire.go).
func (lt *loadTest) newClients(n int) []*loadClient {
	cs := make([]*loadClient, n)
	for i := range cs {
		cs[i] = newLoadClient(lt.base, &lt.counts)
		cs[i].cached, cs[i].addr, cs[i].sizes = map[string]bool{}, clientAddr(i), map[string]int{}
	}
	return cs
}

// newLoadClient is a client of base counting into count, with no
// address of its own and no asset cache: the bare handler's.
func newLoadClient(base string, count *counts) *loadClient {
	prefix := ""
	if u, err := url.Parse(base); err == nil { // one it cannot parse fails each request (newWireClient)
		prefix = strings.TrimRight(u.Path, "/")
	}
	return &loadClient{t: newWireClient(base), prefix: prefix, count: count}
}

// closeClients closes the clients' connections.
func closeClients(cs []*loadClient) {
	for _, c := range cs {
		c.t.close()
	}
}

// signUp is the sign-up phase: every client at once registers a firm of its
// own (a tax code from taxCodes), opens the link mailed to it and confirms
// with its password, signs in as the portal's users then do, and opens its
// draft; each action is timed, pages followed as a browser does, and the
// phase's wall time runs until the last client has its draft.
func (lt *loadTest) signUp(ctx context.Context, cs []*loadClient) (phase, error) {
	tcs, err := lt.taxCodes(ctx, len(cs))
	if err != nil {
		return phase{}, err
	}
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	start := time.Now()
	pages := lt.counts.pages.Load()
	rec := &recorder{out: samples{}}
	err = eachClient(cs, func(i int, c *loadClient) error {
		t0 := time.Now()
		form := url.Values{"tax_code": {tcs[i]}, "firm_name": {"Công ty TNHH Thử tải " + tcs[i]}, "name": {"Load"},
			"email": {fmt.Sprintf("load-%s-%d@load.local", run, i)}, "password": {"load-test-password"}, "password_confirm": {"load-test-password"}}
		if err := c.register(ctx, i, form, rec.record); err != nil {
			return err
		}
		if err := c.confirm(ctx, lt, form.Get("email"), form.Get("password"), rec.record); err != nil {
			return err
		}
		login := url.Values{"email": form["email"], "password": form["password"]}
		if err := c.action(ctx, "signin", "/login", login, rec.record); err != nil {
			return fmt.Errorf("load: sign in firm %d: %w", i, err)
		}
		if err := c.openDraft(ctx); err != nil {
			return err
		}
		rec.record("signup", time.Since(t0), true)
		return nil
	})
	return phase{samples: rec.out, wall: time.Since(start), pages: lt.counts.pages.Load() - pages}, err
}

// register posts the registration form; a throttled client says how to
// start the portal.
func (c *loadClient) register(ctx context.Context, i int, form url.Values, record func(string, time.Duration, bool)) error {
	t0 := time.Now()
	s, err := c.send(ctx, http.MethodPost, "/register", form)
	if s.status == http.StatusTooManyRequests {
		return fmt.Errorf("load: register firm %d: %w", i, errThrottled)
	}
	if err != nil {
		return fmt.Errorf("load: register firm %d: %w", i, err)
	}
	if s.status != http.StatusSeeOther || s.final != http.StatusOK {
		return fmt.Errorf("load: register firm %d: status %d, then %d on %s", i, s.status, s.final, s.url)
	}
	record("register", time.Since(t0), true)
	return nil
}

// action posts form to path, follows to the page it leads to, and records
// the whole as one sample of kind: it must answer 303 and end on a page.
func (c *loadClient) action(ctx context.Context, kind, path string, form url.Values, record func(string, time.Duration, bool)) error {
	t0 := time.Now()
	s, err := c.send(ctx, http.MethodPost, path, form)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if s.status != http.StatusSeeOther || s.final != http.StatusOK {
		return fmt.Errorf("%s: status %d, then %d on %s", path, s.status, s.final, s.url)
	}
	record(kind, time.Since(t0), true)
	return nil
}

// confirm opens the confirmation link mailed to email (read from the
// outbox, portaldb.go) and enters the account's password on its page, as a
// new user does: the address is confirmed and the client signed in.
func (c *loadClient) confirm(ctx context.Context, lt *loadTest, email, password string, record func(string, time.Duration, bool)) error {
	link, err := lt.db.confirmLink(ctx, email)
	if err != nil {
		return err
	}
	t0 := time.Now()
	if _, err := c.page(ctx, link); err != nil {
		return fmt.Errorf("load: confirmation link of %s: %w", email, err)
	}
	if err := c.action(ctx, "confirm", link, url.Values{"current": {password}}, func(string, time.Duration, bool) {}); err != nil {
		return fmt.Errorf("load: confirming %s: %w", email, err)
	}
	record("confirm", time.Since(t0), true)
	return nil
}

// errThrottled: the portal refused a registration as one client's too
// many. It counts registrations per client address, and every load client
// is on loopback unless the portal trusts loopback as a proxy.
var errThrottled = errors.New("the portal throttles registrations per client address (50 an hour); " +
	"start it with --trusted-proxies 127.0.0.1 so that each load client counts as the address it sends in X-Forwarded-For")

// clientAddr is load client i's address, in 198.18.0.0/15, the range
// reserved for benchmarking (RFC 2544), so it is never a real firm's.
// Every request of the client carries it in X-Forwarded-For (loadClient.do,
// as a reverse proxy would; set there rather than by a RoundTripper that
// had to clone each request): a portal started with --trusted-proxies
// 127.0.0.1 then counts each client as a network of its own for its
// sign-in and registration throttles, as it would count real firms;
// otherwise the header is ignored.
func clientAddr(i int) string {
	return fmt.Sprintf("198.%d.%d.%d", 18+i/(256*254), i/254%256, i%254+1)
}
