package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"maps"
	"slices"
	texttemplate "text/template"
)

// WarmPages binds every page in every language to the server's functions
// and has html/template escape it (its "base", and all base calls), so that the first view of each page
// after a start does not pay for either. Both are done once per page and
// language (boundPage), on its first use: a clone of the parsed page, and
// the escaping html/template does on a template's first run. Together
// they are 1–3.5 ms a page (docs/PERFORMANCE.md), paid by the first user
// of each page.
//
// serve runs it beside the requests, as it warms the aggregates; New does
// not, so that a test's server copies only the pages it shows. A request
// that asks for a page being warmed waits for it (sync.Once, and
// html/template's own lock), as it would have done the work itself.
//
// An error is a page that cannot be escaped (or bound): it would fail
// the same way on its first view, so it is returned, not dropped. WarmPages
// stops, with ctx's error, when ctx ends.
func (s *Server) WarmPages(ctx context.Context) error {
	var errs []error
	for _, l := range slices.Sorted(maps.Keys(s.pages.byLang)) {
		pages := s.pages.byLang[l]
		for _, name := range slices.Sorted(maps.Keys(pages)) {
			if err := ctx.Err(); err != nil {
				return err
			}
			t, err := pages[name].get()
			if err == nil {
				err = escapeOnly(t, "base")
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("web: warm page %s (%s): %w", name, l, err))
			}
		}
	}
	return errors.Join(errs...)
}

// escapeOnly has html/template escape template name of t, and the
// templates it calls, without rendering anything: html/template escapes a
// template on its first run, before it writes a byte, so a run into a
// writer that refuses the first write stops there. What stops the run
// that way is the point, not an error: that write, or the missing data
// met before it (an execution error: the run has no data). Any other
// error (a template that cannot be escaped, or is undefined) is returned.
func escapeOnly(t *template.Template, name string) error {
	err := t.ExecuteTemplate(refuseWrites{}, name, nil)
	if _, ran := errors.AsType[texttemplate.ExecError](err); ran || errors.Is(err, errWarmOnly) {
		return nil
	}
	return err
}

// refuseWrites is a writer that writes nothing.
type refuseWrites struct{}

var errWarmOnly = errors.New("web: warming: nothing is written")

func (refuseWrites) Write([]byte) (int, error) { return 0, errWarmOnly }
