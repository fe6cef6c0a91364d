package web

import (
	"net/url"

	"dxready/locale"
	"dxready/store"
)

// pagerRestarted is the notice of a list that could not continue from
// where its link pointed, and shows its first page instead.
const pagerRestarted = "pager.restarted"

// listCursor is the page position a list's URL asks for: the opaque token
// in "cursor" (the store checks it). Links from before keyset paging carry
// "page=N" instead; a page number no longer names a place in a list that
// grows and shrinks, so page 2 and beyond start again at the first page,
// with the notice (p.Flash) saying so, and the list's own links from then
// on carry cursors. A bookmark of page 1 is simply the first page.
func listCursor(q url.Values, p *page) string {
	if c := q.Get("cursor"); c != "" {
		return c
	}
	if n := q.Get("page"); n != "" && n != "1" {
		p.Flash = pagerRestarted
	}
	return ""
}

// pagerURLs are the links to the pages before and after, path with the
// list's filters v and each neighbour's cursor ("" where there is none).
func pagerURLs(path string, v url.Values, l store.Links) (prev, next string) {
	link := func(c string) string {
		if c == "" {
			return ""
		}
		w := url.Values{}
		for k, vs := range v {
			w[k] = vs
		}
		w.Set("cursor", c)
		return path + "?" + w.Encode()
	}
	return link(l.Prev), link(l.Next)
}

// windowNotes tell the reader of a list walked with a window (store.Window)
// that the store searched part of it only: CountWithin, that the count is
// of the list's first rows ("" when it is not); Window, how far this page
// searched when the window stopped it before it was full, and
// FurtherURL/FurtherLabel, the link on from there ("search further"; the
// pager's link that way is then left out). Shared by the member list and
// the admin search, each with its own messages (windowMessages).
type windowNotes struct {
	CountWithin                      string
	Window, FurtherURL, FurtherLabel string
}

// windowMessages are a list's message IDs for its windowNotes: the count
// within, the page forward and back, the links forward and back.
type windowMessages struct{ within, window, windowBack, further, furtherBack string }

// set fills n from found (rows: how many the page shows), moving the
// pager's link that way (*prevURL or *nextURL) to FurtherURL.
func (n *windowNotes) set(found store.Window, count store.Count, rows int, prevURL, nextURL *string, loc *locale.Localizer, m windowMessages) {
	if found.CountedWithin > 0 {
		n.CountWithin = loc.T(m.within, "Count", count.N, "Searched", loc.Int(int64(found.CountedWithin)))
	}
	if found.Searched == 0 {
		return
	}
	msg, label := m.window, m.further
	if found.Back {
		msg, label = m.windowBack, m.furtherBack
		n.FurtherURL, *prevURL = *prevURL, ""
	} else {
		n.FurtherURL, *nextURL = *nextURL, ""
	}
	n.Window = loc.T(msg, "Count", rows, "Searched", loc.Int(int64(found.Searched)))
	n.FurtherLabel = loc.T(label)
}
