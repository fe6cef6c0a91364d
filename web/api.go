package web

import (
	"encoding/json"
	"errors"
	"hash/fnv"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"dxready/opendata"
)

// The IOC feed: open data's indicators and datasets as JSON under
// /api/v1, for machines holding an API key (api_keys.go). Every figure
// comes from s.publication, as on /data; the OpenAPI 3.1 document
// (api_openapi.json) describes every answer, and the tests validate each
// one they receive against it (api_test.go).

// apiRoutes mounts the feed on r: the OpenAPI document is public, every
// other path needs a key. An unknown path or version is a JSON 404, any
// method but GET (and HEAD) a JSON 405; no session, language or form.
func (s *Server) apiRoutes(r chi.Router) {
	r.Route("/api", func(r chi.Router) {
		r.NotFound(s.apiNotFound)
		r.MethodNotAllowed(s.apiMethodNotAllowed)
		r.Get("/v1/openapi.json", s.apiOpenAPI)
		r.Group(func(r chi.Router) {
			r.Use(s.apiAuth)
			r.Get("/v1/indicators", s.apiIndicators)
			r.Get("/v1/indicators/{id}", s.apiIndicator)
			r.Get("/v1/indicators/{id}/series", s.apiSeries)
			r.Get("/v1/datasets", s.apiDatasets)
			r.Get("/v1/datasets/{id}", s.apiDataset)
		})
	})
}

// apiError is the feed's one error shape: a stable code for machines and
// an English message for people. Neither ever holds the request's input.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// apiProblem is a refused request: its status, code and message.
type apiProblem struct {
	status        int
	code, message string
}

func (p *apiProblem) Error() string { return p.code }

func badRequest(code, message string) *apiProblem {
	return &apiProblem{http.StatusBadRequest, code, message}
}

func notFound(code, message string) *apiProblem {
	return &apiProblem{http.StatusNotFound, code, message}
}

// writeAPIError answers p as JSON, never cached.
func writeAPIError(w http.ResponseWriter, p *apiProblem) {
	body, _ := json.Marshal(apiError{apiErrorBody{p.code, p.message}}) // two strings: cannot fail
	h := w.Header()
	h.Set("Content-Type", apiContentType)
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(body)+1))
	w.WriteHeader(p.status)
	_, _ = w.Write(append(body, '\n'))
}

const apiContentType = "application/json; charset=utf-8"

// apiFail answers err: a problem as itself, opendata's lookups as 404s,
// anything else logged and a 500 that says nothing of it.
func (s *Server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	var p *apiProblem
	switch {
	case errors.As(err, &p):
	case errors.Is(err, opendata.ErrNoIndicator):
		p = notFound("unknown_indicator", "No such indicator (or it is not published for this dimension).")
	case errors.Is(err, opendata.ErrNoDataset):
		p = notFound("unknown_dataset", "No such dataset.")
	case errors.Is(err, opendata.ErrNoGroup):
		p = notFound("unknown_group", "No such group in this dimension.")
	default:
		if gone, cause := clientGone(r, err); gone {
			s.log.Log(r.Context(), cause, "api: client went away", "path", r.URL.Path, "err", err)
			return
		}
		s.log.Error("api: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		p = &apiProblem{http.StatusInternalServerError, "internal", "The server could not answer; try again later."}
	}
	if p.status < 500 {
		s.log.Info("api: refused", "path", r.URL.Path, "status", p.status, "code", p.code)
	}
	writeAPIError(w, p)
}

func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	writeAPIError(w, notFound("not_found", "No such endpoint; this API's version is /api/v1."))
}

func (s *Server) apiMethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Allow", "GET, HEAD")
	writeAPIError(w, &apiProblem{http.StatusMethodNotAllowed, "method_not_allowed", "This API is read-only: use GET."})
}

// apiQuery parses the request's query: each parameter at most once, and
// only those allowed. It returns the values and their canonical encoding
// (sorted), part of the ETag.
func apiQuery(r *http.Request, allowed ...string) (url.Values, string, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, "", badRequest("bad_query", "The query string does not parse.")
	}
	for k, vs := range q {
		if !slices.Contains(allowed, k) {
			return nil, "", badRequest("unknown_parameter", "Unknown query parameter; see /api/v1/openapi.json.")
		}
		if len(vs) != 1 {
			return nil, "", badRequest("repeated_parameter", "A query parameter is given more than once.")
		}
	}
	return q, q.Encode(), nil
}

// apiLangOnly reads the query of an endpoint that takes lang alone, and
// answers the request itself when it is refused (ok false).
func (s *Server) apiLangOnly(w http.ResponseWriter, r *http.Request) (canon, l string, ok bool) {
	q, canon, err := apiQuery(r, "lang")
	if err == nil {
		l, err = apiLang(q)
	}
	if err != nil {
		s.apiFail(w, r, err)
		return "", "", false
	}
	return canon, l, true
}

// apiLang is ?lang=: vi (the default) or en.
func apiLang(q url.Values) (string, error) {
	switch l := q.Get("lang"); l {
	case "", "vi":
		return "vi", nil
	case "en":
		return "en", nil
	}
	return "", badRequest("bad_lang", "lang must be vi or en.")
}

// apiLimit is ?limit=: 1…100, 50 when absent.
func apiLimit(q url.Values) (int, error) {
	v, ok := q["limit"]
	if !ok {
		return 50, nil
	}
	n, err := strconv.Atoi(v[0])
	if err != nil || n < 1 || n > 100 || strings.Trim(v[0], "0123456789") != "" {
		return 0, badRequest("bad_limit", "limit must be a whole number from 1 to 100.")
	}
	return n, nil
}

// etagFor is a response's weak entity tag: the publication's figures'
// (which move with any value of a quarterly table; the datasets' list,
// which counts the daily tables' rows, takes the whole publication's) and
// the request's path and canonical query. Weak, since a recomputation of
// the same figures keeps the tag and moves only the body's computed_at.
// A series' tag does not move with each day's participation counts, so
// polling it tells nothing of who took part that day.
func etagFor(p *opendata.Publication, path, query string) string {
	tag := p.Figures
	if strings.HasPrefix(path, "/api/v1/datasets") {
		tag = p.ETag
	}
	h := fnv.New64a()
	h.Write([]byte(path))
	h.Write([]byte{0})
	h.Write([]byte(query))
	return `W/"` + tag + "-" + strconv.FormatUint(h.Sum64(), 36) + `"`
}

// etagMatches reports whether an If-None-Match header names tag (weak
// comparison, RFC 9110 §13.1.2), or is "*".
func etagMatches(header, tag string) bool {
	if header == "" {
		return false
	}
	opaque := strings.TrimPrefix(tag, "W/")
	for part := range strings.SplitSeq(header, ",") {
		part = strings.TrimSpace(part)
		if part == "*" || strings.TrimPrefix(part, "W/") == opaque {
			return true
		}
	}
	return false
}

// apiServe answers a GET of the feed: from the cache of serialised
// bodies when it holds this publication's answer, otherwise from build
// (whose error is the answer); 304 when the client holds it already.
func (s *Server) apiServe(w http.ResponseWriter, r *http.Request, query string, build func(*opendata.Publication) (any, error)) {
	p, err := s.publication(r.Context())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	key := r.URL.Path + "?" + query
	e, ok := s.apiBodies.get(p, key)
	if !ok {
		v, err := build(p)
		if err != nil {
			s.apiFail(w, r, err)
			return
		}
		body, err := json.Marshal(v)
		if err != nil {
			s.apiFail(w, r, err)
			return
		}
		e = apiBody{body: append(body, '\n'), etag: etagFor(p, r.URL.Path, query)}
		s.apiBodies.put(p, key, e)
	}
	writeAPIBody(w, r, e)
}

// writeAPIBody writes a cached answer, or 304 with no body when the
// request's If-None-Match names it.
func writeAPIBody(w http.ResponseWriter, r *http.Request, e apiBody) {
	h := w.Header()
	h.Set("ETag", e.etag)
	h.Set("Cache-Control", "private, max-age=60")
	if etagMatches(r.Header.Get("If-None-Match"), e.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", apiContentType)
	h.Set("Content-Length", strconv.Itoa(len(e.body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(e.body)
}
