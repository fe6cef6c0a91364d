package loadtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
)

// loadClient is one simulated firm user: a browser with a cookie jar, a
// cache of the assets it has fetched, and its open draft.
type loadClient struct {
	http   *http.Client // never follows redirects itself: send does, counting pages
	base   string
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
	u := c.base + path
	for hop := 0; ; hop++ {
		res, err := c.do(ctx, method, u, form)
		if err != nil {
			return out, err
		}
		if hop == 0 {
			out.status, out.loc = res.StatusCode, res.Header.Get("Location")
		}
		loc := res.Header.Get("Location")
		if isRedirect(res.StatusCode) && loc != "" && hop < maxHops {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			next, err := res.Request.URL.Parse(loc)
			if err != nil {
				return out, fmt.Errorf("load: bad Location %q: %w", loc, err)
			}
			next.Fragment = ""
			method, u, form = http.MethodGet, next.String(), nil
			continue
		}
		c.buf.Reset()
		_, err = c.buf.ReadFrom(io.LimitReader(res.Body, 8<<20))
		res.Body.Close()
		out.final, out.url, out.body = res.StatusCode, res.Request.URL.Path, c.buf.Bytes()
		if err != nil {
			return out, err
		}
		if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			c.count.pages.Add(1)
			c.noteSize(out.url, len(out.body))
			return out, c.assets(ctx, out.body)
		}
		return out, nil
	}
}

func isRedirect(code int) bool {
	return code == http.StatusSeeOther || code == http.StatusFound || code == http.StatusMovedPermanently ||
		code == http.StatusTemporaryRedirect || code == http.StatusPermanentRedirect
}

func (c *loadClient) do(ctx context.Context, method, u string, form url.Values) (*http.Response, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(requestContext(ctx), method, u, body)
	if err != nil {
		return nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept-Encoding", "br, gzip") // as a browser; the body is not decoded, only counted
	if c.addr != "" {
		req.Header.Set("X-Forwarded-For", c.addr)
	}
	return c.http.Do(req)
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

func (c *loadClient) asset(ctx context.Context, p string) error {
	res, err := c.do(ctx, http.MethodGet, c.base+p, nil)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("load: GET %s: status %d", p, res.StatusCode)
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
