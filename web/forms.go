package web

import (
	"errors"
	"net/http"
	"strings"
)

// form is a submitted form's values and its problems (field -> message ID),
// re-rendered with 422 when it has any.
type form struct {
	Values map[string]string
	Errors map[string]string
}

func newForm() *form { return &form{Values: map[string]string{}, Errors: map[string]string{}} }

// Get returns a field's submitted value.
func (f *form) Get(name string) string { return f.Values[name] }

// Err returns a field's problem message ID, or "".
func (f *form) Err(name string) string { return f.Errors[name] }

// Fail records a problem on field unless it already has one.
func (f *form) Fail(field, messageID string) {
	if _, ok := f.Errors[field]; !ok {
		f.Errors[field] = messageID
	}
}

// Valid reports whether no problem was recorded.
func (f *form) Valid() bool { return len(f.Errors) == 0 }

// parseForm reads the named fields, trimmed. ok is false when the body
// could not be read; the response (413 or 400) has then been written.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request, fields ...string) (*form, bool) {
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.renderError(w, r, http.StatusRequestEntityTooLarge, "error.request_too_large")
		} else {
			s.renderError(w, r, http.StatusBadRequest, "error.bad_request")
		}
		return nil, false
	}
	f := newForm()
	for _, name := range fields {
		v := r.PostForm.Get(name)
		if !strings.HasPrefix(name, "password") {
			v = strings.TrimSpace(v)
		}
		f.Values[name] = v
	}
	return f, true
}
