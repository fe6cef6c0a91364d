package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// The OpenAPI document, loaded and checked once for every test; each
// test server gets a router of its own (the servers' host differs).
var apiSpec = sync.OnceValues(func() (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(apiDocument)
	if err != nil {
		return nil, err
	}
	return doc, doc.Validate(context.Background())
})

// TestOpenAPIDocumentIs31AndValid: the document loads as OpenAPI 3.1 and
// passes kin-openapi's validation of the document itself.
func TestOpenAPIDocumentIs31AndValid(t *testing.T) {
	doc, err := apiSpec()
	if err != nil {
		t.Fatal(err)
	}
	if !doc.IsOpenAPI31OrLater() || doc.IsOpenAPI32OrLater() || doc.OpenAPI != "3.1.0" {
		t.Fatalf("the document is OpenAPI %q", doc.OpenAPI)
	}
	for _, p := range []string{"/openapi.json", "/indicators", "/indicators/{id}", "/indicators/{id}/series", "/datasets", "/datasets/{id}"} {
		if doc.Paths.Value(p) == nil || doc.Paths.Value(p).Get == nil {
			t.Errorf("the document has no GET %s", p)
		}
	}
}

// apiChecker validates answers against the document on one test server.
type apiChecker struct {
	doc    *openapi3.T
	router routers.Router
}

func newAPIChecker(t *testing.T, base string) *apiChecker {
	t.Helper()
	doc, err := apiSpec()
	if err != nil {
		t.Fatal(err)
	}
	local := *doc
	local.Servers = openapi3.Servers{{URL: base + "/api/v1"}}
	router, err := gorillamux.NewRouter(&local)
	if err != nil {
		t.Fatal(err)
	}
	return &apiChecker{doc: &local, router: router}
}

// apiResp is one answer of the feed.
type apiResp struct {
	status int
	header http.Header
	body   []byte
}

// errorCode is the code of a JSON error answer ("" for none).
func (r apiResp) errorCode() string {
	var e apiError
	_ = json.Unmarshal(r.body, &e)
	return e.Error.Code
}

// apiDo sends req and validates its answer against the document: every
// API test's every answer goes through here.
func (e *env) apiDo(req *http.Request) apiResp {
	e.t.Helper()
	if e.api == nil {
		e.api = newAPIChecker(e.t, e.srv.URL)
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	r := apiResp{res.StatusCode, res.Header, body}
	if err := e.api.validate(req, r); err != nil {
		e.t.Errorf("%s %s → %d does not follow the OpenAPI document: %v\n%s", req.Method, req.URL, r.status, err, truncate(body))
	}
	return r
}

// apiGet is a GET of path with the key (none when empty) and headers.
func (e *env) apiGet(path, key string, headers ...string) apiResp {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return e.apiDo(req)
}

func truncate(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

// validate checks one answer. A request the document routes is checked
// with openapi3filter.ValidateResponse, every status included; since that
// skips 304s, a 304 is checked here: documented for the operation, no
// body, and its headers as the document says. A request it does not
// route (an unknown path or version, another method) must be a JSON
// error of the document's Error schema, 404 or 405.
func (c *apiChecker) validate(req *http.Request, r apiResp) error {
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		if r.status != http.StatusNotFound && r.status != http.StatusMethodNotAllowed {
			return fmt.Errorf("an unrouted request answered %d", r.status)
		}
		return c.validateError(r)
	}
	if r.status == http.StatusNotModified {
		return c.validateNotModified(route, r)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 r.status,
		Header:                 r.header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(r.body)
	return openapi3filter.ValidateResponse(context.Background(), in)
}

func (c *apiChecker) validateError(r apiResp) error {
	if ct := r.header.Get("Content-Type"); ct != apiContentType {
		return fmt.Errorf("content type %q", ct)
	}
	var v any
	if err := json.Unmarshal(r.body, &v); err != nil {
		return err
	}
	return c.doc.Components.Schemas["Error"].Value.VisitJSON(v, openapi3.EnableJSONSchema2020())
}

func (c *apiChecker) validateNotModified(route *routers.Route, r apiResp) error {
	doc := route.Operation.Responses.Status(http.StatusNotModified)
	if doc == nil {
		return fmt.Errorf("304 is not documented for %s", route.Path)
	}
	if len(r.body) != 0 {
		return fmt.Errorf("a 304 with a body of %d bytes", len(r.body))
	}
	for name, h := range doc.Value.Headers {
		v := r.header.Get(name)
		if v == "" {
			if h.Value.Required {
				return fmt.Errorf("a 304 without its %s header", name)
			}
			continue
		}
		if err := h.Value.Schema.Value.VisitJSON(v, openapi3.EnableJSONSchema2020()); err != nil {
			return fmt.Errorf("a 304's %s: %v", name, err)
		}
	}
	return nil
}

// The checker itself can fail: a body, a header or a status the document
// does not allow is caught, so a green API test means the answers follow
// the document.
func TestAPICheckerCatchesWhatTheDocumentForbids(t *testing.T) {
	c := newAPIChecker(t, "http://127.0.0.1:1")
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:1/api/v1/indicators/overall-mean", nil)
	ok := http.Header{"Content-Type": {apiContentType}, "Cache-Control": {"private, max-age=60"}, "Etag": {`W/"ab12-x9"`}}
	good := `{"computed_at":"2026-11-22T03:00:00Z","indicator":{"id":"overall-mean","kind":"overall-mean","unit":"score","question":null,` +
		`"estimate":false,"name":"n","definition":"d","dimensions":["province"]}}`
	if err := c.validate(req, apiResp{200, ok, []byte(good)}); err != nil {
		t.Fatalf("a good answer is refused: %v", err)
	}
	noStore := http.Header{"Content-Type": {apiContentType}, "Cache-Control": {"no-store"}}
	for name, r := range map[string]apiResp{
		"extra field":             {200, ok, []byte(strings.Replace(good, `"estimate"`, `"secret":1,"estimate"`, 1))},
		"value as a string":       {200, ok, []byte(strings.Replace(good, `"estimate":false`, `"estimate":"no"`, 1))},
		"unknown unit":            {200, ok, []byte(strings.Replace(good, `"score"`, `"dong"`, 1))},
		"not a date-time":         {200, ok, []byte(strings.Replace(good, "2026-11-22T03:00:00Z", "22/11/2026", 1))},
		"no ETag":                 {200, http.Header{"Content-Type": {apiContentType}, "Cache-Control": {"private, max-age=60"}}, []byte(good)},
		"an undocumented status":  {http.StatusTeapot, noStore, []byte(`{"error":{"code":"internal","message":"m"}}`)},
		"a 500":                   {500, noStore, []byte(`{"error":{"code":"internal","message":"m"}}`)},
		"an unknown error code":   {404, noStore, []byte(`{"error":{"code":"nope","message":"m"}}`)},
		"401 without its header":  {401, noStore, []byte(`{"error":{"code":"unauthorized","message":"m"}}`)},
		"429 without Retry-After": {429, noStore, []byte(`{"error":{"code":"rate_limited","message":"m"}}`)},
		"a 304 with a body":       {304, ok, []byte("{}")},
		"a 304 without ETag":      {304, http.Header{"Cache-Control": {"private, max-age=60"}}, nil},
		"HTML":                    {200, http.Header{"Content-Type": {"text/html"}, "Cache-Control": {"private, max-age=60"}, "Etag": {`W/"ab-x"`}}, []byte("<p>")},
	} {
		if err := c.validate(req, r); err == nil {
			t.Errorf("%s passes", name)
		}
	}
	other, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:1/api/v2/indicators", nil)
	if err := c.validate(other, apiResp{404, http.Header{"Content-Type": {"text/plain"}}, []byte("404 page not found")}); err == nil {
		t.Error("a plain-text 404 passes for an unknown version")
	}
}
