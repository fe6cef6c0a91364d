package web

import (
	"errors"
	"net/http"
	"strings"

	"dxready/plaintext"
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

// renderBodyError answers a body r.ParseForm could not read: 413 when it
// was too large, else 400.
func (s *Server) renderBodyError(w http.ResponseWriter, r *http.Request, err error) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		s.renderError(w, r, http.StatusRequestEntityTooLarge, "error.request_too_large")
	} else {
		s.renderError(w, r, http.StatusBadRequest, "error.bad_request")
	}
}

// multiline names the form fields that are <textarea>s: their line breaks
// are kept (as LF). TestTextareasAreMultiline keeps it in step with the
// templates.
var multiline = map[string]bool{"note": true, "notes": true, "bio_vi": true, "bio_en": true, "comment": true}

// parseForm reads the named fields, cleaned by the text rule (plaintext:
// one line, or a block for the multiline fields; passwords as sent). A
// field the rule refuses gets its problem, so every form answers 422 with
// the message at that field and stores nothing. ok is false when the body
// could not be read; the response (413 or 400) has then been written.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request, fields ...string) (*form, bool) {
	if err := r.ParseForm(); err != nil {
		s.renderBodyError(w, r, err)
		return nil, false
	}
	f := newForm()
	for _, name := range fields {
		v := r.PostForm.Get(name)
		var p plaintext.Problem
		switch {
		case strings.HasPrefix(name, "password"):
		case multiline[name]:
			v, p = plaintext.Block(v)
		default:
			v, p = plaintext.Line(v)
		}
		if p != "" {
			f.Fail(name, string(p))
		}
		f.Values[name] = v
	}
	return f, true
}
