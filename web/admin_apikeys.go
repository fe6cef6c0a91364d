package web

import (
	"errors"
	"net/http"
	"strconv"
	"unicode/utf8"

	"dxready/auth"
	"dxready/store"
)

// The Center's admin issues and revokes the IOC feed's API keys. A new
// key is shown once, as fresh recovery codes are (twofactor_codes.go): the
// POST that made it keeps it in memory, bound to the session, and the GET
// it redirects to gives it out and forgets it. Only its hash is stored.

// issuedKey is a key just issued, waiting for its page.
type issuedKey struct {
	ID        int64
	Key, Name string
}

type adminAPIKeysPage struct {
	page
	Keys   []*store.APIKey
	Form   *form
	Issued *issuedKey // shown once, after an issue
}

// Limits of a key's name and its owner's note, in characters.
const (
	apiKeyNameMax  = 80
	apiKeyOwnerMax = 160
)

// adminAPIKeys lists every key, live and revoked, with the form to issue
// one.
func (s *Server) adminAPIKeys(w http.ResponseWriter, r *http.Request) {
	s.renderAdminAPIKeys(w, r, http.StatusOK, newForm(), nil)
}

func (s *Server) renderAdminAPIKeys(w http.ResponseWriter, r *http.Request, status int, f *form, issued *issuedKey) {
	p := &adminAPIKeysPage{page: s.newPage(w, r, "page.admin_apikeys.title"), Form: f, Issued: issued}
	var err error
	if p.Keys, err = s.store.APIKeys(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "admin_apikeys", p)
}

// adminAPIKeyPost issues a key with a name and a note of whom it is for,
// audited with them (never the secret), and sends the browser to the page
// that shows it once.
func (s *Server) adminAPIKeyPost(w http.ResponseWriter, r *http.Request) {
	f, ok := s.parseForm(w, r, "name", "owner")
	if !ok {
		return
	}
	name, owner := f.Get("name"), f.Get("owner")
	if name == "" || utf8.RuneCountInString(name) > apiKeyNameMax {
		f.Fail("name", "error.apikey.name")
	}
	if owner == "" || utf8.RuneCountInString(owner) > apiKeyOwnerMax {
		f.Fail("owner", "error.apikey.owner")
	}
	if !f.Valid() {
		s.renderAdminAPIKeys(w, r, http.StatusUnprocessableEntity, f, nil)
		return
	}
	u := currentUser(r)
	key, prefix, hash := auth.NewAPIKey()
	k := &store.APIKey{Prefix: prefix, Hash: hash, Name: name, Owner: owner, Scope: auth.ScopeIndicatorsRead, CreatedBy: u.ID}
	if err := s.store.CreateAPIKey(r.Context(), k); err != nil {
		s.fail(w, r, err)
		return
	}
	s.apiKeys.invalidate()
	now := s.now()
	s.freshKeys.put(currentSession(r).TokenHash, u.ID, issuedKey{ID: k.ID, Key: key, Name: name}, now, now.Add(codesShownFor))
	http.Redirect(w, r, "/admin/apikeys/issued", http.StatusSeeOther)
}

// adminAPIKeyIssued shows the key just issued, once; after that (or in
// another session) it is gone and the page says so with the list.
func (s *Server) adminAPIKeyIssued(w http.ResponseWriter, r *http.Request) {
	k, ok := s.freshKeys.get(currentSession(r).TokenHash, currentUser(r).ID, s.now(), true)
	if !ok {
		s.setFlash(w, "flash.apikey_gone")
		http.Redirect(w, r, "/admin/apikeys", http.StatusSeeOther)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.renderAdminAPIKeys(w, r, http.StatusOK, newForm(), &k)
}

// adminAPIKeyRevokePost revokes a key for good: the feed refuses it from
// the next request on.
func (s *Server) adminAPIKeyRevokePost(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.parseForm(w, r); !ok {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, store.ErrNotFound)
		return
	}
	err = s.store.RevokeAPIKey(r.Context(), id, currentUser(r).ID)
	s.apiKeys.invalidate()                                // whatever happened, read the keys again
	if err != nil && !errors.Is(err, store.ErrConflict) { // revoked already: it is, as asked
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, "flash.apikey_revoked")
	http.Redirect(w, r, "/admin/apikeys", http.StatusSeeOther)
}
