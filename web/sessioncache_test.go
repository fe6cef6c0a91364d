package web

import (
	"net/http"
	"net/url"
	"testing"

	"dxready/auth"
	"dxready/store"
)

// The Center moves a lead to another association: the lead's very next
// request, from a session opened before, sees the new association and no
// longer the old one (the session cache used to keep the old one for up
// to ten seconds).
func TestMovedLeadSeesTheNewAssociationAtOnce(t *testing.T) {
	e := newEnv(t)
	lead := e.client().login("lead@test.local")
	wood, logistics := "/associations/"+itoa(e.fx.Wood.ID), "/associations/"+itoa(e.fx.Logistics.ID)
	must(t, lead.get(wood), http.StatusOK)
	must(t, lead.get(logistics), http.StatusNotFound) // cached now, with the wood association
	admin := e.client().login("admin@test.local")
	must(t, admin.post("/admin/associations/"+itoa(e.fx.Logistics.ID)+"/leads",
		url.Values{"email": {"lead@test.local"}, "name": {"Trưởng hội"}}), http.StatusOK, "lead@test.local")
	must(t, lead.get(logistics), http.StatusOK)
	must(t, lead.get(wood), http.StatusNotFound)
}

// A disabled account's open session ends with its next request.
func TestDisabledUserIsSignedOutAtOnce(t *testing.T) {
	e := newEnv(t)
	firm := e.client().login("firm@test.local")
	must(t, firm.get("/profile"), http.StatusOK)
	if err := e.st.SetUserStatus(ctx, e.fx.FirmUser.ID, 0, auth.StatusDisabled); err != nil {
		t.Fatal(err)
	}
	r := firm.get("/profile")
	if r.status != http.StatusSeeOther {
		t.Fatalf("the disabled user's next request: %d", r.status)
	}
}

// A lookup that read the database before an invalidation does not put the
// old user back into the cache after it.
func TestSessionCacheRefusesAStaleFill(t *testing.T) {
	e := newEnv(t)
	var c sessionCache
	gen := c.generation()
	stale := &auth.User{ID: e.fx.Lead.ID, AssociationID: e.fx.Wood.ID}
	c.dropUsers([]int64{e.fx.Lead.ID}) // the move commits while the lookup runs
	hash := []byte("token-hash")
	c.put(&store.Session{TokenHash: hash}, stale, e.fx.Clock.Now(), gen)
	if _, _, ok := c.get(hash, e.fx.Clock.Now()); ok {
		t.Fatal("the stale user was cached after the invalidation")
	}
	c.put(&store.Session{TokenHash: hash}, stale, e.fx.Clock.Now(), c.generation())
	if _, _, ok := c.get(hash, e.fx.Clock.Now()); !ok {
		t.Fatal("a fresh fill was not cached")
	}
}
