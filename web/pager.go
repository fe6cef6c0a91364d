package web

import (
	"net/url"

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
