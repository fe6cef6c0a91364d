package loadtest

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
)

// loadClient is one simulated firm user: a browser with a cookie jar, a
// cache of the assets it has fetched, and its open draft.
type loadClient struct {
	t      transport // its connection and cookies (wire.go); never follows redirects itself: send does, counting pages
	prefix string    // the path of --target, before every path sent
	draft  int64
	cached map[string]bool // asset paths fetched once, as a browser's cache keeps them
	count  *counts
	addr   string       // sent in X-Forwarded-For: the client's own address, as a proxy would
	buf    bytes.Buffer // the page last read, reused: a shown's body until the next send
	sizes  map[string]int
}

// counts are what the clients of one run fetched beside the timed
// requests: pages rendered after following redirects, and assets.
type counts struct {
	pages, assets atomic.Int64
}

// shown is where one browser action ended: the first answer's status and
// Location, and the page finally shown (after every redirect was followed).
type shown struct {
	status int    // the first response's: 303 for a form post that worked
	loc    string // the first response's Location, "" if none
	final  int    // the status of the page shown
	url    string // the path of the page shown
	body   []byte // the page shown: valid until the client's next send
}

// maxHops bounds the redirects one action follows.
const maxHops = 10

// send makes one request as a browser does: it follows every redirect with
// a GET of the page it leads to (a 303 after a form post), reads the page
// that ends it, and fetches that page's hashed CSS and JS the first time
// this client sees them. Every page read counts as rendered.
func (c *loadClient) send(ctx context.Context, method, path string, form url.Values) (shown, error) {
	var out shown
	target, err := requestTarget("/", c.prefix+path)
	if err != nil {
		return out, err
	}
	rq := request{method: method, target: target, xff: c.addr}
	if form != nil {
		rq.body, rq.form = form.Encode(), true
	}
	ctx = requestContext(ctx)
	for hop := 0; ; hop++ {
		c.buf.Reset()
		res, err := c.t.roundTrip(ctx, &rq, &c.buf)
		if err != nil {
			return out, err
		}
		if hop == 0 {
			out.status, out.loc = res.status, res.location
		}
		if isRedirect(res.status) && res.location != "" && hop < maxHops {
			next, err := requestTarget(rq.target, res.location)
			if err != nil {
				return out, err
			}
			rq = request{method: http.MethodGet, target: next, xff: c.addr}
			continue
		}
		out.final, out.url, out.body = res.status, targetPath(rq.target), c.buf.Bytes()
		if res.html {
			c.count.pages.Add(1)
			c.noteSize(out.url, len(out.body))
			return out, c.assets(ctx, out.body)
		}
		return out, nil
	}
}

// requestTarget is where ref (a path, or a Location) leads from the
// request target from: the path and query to send, without a fragment.
// A reference to another host or scheme is refused: the tool speaks to
// the one host of --target.
func requestTarget(from, ref string) (string, error) {
	if plainPath(ref) {
		return ref, nil
	}
	base, err := url.Parse(from)
	if err != nil {
		return "", fmt.Errorf("load: bad path %q: %w", from, err)
	}
	u, err := base.Parse(ref)
	if err != nil {
		return "", fmt.Errorf("load: bad path or Location %q: %w", ref, err)
	}
	if u.Scheme != "" || u.Host != "" || u.User != nil {
		return "", fmt.Errorf("load: %q leads away from --target: the tool follows only paths on its host", ref)
	}
	u.Fragment, u.RawFragment = "", ""
	return escapeOdd(u.RequestURI()), nil
}

// escapeOdd percent-encodes the bytes a request line cannot hold (a
// query keeps its spaces and controls in RequestURI): a Location never
// writes raw bytes on the request line.
func escapeOdd(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f {
			if b.Len() == 0 {
				b.WriteString(s[:i])
			}
			fmt.Fprintf(&b, "%%%02X", c)
		} else if b.Len() > 0 {
			b.WriteByte(c)
		}
	}
	if b.Len() == 0 {
		return s
	}
	return b.String()
}

// plainPath: s is an absolute path (and query) of characters sent as they
// are, and no dot segment: it is its own request target.
func plainPath(s string) bool {
	if len(s) == 0 || s[0] != '/' || strings.HasPrefix(s, "//") || strings.Contains(s, "/.") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("/-_.~?=&+", c) >= 0) {
			return false
		}
	}
	return true
}

func isRedirect(code int) bool {
	return code == http.StatusSeeOther || code == http.StatusFound || code == http.StatusMovedPermanently ||
		code == http.StatusTemporaryRedirect || code == http.StatusPermanentRedirect
}

// assets fetches the assets (stylesheets, scripts, icons: assetPaths) of
// page the client has not fetched yet.
func (c *loadClient) assets(ctx context.Context, page []byte) error {
	var err error
	assetPaths(page, func(b []byte) {
		if err != nil || c.cached[string(b)] {
			return
		}
		p := string(b)
		c.cached[p] = true
		err = c.asset(ctx, p)
	})
	return err
}

// asset fetches an asset, its body discarded: c.buf holds the page that
// names it.
func (c *loadClient) asset(ctx context.Context, p string) error {
	target, err := requestTarget("/", c.prefix+p)
	if err != nil {
		return err
	}
	res, err := c.t.roundTrip(ctx, &request{method: http.MethodGet, target: target, xff: c.addr}, nil)
	if err != nil {
		return err
	}
	if res.status != http.StatusOK {
		return fmt.Errorf("load: GET %s: status %d", p, res.status)
	}
	c.count.assets.Add(1)
	return nil
}

// page GETs path as a browser does and wants it shown (200): it returns
// the page as a string of its own.
func (c *loadClient) page(ctx context.Context, path string) (string, error) {
	s, err := c.send(ctx, http.MethodGet, path, nil)
	if err != nil {
		return "", err
	}
	if s.final != http.StatusOK {
		return "", fmt.Errorf("load: GET %s: status %d (shown %s)", path, s.final, s.url)
	}
	return string(s.body), nil
}

// openDraft starts (or finds) the client's draft, as the start button
// does, and is shown its first step.
func (c *loadClient) openDraft(ctx context.Context) error {
	s, err := c.send(ctx, http.MethodPost, "/assessment", url.Values{})
	if err != nil {
		return err
	}
	return c.setDraft(s)
}

// setDraft takes the client's draft from where the start button led.
func (c *loadClient) setDraft(s shown) error {
	id, ok := draftIn(s.loc)
	if !ok || s.final != http.StatusOK {
		return fmt.Errorf("load: no draft (status %d, then %d)", s.status, s.final)
	}
	c.draft = id
	return nil
}

// reviewVersion returns the submit form of the draft's review page: the
// version it shows. review is the page the last step led to, read again
// from the server only when it is not the review.
func (c *loadClient) reviewVersion(ctx context.Context, review shown) (url.Values, error) {
	body := review.body
	if !strings.HasSuffix(review.url, "/review") {
		page, err := c.page(ctx, fmt.Sprintf("/assessment/%d/review", c.draft))
		if err != nil {
			return nil, err
		}
		body = []byte(page)
	}
	v, ok := reviewedVersion(body)
	if !ok {
		return nil, fmt.Errorf("load: no version on the review page of draft %d", c.draft)
	}
	return url.Values{"version": {v}}, nil
}
